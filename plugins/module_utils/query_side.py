# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The query side of a flow log: the inputs of the ``athena`` and ``log_insights`` roles, the
defaults the ``flowlogs`` role gives them, and the rules they must follow, in one place.

Two entry points use the same rules and the same messages:
- the ``athena`` and ``log_insights`` roles, used on their own, check their variables with them
  (filters ``flowlogs.aws.athena_problems`` and ``flowlogs.aws.log_insights_problems``); a
  problem is named by the role variable (``log_insights_alarm_period``);
- the ``flowlogs`` role's plan (flowlogs_inventory.py) resolves every flow log's query side
  with ``athena_inputs`` and ``log_insights_inputs`` and checks it before the first change; a
  problem is named by the inventory field the value came from
  (``flowlogs_flow_logs[0].reject_alarm.period``). The roles then apply the resolved values and
  do not check them again.

Pure logic, no AWS call and no Ansible import. The Athena and Glue name rules are those of
"Names for databases, tables, and columns" (Amazon Athena User Guide) and CreateWorkGroup's
Name pattern; the alarm and metric filter rules those of PutMetricAlarm and PutMetricFilter
(Amazon CloudWatch and CloudWatch Logs API References).
"""

import ipaddress
import re

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import WORKGROUP_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import S3_BUCKET_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import GLUE_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import INSIGHTS_QUERIES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import ACCOUNT_ID
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import REGION
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import LOG_GROUP_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import class_feature_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import FILTER_NAME_RE

DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
KMS_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:kms:")
SNS_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NUMBER = re.compile(r"^[0-9]+(\.[0-9]+)?$")
INTEGER = re.compile(r"^[0-9]+$")
MIN_BYTES_SCANNED_CUTOFF = 10000000  # WorkGroupConfiguration.BytesScannedCutoffPerQuery
MAX_QUERY_FOLDER = 200

# What the flowlogs role gives a flow log's REJECT alarm when the inventory says nothing
# (roles/flowlogs/meta/argument_specs.yml documents them; log_insights' own defaults agree).
ALARM_DEFAULTS = {"enabled": True, "threshold": 100, "period": 300}


def _bool(value, default):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on", "y", "t")


def _blank(value):
    return value is None or value == ""


def _integer(value):
    """The integer a value holds, or None (the argument specs type these; a filter call may not)."""
    if isinstance(value, bool):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


class _Problems(object):
    """Collects problems, each named by ``name(key)``: a role variable or an inventory field."""

    def __init__(self, values, name):
        self.values = values
        self.name = name
        self.found = []

    def add(self, key, rule, show=True):
        if self.name(key) is None:
            return  # the caller checks this value elsewhere
        got = " (got {0!r})".format(self.values.get(key)) if show else ""
        self.found.append("{0}: {1}{2}".format(self.name(key), rule, got))

    def format(self, key):
        """The format's fields ([] for None, the default format); None when it has problems, which are recorded."""
        value = self.values.get(key)
        if value is None:
            return []
        try:
            # Tag fields are fine for tables, queries and patterns: only CreateFlowLogs needs their specifications.
            return parse_format(value, True)
        except FlowLogFormatError as error:
            for problem in getattr(error, "problems", None) or [str(error)]:
                self.found.append("{0}: {1}".format(self.name(key), problem))
        return None


def role_names(prefix):
    """Names problems by the role variable: athena_database, log_insights_alarm_period."""
    return lambda key: prefix + key


def athena_name_problems(values, name):
    """Problems of the Glue database and table and the Athena workgroup names given in ``values``."""
    found = _Problems(values, name)
    for key, pattern, rule in (("database", GLUE_NAME, "lowercase letters, digits and underscores, 1 to 255"),
                               ("table", GLUE_NAME, "lowercase letters, digits and underscores, 1 to 255"),
                               ("workgroup", WORKGROUP_NAME, "letters, digits, '.', '_' and '-', 1 to 128")):
        if key in values and not pattern.match(str(values.get(key) or "")):
            found.add(key, "may contain only " + rule)
    return found.found


def athena_problems(values, name=None, format_checked=False):
    """Problems of the athena role's inputs (``values`` keyed without the ``athena_`` prefix).

    ``format_checked``: the caller has parsed and checked the log format already (the plan
    does, once per flow log), so it is not parsed again here.
    """
    found = _Problems(values, name or role_names("athena_"))
    found.found.extend(athena_name_problems(values, found.name))
    if values.get("state", "present") != "present":
        return found.found
    for key in ("flow_log_bucket", "result_bucket"):
        if not S3_BUCKET_NAME.match(str(values.get(key) or "")):
            found.add(key, "must be an S3 bucket name")
    if str(values.get("flow_log_prefix") or "").strip("/") == "AWSLogs":
        found.add("flow_log_prefix", "may not be AWSLogs, the folder flow logs create under the prefix")
    if not format_checked:
        found.format("log_format")
    wrong = [a for a in values.get("account_ids") or [] if not ACCOUNT_ID.match(str(a))]
    if wrong:
        found.add("account_ids", "must be account ids of 12 digits, quoted in YAML")
    if [r for r in values.get("regions") or [] if not REGION.match(str(r))]:
        found.add("regions", "must be region names such as us-east-1")
    if not _blank(values.get("start_date")) and not DATE.match(str(values["start_date"])):
        found.add("start_date", "must be empty or a date YYYY-MM-DD")
    encryption = values.get("result_encryption") or "SSE_S3"
    key = values.get("result_kms_key") or ""
    if encryption != "SSE_S3" and not KMS_ARN.match(key):
        found.add("result_kms_key", "{0} needs a KMS key ARN".format(encryption))
    if encryption == "SSE_S3" and key:
        found.add("result_kms_key", "must be empty with SSE_S3 result encryption")
    cutoff = _integer(values.get("bytes_scanned_cutoff") or 0)
    if cutoff is None or (cutoff != 0 and cutoff < MIN_BYTES_SCANNED_CUTOFF):
        found.add("bytes_scanned_cutoff", "must be 0 or at least {0}".format(MIN_BYTES_SCANNED_CUTOFF))
    if (_integer(values.get("query_lookback_days") or 0) or 0) < 1:
        found.add("query_lookback_days", "must be at least 1")
    try:
        ipaddress.ip_address(str(values.get("query_address")))
    except ValueError:
        found.add("query_address", "must be an IPv4 or IPv6 address")
    names = [query.get("name") for query in values.get("custom_queries") or []]
    table_prefix = "{0}_".format(values.get("table"))
    if len(names) != len(set(names)) or [n for n in names if str(n).startswith(table_prefix)]:
        found.add("custom_queries", "names must be unique and not start with {0!r} (the generated queries' "
                  "prefix)".format(table_prefix), show=False)
    return found.found


def log_insights_problems(values, name=None, format_checked=False):
    """Problems of the log_insights role's inputs (``values`` keyed without the ``log_insights_`` prefix).

    ``format_checked``: the caller has parsed and checked the log format already, and that the
    alarm has its ${action} (the plan does, with its own message), so neither is done here.
    """
    found = _Problems(values, name or role_names("log_insights_"))
    if not LOG_GROUP_NAME.match(str(values.get("log_group_name") or "")):
        found.add("log_group_name", "must be a CloudWatch Logs log group name (1 to 512 of A-Z a-z 0-9 . - _ / #)")
    fields = None if format_checked else found.format("log_format")
    present = values.get("state", "present") == "present"
    alarm = present and _bool(values.get("alarm_enabled"), True)
    unknown = [key for key in values.get("queries") or [] if key not in INSIGHTS_QUERIES]
    if unknown:
        found.add("queries", "unknown {0} (valid: {1})".format(", ".join(unknown), ", ".join(INSIGHTS_QUERIES)),
                  show=False)
    folder = str(values.get("query_folder") or "")
    if not folder.strip("/") or len(folder) > MAX_QUERY_FOLDER:
        found.add("query_folder", "must be a non-empty folder name of at most {0} characters".format(MAX_QUERY_FOLDER))
    if alarm and fields and "action" not in fields:
        found.add("alarm_enabled", "needs the ${{action}} field in {0} (its fields: {1}); add it or turn the alarm "
                  "off".format(found.name("log_format"), ", ".join(fields)), show=False)
    if found.name("log_group_class") is not None:
        found.found.extend(class_feature_problems(
            values.get("log_group_class") or "STANDARD", {"metric_filter": found.name("alarm_enabled") if alarm else ""},
            found.name("log_group_class")))
    if alarm:
        if not NUMBER.match(str(values.get("alarm_threshold"))):
            found.add("alarm_threshold", "must be a number >= 0")
        period = str(values.get("alarm_period"))
        if not INTEGER.match(period) or not (int(period) in (10, 30) or (int(period) >= 60 and int(period) % 60 == 0)):
            found.add("alarm_period", "must be 10, 30 or a multiple of 60")
        periods = str(values.get("alarm_evaluation_periods", 1))
        if not INTEGER.match(periods) or int(periods) < 1:
            found.add("alarm_evaluation_periods", "must be an integer >= 1")
    if not FILTER_NAME_RE.match(str(values.get("metric_filter_name") or "")):
        found.add("metric_filter_name", "must be 1 to 512 characters without ':' or '*'")
    namespace = str(values.get("metric_namespace") or "")
    if not 0 < len(namespace) <= 255 or namespace.startswith((":", "AWS/")):
        found.add("metric_namespace", "must be 1 to 255 characters, not starting with ':' or 'AWS/'")
    for key in ("metric_name", "alarm_name"):
        if not 0 < len(str(values.get(key) or "")) <= 255:
            found.add(key, "must be 1 to 255 characters")
    topic, topic_arn = values.get("sns_topic_name") or "", values.get("sns_topic_arn") or ""
    if topic and topic_arn:
        found.add("sns_topic_name", "give it (a topic the role creates) or {0} (an existing topic), not both".format(
            found.name("sns_topic_arn")))
    if topic and not SNS_TOPIC_NAME.match(topic):
        found.add("sns_topic_name", "must be 1 to 256 letters, digits, '-' and '_'")
    if topic_arn and not SNS_TOPIC_ARN.match(topic_arn):
        found.add("sns_topic_arn", "must be a topic ARN, arn:aws:sns:REGION:ACCOUNT:NAME")
    emails = values.get("email_subscriptions") or []
    if emails and not topic:
        found.add("email_subscriptions", "need {0}: they are subscribed to the topic the role creates".format(
            found.name("sns_topic_name")), show=False)
    if [e for e in emails if not EMAIL.match(str(e))]:
        found.add("email_subscriptions", "must be email addresses")
    if not isinstance(values.get("tags", {}), dict):
        found.add("tags", "must be a dict")
    return found.found
