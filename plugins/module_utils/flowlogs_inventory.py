# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flowlogs inventory as a whole: every check before the first change, the values
derived from it, weak-setting warnings and the teardown plan (the audit is in flow_log_audit).

Pure logic, no AWS call and no Ansible import: the ``flowlogs_check`` action plugin, the
``flowlogs_*`` filters and their unit tests share it. Every problem names the inventory
field at fault by its path (``flowlogs_flow_logs[2].log_format``), and all problems are
reported together.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import DESTINATION_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import flow_log_destination
from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import type_problem
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import cross_account_role_names
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import stream_name_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import telemetry_rule
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import S3_BUCKET_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import ROLE_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import CROSS_ACCOUNT_ROLE_PREFIX
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import LOG_GROUP_ARN
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import LOG_GROUP_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import RETENTION_DAYS
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import class_feature_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import MARKER
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import marker_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import tag_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.query_side import ALARM_DEFAULTS
from ansible_collections.flowlogs.aws.plugins.module_utils.query_side import athena_name_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.query_side import athena_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.query_side import log_insights_problems

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import FIREHOSE_ARN
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import NO_TRAFFIC_TYPE_FAMILIES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import RESOURCE_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import ROLE_ARN as CROSS_ROLE_ARN
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import VPC_FAMILY

RESOURCE_ID_PATTERNS = dict((name, kind.pattern) for name, kind in RESOURCE_TYPES.items())
NO_TRAFFIC_TYPES = frozenset(name for name, kind in RESOURCE_TYPES.items() if kind.family in NO_TRAFFIC_TYPE_FAMILIES)

DEMO_RESOURCE_TYPES = {
    "vpc": "VPC",
    "subnets": "Subnet",
    "public_subnets": "Subnet",
    "private_subnets": "Subnet",
    "network_interfaces": "NetworkInterface",
}
# The describe call (and the amazon.aws module making it) that proves ids of a type exist.
DESCRIBE_CALLS = {
    "VPC": "DescribeVpcs",
    "Subnet": "DescribeSubnets",
    "NetworkInterface": "DescribeNetworkInterfaces",
    "TransitGateway": "DescribeTransitGateways",
}
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):[0-9]{12}:key/")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/")
CIDR = re.compile(
    r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
    r"/([0-9]|[12][0-9]|3[0-2])$"
)
# The options of flowlogs.aws.flowlogs_check: its action plugin validates them, its module stub documents them.
CHECK_ARGUMENT_SPEC = dict(
    inventory=dict(type="dict", required=True),
    skip_demo=dict(type="bool", default=False),
    existing=dict(type="dict"),
    region=dict(type="str"),
    account_id=dict(type="str"),
    central=dict(type="dict"),
)
MAX_LISTED = 10  # ids named in one message; the rest are counted
FLOW_LOG_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
S3_ONLY_FLOW_LOG_OPTIONS = ("file_format", "hive_compatible_partitions", "per_hour_partition")
FIREHOSE = "kinesis-data-firehose"
# What a kinesis-data-firehose destination with stream_arn (a stream of another account, not built
# here) may not give: they describe a stream and bucket of this target.
OWN_STREAM_FIELDS = ("stream_name", "bucket_name", "prefix", "kms_key_arn", "kms_key_create", "shared_with")

# Weak settings, each with the control it fails (AWS Security Hub controls reference:
# "Security Hub controls for CloudWatch", "... for Amazon EC2", "... for Amazon S3").
MIN_RETENTION_DAYS = 365  # CloudWatch.16 / AWS Config cw-loggroup-retention-period-check default
# What a flowlogs_destinations[] entry gets when it says nothing (meta/argument_specs.yml documents
# the same values; tests/unit/module_utils/test_flowlogs_inventory.py holds the two together).
DESTINATION_DEFAULTS = {
    "retention_days": MIN_RETENTION_DAYS,
    "log_group_class": "STANDARD",
    "versioning": True,
    "object_lock": False,
    "transition_to_ia_days": 30,
    "transition_to_glacier_days": 90,
    "expiration_days": 365,
    "kms_key_create": False,
}


def _path(kind, index, field=None):
    return "{0}[{1}]{2}".format(kind, index, "." + field if field else "")


def _dest_path(index, field=None):
    return _path("flowlogs_destinations", index, field)


def _flow_path(index, field=None):
    return _path("flowlogs_flow_logs", index, field)


def _int(value, default):
    try:
        return int(value if value not in (None, "") else default)
    except (TypeError, ValueError):
        return default


def _bool(value, default):
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)


def resource_type(flow_log):
    """The resource type of an inventory flow log (given, else from demo_resources, else VPC)."""
    if flow_log.get("resource_type"):
        return flow_log["resource_type"]
    return DEMO_RESOURCE_TYPES.get(flow_log.get("demo_resources") or "vpc", "VPC")


def _prefix(destination):
    return (destination.get("prefix") or "").strip("/")


class Inventory(object):
    """One target's flowlogs_* variables, checked and derived once."""

    def __init__(self, values, skip_demo=False, organization=None):
        values = values or {}
        # This target's part of the organization (Organization.view): shared and central destinations.
        self.organization = organization or {"shared": {}, "central": {}}
        self.name = values.get("flowlogs_name") or "flowlogs"
        self.tags = values.get("flowlogs_tags") or {}
        self.demo_vpc = values.get("flowlogs_demo_vpc") or {}
        self.delivery_role = values.get("flowlogs_delivery_role") or {}
        self.destinations = list(values.get("flowlogs_destinations") or [])
        self.flow_logs = list(values.get("flowlogs_flow_logs") or [])
        self.state = values.get("flowlogs_state") or "present"
        self.region = values.get("flowlogs_region") or ""
        self.account_id = str(values.get("flowlogs_account_id") or "")
        self.skip_demo = bool(skip_demo)
        self.demo_enabled = _bool(self.demo_vpc.get("enabled"), False)
        self._query_side = None
        self.by_name = {}
        for destination in self.destinations:
            self.by_name.setdefault(destination.get("name"), destination)

    # ---- derived values -------------------------------------------------------------
    def destination_of(self, flow_log):
        return self.by_name.get(flow_log.get("destination")) or {}

    def applied(self):
        """The flow logs this run creates or updates (with skip_demo, not those on the demo VPC)."""
        return [fl for fl in self.flow_logs if not (self.skip_demo and fl.get("demo_resources"))]

    def layouts(self):
        """Per S3 destination, which key layouts its flow logs use: from the WHOLE description,
        applied in this run or not, so that no run narrows a bucket policy another run needs
        (for a shared destination, from every target's flow logs that deliver there)."""
        hive, plain = [], []
        for name, shared in sorted(self.organization["shared"].items()):
            if shared["hive"] in (True, "both"):
                hive.append(name)
            if shared["plain"]:
                plain.append(name)
        for flow_log in self.flow_logs:
            if flow_log.get("destination") in self.organization["shared"]:
                continue
            name = flow_log.get("destination")
            target = hive if _bool(flow_log.get("hive_compatible_partitions"), False) else plain
            if name not in target:
                target.append(name)
        return hive, plain

    def given_ids(self):
        """Resource ids given in the applied flow logs, by type: what must exist before any change."""
        ids = {}
        for flow_log in self.applied():
            for resource_id in flow_log.get("resource_ids") or []:
                bucket = ids.setdefault(resource_type(flow_log), [])
                if resource_id not in bucket:
                    bucket.append(resource_id)
        return dict((kind, values) for kind, values in ids.items() if kind in DESCRIBE_CALLS)

    def plan(self):
        hive, plain = self.layouts()
        return {
            "marker": dict(MARKER),
            "tags": with_marker(self.tags),
            "hive_destinations": hive,
            "plain_destinations": plain,
            "applied_flow_logs": [fl.get("name") for fl in self.applied()],
            # Every flow log of the description, followers resolved (resolve_followers).
            "flow_logs": self.flow_logs,
            "resource_types": dict((fl.get("name"), resource_type(fl)) for fl in self.flow_logs),
            "given_ids": self.given_ids(),
            "describes_nothing": not (self.destinations or self.flow_logs or self.demo_enabled),
            "shared": self.organization["shared"],
            "central": self.organization["central"],
            # Destinations whose flow logs get no Athena table of their own: the owner's one table covers them.
            "organization_destinations": sorted(set(self.organization["shared"]) | set(self.organization["central"])),
            "destinations": self.resolved_destinations(),
            # The delivery role the target creates (flowlogs_delivery_role.name or the derived name).
            "delivery_role_name": self.delivery_role_name(),
            # Kinesis-data-firehose destinations whose stream is in another account, by name: what the
            # source account's role and the flow logs need (firehose_streams.firehose_source_role).
            "cross_account": self.cross_account(),
            # The inputs of the destination role, by flowlogs_destinations index, defaults applied.
            "destination_inputs": [self.destination_inputs(dest, hive, plain) for dest in self.destinations],
            # The inputs of the athena and log_insights roles, resolved and checked (query_side).
            "athena": self.query_side()[0]["athena"],
            "log_insights": self.query_side()[0]["log_insights"],
        }

    @staticmethod
    def destination_inputs(dest, hive, plain):
        """The destination role's inputs for one flowlogs_destinations[] entry, named as the role
        names them without ``destination_`` (the account, region and sharing are the run's)."""
        def value(key):
            given = dest.get(key)
            default = DESTINATION_DEFAULTS[key]
            if given in (None, ""):
                return default
            return _bool(given, default) if isinstance(default, bool) else _int(given, default) \
                if isinstance(default, int) else given
        return {
            "type": dest.get("type"),
            "log_group_name": dest.get("log_group_name") or "",
            "log_group_retention": value("retention_days"),
            "log_group_class": value("log_group_class"),
            "kms_key_arn": dest.get("kms_key_arn") or "",
            "kms_key_create": value("kms_key_create"),
            "bucket_name": dest.get("bucket_name") or "",
            "stream_name": dest.get("stream_name") or "",
            "bucket_prefix": dest.get("prefix") or "",
            "bucket_versioning": value("versioning"),
            "bucket_object_lock": value("object_lock"),
            "bucket_transition_to_ia_days": value("transition_to_ia_days"),
            "bucket_transition_to_glacier_days": value("transition_to_glacier_days"),
            "bucket_expiration_days": value("expiration_days"),
            # The key layouts the bucket policy admits: from every flow log delivering there (layouts()).
            "hive_compatible_partitions": dest.get("name") in hive,
            "plain_partitions": dest.get("name") in plain,
        }

    def delivery_role_name(self):
        """The delivery role's name: given, else derived from flowlogs_name and the region (IAM is
        global: the region keeps targets of one account that share flowlogs_name apart)."""
        return self.delivery_role.get("name") or "{0}-delivery-{1}".format(self.name, self.region)

    def resolved_destinations(self):
        """The destinations with a central one's bucket and prefix (or stream) filled in from its owner,
        and a stream of another account (stream_arn) named: where flow logs go (CreateFlowLogs) and
        what teardown recognises as ours."""
        resolved = []
        for dest in self.destinations:
            central = self.organization["central"].get(dest.get("name"))
            if central:
                dest = dict(dest, bucket_name=central["bucket_name"], prefix=central["prefix"])
                if central.get("type") == FIREHOSE:
                    dest["stream_name"] = central["stream_name"]
            elif dest.get("type") == FIREHOSE and FIREHOSE_ARN.match(dest.get("stream_arn") or ""):
                dest = dict(dest, stream_name=FIREHOSE_ARN.match(dest["stream_arn"]).group("name"))
            resolved.append(dest)
        return resolved

    def cross_account(self):
        """The kinesis-data-firehose destinations whose stream is in another account, by name, each
        with what its flow logs and this account's source role need: ``stream_name``,
        ``stream_account_id`` and ``region`` of the stream; ``cross_account_role_arn`` (the stream
        account's role, given with stream_arn; empty: its owner target builds it under
        ``cross_account_role_name``); ``source_role_name`` (the role this account builds); and
        ``resource_types``: the flow logs' resource types, of every target of this account that
        delivers there, and VPC always (the audit's remediation adds VPC flow logs to a destination,
        and no run may narrow what another needs).
        """
        found = {}
        for dest in self.destinations:
            name = dest.get("name")
            central = self.organization["central"].get(name)
            if central and central.get("type") == FIREHOSE:
                entry = {"stream_name": central["stream_name"], "stream_account_id": central["stream_account_id"],
                         "region": central["region"], "cross_account_role_arn": ""}
                types = set(central.get("resource_types") or [])
            elif dest.get("type") == FIREHOSE and not central and FIREHOSE_ARN.match(dest.get("stream_arn") or ""):
                match = FIREHOSE_ARN.match(dest["stream_arn"])
                entry = {"stream_name": match.group("name"), "stream_account_id": match.group("account"),
                         "region": match.group("region"), "cross_account_role_arn": dest.get("cross_account_role") or ""}
                types = set()
            else:
                continue
            types.add("VPC")
            types.update(resource_type(fl) for fl in self.flow_logs if fl.get("destination") == name)
            names = cross_account_role_names(entry["stream_name"], entry["region"])
            role = CROSS_ROLE_ARN.match(entry["cross_account_role_arn"])
            entry.update(source_role_name=names["source"],
                         cross_account_role_name=role.group("name") if role else names["destination"],
                         resource_types=[kind for kind in RESOURCE_TYPES if kind in types])
            found[name] = entry
        return found

    # ---- the query side ---------------------------------------------------------------
    def query_side(self):
        """The inputs of the athena and log_insights roles for every flow log of the description
        and every shared bucket's table, with their problems (query_side.py's rules, each named by
        the inventory field to change). Computed once.

        ``athena``: a list; a flow log's own table has ``flow_log`` (its name), a shared bucket's
        table over the organization has ``flow_log`` None. ``log_insights``: by flow log name.
        The account ids of the table are those known here; the role adds the caller's account.
        """
        if self._query_side is None:
            self._query_side = self._resolve_query_side()
        return self._query_side

    def _resolve_query_side(self):
        side, problems = {"athena": [], "log_insights": {}}, []
        state = self.state if self.state in ("present", "absent") else "present"
        database = re.sub(r"[^A-Za-z0-9_]", "_", self.name).lower()
        for index, flow_log in enumerate(self.flow_logs):
            dest = self.destination_of(flow_log)
            kind = DESTINATION_TYPES.get(dest.get("type"), {}).get("query_side")
            name = str(flow_log.get("name"))
            if not _bool(flow_log.get("query_ready"), True) or not FLOW_LOG_NAME.match(name) or kind != "athena":
                # No table of its own here (or its name is wrong already): the names it gives are checked still.
                given = dict((key, value) for key, value in (flow_log.get("athena") or {}).items() if value is not None)
                problems.extend(athena_name_problems(given, self._namer(_flow_path(index), "athena.")))
            if not _bool(flow_log.get("query_ready"), True) or not FLOW_LOG_NAME.match(name):
                continue
            if kind == "athena" and dest.get("name") not in self.organization["shared"] \
                    and dest.get("name") not in self.organization["central"]:
                athena = flow_log.get("athena") or {}
                inputs = self._athena_inputs(dest, name, athena, database, _table_settings(flow_log),
                                             flow_log.get("traffic_type") or "ALL")
                inputs.update(flow_log=name, account_ids=[], regions=[])
                problems.extend(athena_problems(
                    dict(inputs, state=state), self._namer(_flow_path(index), "athena."), format_checked=True))
                side["athena"].append(inputs)
            elif kind == "log_insights":
                inputs = self._log_insights_inputs(dest, flow_log, name)
                problems.extend(log_insights_problems(
                    dict(inputs, state=state, tags=self.tags),
                    self._namer(_flow_path(index), "reject_alarm.", self._dest_index(dest)), format_checked=True))
                side["log_insights"][name] = inputs
        for dest_name, shared in sorted(self.organization["shared"].items()):
            if shared.get("table") is None:
                continue
            dest = self.by_name.get(dest_name) or {}
            inputs = self._athena_inputs(dict(dest, bucket_name=shared["bucket_name"], prefix=shared["prefix"]),
                                         dest_name, shared.get("athena") or {}, database, shared["table"], "ALL")
            inputs.update(flow_log=None, account_ids=list(shared["account_ids"]), regions=list(shared["regions"]))
            path = _dest_path(self._dest_index(dest), "shared_with")
            problems.extend(athena_problems(dict(inputs, state=state), self._namer(path, "athena."),
                                            format_checked=True))
            side["athena"].append(inputs)
        return side, problems

    def _athena_inputs(self, dest, name, athena, database, table, traffic_type):
        """The athena role's inputs for the table named ``name`` over ``dest``'s bucket."""
        kms_key = dest.get("kms_key_arn") or ""
        return {
            "destination": dest.get("name"),
            "database": athena.get("database") or database,
            "table": athena.get("table") or re.sub(r"[^A-Za-z0-9_]", "_", name).lower(),
            "workgroup": athena.get("workgroup") or "{0}-{1}".format(self.name, name),
            "flow_log_bucket": dest.get("bucket_name") or "",
            "flow_log_prefix": dest.get("prefix") or "",
            "log_format": table["log_format"],
            "traffic_type": traffic_type,
            "destination_options": dict((key, table[key]) for key in TABLE_SETTINGS if key != "log_format"),
            "result_bucket": dest.get("bucket_name") or "",
            "result_prefix": "athena-results/{0}/".format(name),
            "result_encryption": "SSE_KMS" if kms_key else "SSE_S3",
            "result_kms_key": kms_key,
        }

    def _log_insights_inputs(self, dest, flow_log, name):
        """The log_insights role's inputs for a CloudWatch Logs flow log."""
        alarm = dict(ALARM_DEFAULTS)
        alarm.update((key, value) for key, value in (flow_log.get("reject_alarm") or {}).items() if value is not None)
        group = dest.get("log_group_name") or ""
        resource = "{0}-{1}".format(self.name, name)
        return {
            "flow_log": name,
            "log_group_name": group,
            "log_group_class": dest.get("log_group_class") or "STANDARD",
            "log_format": flow_log.get("log_format"),
            "traffic_type": flow_log.get("traffic_type") or "ALL",
            "resource_name": resource,
            # A folder per flow log: two flow logs sharing a log group keep their own saved queries.
            "query_folder": "flowlogs/{0}/{1}".format(group.lstrip("/"), name),
            "metric_filter_name": resource + "-rejected",
            "metric_name": resource + "-rejected",
            "alarm_name": resource + "-rejected",
            "alarm_enabled": _bool(alarm["enabled"], True),
            "alarm_threshold": alarm["threshold"],
            "alarm_period": alarm["period"],
            "sns_topic_name": alarm.get("sns_topic_name") or "",
            "sns_topic_arn": alarm.get("sns_topic_arn") or "",
            "email_subscriptions": list(alarm.get("email_subscriptions") or []),
        }

    def _dest_index(self, dest):
        for index, candidate in enumerate(self.destinations):
            if candidate is dest or candidate.get("name") == dest.get("name"):
                return index
        return None

    def _namer(self, path, group, dest_index=None):
        """Names a query-side input by the inventory field to change; None for what the inventory
        checks already (bucket, prefix, log group, class: the destination's checks)."""
        own = {"database": group + "database", "table": group + "table", "workgroup": group + "workgroup",
               "alarm_enabled": group + "enabled", "alarm_threshold": group + "threshold",
               "alarm_period": group + "period", "sns_topic_name": group + "sns_topic_name",
               "sns_topic_arn": group + "sns_topic_arn", "email_subscriptions": group + "email_subscriptions"}
        derived = {"metric_filter_name": "flowlogs_name", "metric_name": "flowlogs_name", "alarm_name": "flowlogs_name",
                   "tags": "flowlogs_tags",
                   "query_folder": _dest_path(dest_index, "log_group_name") if dest_index is not None else "flowlogs_name"}

        def name(key):
            if key in own:
                return "{0}.{1}".format(path, own[key])
            return derived.get(key)
        return name

    # ---- problems -------------------------------------------------------------------
    def problems(self):
        problems = []
        problems.extend(tag_problems(self.tags, "flowlogs_tags"))
        problems.extend(self._destination_problems())
        problems.extend(self._claim_problems())
        problems.extend(self._cross_account_problems())
        problems.extend(self._flow_log_problems())
        problems.extend(self.query_side()[1])
        problems.extend(self._delivery_role_problems())
        problems.extend(self._demo_problems())
        return problems

    @staticmethod
    def _repeated_name_problems(entries, path, what):
        """One problem per entry whose name an earlier entry has (``path``: _dest_path or _flow_path)."""
        problems, seen = [], {}
        for index, entry in enumerate(entries):
            name = entry.get("name")
            if name in seen:
                problems.append("{0}: the name {1!r} is also used by {2}; {3} names must be unique".format(
                    path(index, "name"), name, path(seen[name]), what))
            seen.setdefault(name, index)
        return problems

    def _destination_problems(self):
        problems = self._repeated_name_problems(self.destinations, _dest_path, "destination")
        for index, dest in enumerate(self.destinations):
            kind = dest.get("type")
            if kind not in DESTINATION_TYPES:
                # Never taken for s3: the registry lists every type the roles can create.
                problems.append(type_problem(kind, _dest_path(index, "type")))
                continue
            if kind == "cloud-watch-logs":
                problems.extend(self._log_group_problems(index, dest.get("log_group_name")))
                problems.extend(self._log_group_settings_problems(index, dest))
            if kind == FIREHOSE:
                problems.extend(self._firehose_problems(index, dest))
            if kind in SHAREABLE_TYPES and is_central(dest):
                pass  # the owner's destination describes the bucket (Organization checks the reference)
            elif kind == FIREHOSE and dest.get("stream_arn"):
                pass  # a stream of another account, with its bucket there (_firehose_problems)
            elif DESTINATION_TYPES[kind]["bucket"]:
                bucket = dest.get("bucket_name") or ""
                if not S3_BUCKET_NAME.match(bucket):
                    problems.append(
                        "{0}: an {1} destination needs a valid bucket name: 3-63 lowercase letters, digits, dots "
                        "and hyphens, starting and ending with a letter or digit (got {2!r})".format(
                            _dest_path(index, "bucket_name"), kind, bucket))
                if _prefix(dest).split("/")[0] == "AWSLogs":
                    problems.append("{0}: may not be AWSLogs, the folder flow logs create under the prefix "
                                    "(got {1!r})".format(_dest_path(index, "prefix"), dest.get("prefix")))
                problems.extend(self._lifecycle_problems(index, dest))
                if _bool(dest.get("object_lock"), False) and not _bool(dest.get("versioning"), True):
                    problems.append("{0}: Object Lock needs versioning; set versioning to true or object_lock to "
                                    "false".format(_dest_path(index, "object_lock")))
            key = dest.get("kms_key_arn")
            if key and _bool(dest.get("kms_key_create"), False):
                problems.append("{0}: give kms_key_arn or kms_key_create, not both".format(
                    _dest_path(index, "kms_key_create")))
            match = KMS_KEY_ARN.match(key or "")
            if key and not match:
                problems.append("{0}: must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an id or alias "
                                "(got {1!r})".format(_dest_path(index, "kms_key_arn"), key))
            elif match and self.region and match.group("region") != self.region:
                # A bucket's default encryption and a log group's key must be in their own region.
                problems.append("{0}: the key is in {1}, this target in {2}; use a key of {2}".format(
                    _dest_path(index, "kms_key_arn"), match.group("region"), self.region))
        return problems

    def _firehose_problems(self, index, dest):
        """A stream built here (stream_name), of another inventory target (central: Organization checks
        it), or of an account outside the inventory (stream_arn with cross_account_role)."""
        if is_central(dest):
            return []
        arn, role = dest.get("stream_arn"), dest.get("cross_account_role")
        if not arn:
            problems = stream_name_problems(dest.get("stream_name"), _dest_path(index, "stream_name"))
            if role:
                problems.append(
                    "{0}: only with stream_arn, a stream of another account: this destination builds its stream "
                    "{1} in this target's account, where flow logs need no cross-account role; for a stream another "
                    "target of the inventory builds, give central: <that target's host> instead".format(
                        _dest_path(index, "cross_account_role"), dest.get("stream_name")))
            return problems
        problems = []
        given = [field for field in OWN_STREAM_FIELDS if dest.get(field) not in (None, "", False)]
        if given:
            problems.append("{0}: {1} describe a stream built here; with stream_arn the stream and its bucket are "
                            "another account's: remove them".format(_dest_path(index), ", ".join(given)))
        match = FIREHOSE_ARN.match(arn)
        if not match:
            return problems + ["{0}: must be a delivery stream ARN (arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME) "
                               "(got {1!r})".format(_dest_path(index, "stream_arn"), arn)]
        if self.region and match.group("region") != self.region:
            problems.append(_region_problem(_dest_path(index, "stream_arn"), "the stream", match.group("region"),
                                            self.region))
        if self.account_id and match.group("account") == self.account_id:
            problems.append(_own_stream_problem(_dest_path(index, "stream_arn"), self.account_id))
        role_match = CROSS_ROLE_ARN.match(role or "")
        if not role_match:
            problems.append("{0}: a stream of another account needs the ARN of that account's role for flow-log delivery "
                            "(CreateFlowLogs DeliverCrossAccountRole, \"IAM roles for cross account delivery\", Amazon "
                            "VPC User Guide) (got {1!r})".format(_dest_path(index, "cross_account_role"), role))
        else:
            if role_match.group("account") != match.group("account"):
                problems.append("{0}: must be a role of the stream's account {1} (got one of {2})".format(
                    _dest_path(index, "cross_account_role"), match.group("account"), role_match.group("account")))
            if not role_match.group("name").startswith(CROSS_ACCOUNT_ROLE_PREFIX):
                problems.append("{0}: AWS requires the stream account's role to have a name that starts with {1} "
                                "(got {2})".format(_dest_path(index, "cross_account_role"), CROSS_ACCOUNT_ROLE_PREFIX,
                                                   role_match.group("name")))
        return problems

    def _cross_account_problems(self):
        """Two streams of other accounts whose source roles would share a name (one stream name and
        region, two accounts): the second run would point the first's role at its own stream."""
        problems, seen = [], {}
        for name, entry in sorted(self.cross_account().items()):
            other = seen.get(entry["source_role_name"])
            if other and other[1] != entry["stream_account_id"]:
                problems.append("{0}: its stream {1} of account {2} and the stream of {3} (account {4}) have one name "
                                "in one region, so their source roles would have one name ({5}); deliver to one of them"
                                .format(_dest_path(self._dest_index({"name": name})), entry["stream_name"],
                                        entry["stream_account_id"], _dest_path(self._dest_index({"name": other[0]})),
                                        other[1], entry["source_role_name"]))
            seen.setdefault(entry["source_role_name"], (name, entry["stream_account_id"]))
        return problems

    @staticmethod
    def _log_group_problems(index, value):
        path = _dest_path(index, "log_group_name")
        if not value:
            return ["{0}: a cloud-watch-logs destination needs a log group name".format(path)]
        arn = LOG_GROUP_ARN.match(value)
        if arn:
            return ["{0}: give the log group's name ({1}), not its ARN (got {2!r})".format(path, arn.group("name"), value)]
        if not LOG_GROUP_NAME.match(value):
            return ["{0}: a log group name has 1-512 letters, digits and '.-_/#' (got {1!r})".format(path, value)]
        return []

    def _log_group_settings_problems(self, index, dest):
        """The retention values CloudWatch Logs accepts (0: never expire), and the log class rule:
        an INFREQUENT_ACCESS group takes no metric filter, which the REJECT alarm is."""
        problems = []
        retention = _int(dest.get("retention_days"), MIN_RETENTION_DAYS)
        if retention != 0 and retention not in RETENTION_DAYS:
            problems.append("{0}: {1!r} is not a retention CloudWatch Logs accepts; use one of {2}, or 0 for events "
                            "that never expire".format(_dest_path(index, "retention_days"), dest.get("retention_days"),
                                                       ", ".join(str(days) for days in RETENTION_DAYS)))
        alarmed = [_flow_path(i, "reject_alarm.enabled") for i, flow_log in enumerate(self.flow_logs)
                   if flow_log.get("destination") == dest.get("name") and self._alarm_enabled(flow_log)]
        problems.extend(class_feature_problems(dest.get("log_group_class") or "STANDARD",
                                               {"metric_filter": ", ".join(alarmed)},
                                               _dest_path(index, "log_group_class")))
        return problems

    @staticmethod
    def _lifecycle_problems(index, dest):
        ia = _int(dest.get("transition_to_ia_days"), DESTINATION_DEFAULTS["transition_to_ia_days"])
        glacier = _int(dest.get("transition_to_glacier_days"), DESTINATION_DEFAULTS["transition_to_glacier_days"])
        expire = _int(dest.get("expiration_days"), DESTINATION_DEFAULTS["expiration_days"])
        if (ia == 0 or ia >= 30) and (glacier == 0 or glacier > ia) and (expire == 0 or expire > max(ia, glacier)):
            return []
        return ["{0}: transition_to_ia_days must be 0 or at least 30, transition_to_glacier_days 0 or more than "
                "transition_to_ia_days, and expiration_days 0 or more than the last transition (got {1}, {2}, {3})"
                .format(_dest_path(index), ia, glacier, expire)]

    def _claim_problems(self):
        """One bucket or log group per destination: each destination run writes the whole bucket
        policy (or retention, key and tags of the group), so a second claim would overwrite the first."""
        problems = []
        claims = {}
        for index, dest in enumerate(self.destinations):
            for key, field, what in ([] if is_central(dest) else _claimed(dest)):
                if key in claims:
                    problems.append(
                        "{0}: the {1} {2} is already the destination {3}; each destination needs its own {1} (its "
                        "policy and settings are written whole), so let the flow logs share one destination "
                        "instead".format(_dest_path(index, field), what, key[1], _dest_path(claims[key])))
                else:
                    claims[key] = index
        return problems

    def _flow_log_problems(self):
        problems = self._repeated_name_problems(self.flow_logs, _flow_path, "flow log")
        for index, flow_log in enumerate(self.flow_logs):
            name = flow_log.get("name")
            if not FLOW_LOG_NAME.match(name or ""):
                problems.append("{0}: may hold only 1-64 letters, digits, '.', '_' and '-' (it names the Athena "
                                "workgroup) (got {1!r})".format(_flow_path(index, "name"), name))
            problems.extend(marker_problems(flow_log.get("tags"), _flow_path(index, "tags")))
            problems.extend(self._flow_log_destination_problems(index, flow_log))
            problems.extend(self._resource_problems(index, flow_log))
            problems.extend(self._format_problems(index, flow_log))
        return problems

    def _flow_log_destination_problems(self, index, flow_log):
        name = flow_log.get("destination")
        if name not in self.by_name:
            return ["{0}: must be the name of an entry of flowlogs_destinations ({1}) (got {2!r})".format(
                _flow_path(index, "destination"), ", ".join(str(n) for n in self.by_name) or "none defined", name)]
        kind = self.by_name[name].get("type")
        problems = []
        if not DESTINATION_TYPES.get(kind, {}).get("destination_options"):
            for option in S3_ONLY_FLOW_LOG_OPTIONS:
                if flow_log.get(option) is not None:
                    problems.append("{0}: only valid with an s3 destination ({1} is {2})".format(
                        _flow_path(index, option), name, kind))
        return problems

    def _resource_problems(self, index, flow_log):
        problems = []
        kind = resource_type(flow_log)
        ids = flow_log.get("resource_ids")
        if ids is None and flow_log.get("resource_filters") is None and not flow_log.get("demo_resources"):
            problems.append("{0}: give resource_ids, resource_filters or demo_resources".format(_flow_path(index)))
        if flow_log.get("demo_resources") and not self.demo_enabled:
            problems.append("{0}: needs flowlogs_demo_vpc.enabled".format(_flow_path(index, "demo_resources")))
        if ids is not None:
            pattern = RESOURCE_ID_PATTERNS.get(kind)
            wrong = [i for i in ids if pattern is not None and not pattern.match(str(i))]
            if wrong:
                problems.append("{0}: must all be {1} ids ({2} are not)".format(
                    _flow_path(index, "resource_ids"), kind, ", ".join(str(i) for i in wrong)))
            repeated = sorted(set(i for i in ids if ids.count(i) > 1))
            if repeated:
                problems.append("{0}: lists {1} more than once".format(
                    _flow_path(index, "resource_ids"), ", ".join(repeated)))
            if not ids and flow_log.get("resource_filters") is None and not flow_log.get("demo_resources"):
                problems.append("{0}: is empty".format(_flow_path(index, "resource_ids")))
        if kind in NO_TRAFFIC_TYPES:
            if flow_log.get("traffic_type") is not None:
                problems.append("{0}: {1} flow logs take no traffic type".format(
                    _flow_path(index, "traffic_type"), kind))
            if _int(flow_log.get("max_aggregation_interval"), 60) != 60:
                problems.append("{0}: {1} flow logs take only 60".format(
                    _flow_path(index, "max_aggregation_interval"), kind))
            if kind == "TransitGatewayAttachment" and flow_log.get("resource_filters") is not None:
                problems.append("{0}: cannot select TransitGatewayAttachment resources; give resource_ids".format(
                    _flow_path(index, "resource_filters")))
        return problems

    def _format_problems(self, index, flow_log):
        log_format = flow_log.get("log_format")
        try:
            # Against the records of the flow log's resource type, with its tag field specifications: the
            # one check of the format on its way to CreateFlowLogs (the roles it passes through do not repeat it).
            fields = parse_format(log_format, flow_log.get("tag_field_specifications"), resource_type(flow_log))
        except FlowLogFormatError as error:
            return ["{0}: {1}".format(_flow_path(index, "log_format"), problem)
                    for problem in (getattr(error, "problems", None) or [str(error)])]
        if (self.destination_of(flow_log).get("type") == "cloud-watch-logs" and self._alarm_enabled(flow_log)
                and log_format is not None and "action" not in fields):
            return ["{0}: has no ${{action}}, which the REJECT alarm of a CloudWatch Logs flow log needs: add "
                    "${{action}} or set reject_alarm.enabled to false (or query_ready to false)".format(
                        _flow_path(index, "log_format"))]
        return []

    @staticmethod
    def _alarm_enabled(flow_log):
        return (_bool(flow_log.get("query_ready"), True)
                and _bool((flow_log.get("reject_alarm") or {}).get("enabled"), True))

    def _delivery_role_problems(self):
        cloudwatch = [fl.get("name") for fl in self.flow_logs if self.destination_of(fl).get("type") == "cloud-watch-logs"]
        if not cloudwatch:
            return []
        if _bool(self.delivery_role.get("create"), True):
            name = self.delivery_role_name()
            if ROLE_NAME.match(name):
                return []
            field = "flowlogs_delivery_role.name" if self.delivery_role.get("name") else "flowlogs_name"
            return ["{0}: the delivery role's name {1!r} must be 1 to 64 letters, digits or +=,.@_- (without "
                    "flowlogs_delivery_role.name it is FLOWLOGS_NAME-delivery-REGION)".format(field, name)]
        arn = self.delivery_role.get("arn") or ""
        if ROLE_ARN.match(arn):
            return []
        return ["flowlogs_delivery_role: flow logs {0} go to CloudWatch Logs and need a delivery role; set "
                "flowlogs_delivery_role.create to true or give flowlogs_delivery_role.arn as a role ARN (got {1!r})"
                .format(", ".join(cloudwatch), arn)]

    def _demo_problems(self):
        if not self.demo_enabled:
            return []
        problems = []
        for field, default in (("cidr", "10.10.0.0/16"), ("ssh_cidr", "192.0.2.0/24")):
            value = self.demo_vpc.get(field) or default
            if not CIDR.match(str(value)):
                problems.append("flowlogs_demo_vpc.{0}: must be an IPv4 CIDR block such as 10.10.0.0/16 (got {1!r})"
                                .format(field, value))
        if _int(self.demo_vpc.get("az_count"), 2) < 1:
            problems.append("flowlogs_demo_vpc.az_count: must be at least 1")
        return problems

    # ---- weak settings --------------------------------------------------------------
    def warnings(self):
        """Settings that work but fail a security control: warned about, never refused."""
        warnings = []
        kms_elsewhere = [_dest_path(i, "kms_key_create" if _bool(d.get("kms_key_create"), False) else "kms_key_arn")
                         for i, d in enumerate(self.destinations)
                         if d.get("kms_key_arn") or _bool(d.get("kms_key_create"), False)]
        for index, dest in enumerate(self.destinations):
            retention = dest.get("retention_days")
            if (dest.get("type") == "cloud-watch-logs" and retention not in (None, "", 0)
                    and _int(retention, MIN_RETENTION_DAYS) < MIN_RETENTION_DAYS):
                warnings.append(
                    "{0}: {1} days is below the {2} days AWS Security Hub control CloudWatch.16 (CloudWatch log "
                    "groups should be retained for a specified time period) requires by default".format(
                        _dest_path(index, "retention_days"), retention, MIN_RETENTION_DAYS))
            if (dest.get("type") == "s3" and not dest.get("kms_key_arn") and not _bool(dest.get("kms_key_create"), False)
                    and kms_elsewhere and not is_central(dest)):
                warnings.append(
                    "{0}: the bucket {1} gets SSE-S3 while {2} asks for SSE-KMS; AWS Security Hub control S3.17 "
                    "(S3 general purpose buckets should be encrypted at rest with AWS KMS keys) fails: give it a "
                    "kms_key_arn or kms_key_create too".format(
                        _dest_path(index, "kms_key_arn"), dest.get("bucket_name"), ", ".join(kms_elsewhere)))
        for index, flow_log in enumerate(self.flow_logs):
            if flow_log.get("traffic_type") == "ACCEPT":
                warnings.append(
                    "{0}: ACCEPT does not log rejected traffic, which AWS Security Hub control EC2.6 (VPC flow "
                    "logging should be enabled in all VPCs) and CIS AWS Foundations Benchmark 3.7 ask for: use REJECT "
                    "or ALL".format(_flow_path(index, "traffic_type")))
            alarm = flow_log.get("reject_alarm") or {}
            if (self.destination_of(flow_log).get("type") == "cloud-watch-logs" and self._alarm_enabled(flow_log)
                    and not alarm.get("sns_topic_name") and not alarm.get("sns_topic_arn")):
                warnings.append(
                    "{0}: the REJECT alarm has no action; AWS Security Hub control CloudWatch.15 (CloudWatch alarms "
                    "should have specified actions configured) fails: set reject_alarm.sns_topic_name or "
                    "reject_alarm.sns_topic_arn".format(_flow_path(index, "reject_alarm")))
        return warnings


def check_inventory(values, skip_demo=False, hosts=None, host=None, default_region="", active_hosts=None):
    """Problems, warnings and derived values of one target's inventory.

    ``hosts`` (every inventory host's variables) and ``host`` (this target's name) add what
    crosses targets: central destinations, checked for the whole inventory so that a bad
    reference anywhere stops every target before its first change.
    """
    view, organization_problems = None, []
    if hosts is not None and host is not None:
        hosts = dict(hosts)
        hosts[host] = values  # this target as the role sees it (its defaults applied)
        organization = Organization(hosts, default_region)
        view = organization.view(host, active_hosts)
        organization_problems = organization.problems
    values = resolve_followers(values or {}, view)
    inventory = Inventory(values, skip_demo, view)
    problems = inventory.problems() + organization_problems
    return {
        "problems": problems,
        "warnings": inventory.warnings() if inventory.state == "present" else [],
        "plan": inventory.plan() if not problems else {},
    }


# The demo_vpc role's outputs (demo_vpc fact) that each demo_resources value names.
DEMO_OUTPUTS = {"vpc": "vpc_id", "subnets": "subnet_ids", "public_subnets": "public_subnet_ids",
                "private_subnets": "private_subnet_ids", "network_interfaces": "eni_ids"}
DEFINITION_KEYS = ("resource_filters", "traffic_type", "log_format", "tag_field_specifications",
                   "max_aggregation_interval")


def flow_logs_definitions(plan, destination_arns, delivery_role_arn="", demo_vpc=None, delivery_roles=None):
    """The ``flow_logs`` role's definitions of the flow logs this run applies, from the plan.

    Only what the run learns on its way is added here: the destination ARNs the destination role
    published (``destination_arns``, by destination name), the delivery role's ARN, the demo VPC's
    resource ids, and for a stream of another account the two roles of cross-account delivery
    (``delivery_roles``, by destination name: ``permission``, this account's role, and
    ``cross_account``, the stream account's). What each flow log sends for its destination type is
    the registry's (``destination_types.flow_log_destination``).
    """
    destinations = dict((dest.get("name"), dest) for dest in plan["destinations"])
    applied = set(plan["applied_flow_logs"])
    definitions = []
    for flow_log in plan["flow_logs"]:
        name = flow_log.get("name")
        if name not in applied:
            continue
        definition = {"name": name, "resource_type": plan["resource_types"][name], "tags": flow_log.get("tags") or {}}
        if "resource_ids" in flow_log or "demo_resources" in flow_log:
            demo = (demo_vpc or {}).get(DEMO_OUTPUTS.get(flow_log.get("demo_resources"))) or []
            ids = list(flow_log.get("resource_ids") or []) + (demo if isinstance(demo, list) else [demo])
            definition["resource_ids"] = [i for n, i in enumerate(ids) if i and i not in ids[:n]]
        definition.update((key, flow_log[key]) for key in DEFINITION_KEYS if key in flow_log)
        dest = destinations[flow_log.get("destination")]
        options = {"file_format": flow_log.get("file_format", "plain-text"),
                   "hive_compatible_partitions": flow_log.get("hive_compatible_partitions", False),
                   "per_hour_partition": flow_log.get("per_hour_partition", False)}
        roles = (delivery_roles or {}).get(dest["name"]) or {}
        definition.update(flow_log_destination(destination_arns[dest["name"]], dest.get("type"),
                                               roles.get("permission") or delivery_role_arn,
                                               roles.get("cross_account") or "", options,
                                               dest.get("log_group_name") or ""))
        definitions.append(definition)
    return definitions


def missing_resource_problems(values, existing, region=None, skip_demo=False):
    """Given resource ids that the describe calls did not find, each named by its inventory field.

    ``existing`` maps a resource type to the ids found (types not described are not checked).
    """
    inventory = Inventory(values, skip_demo)
    problems = []
    where = " in {0}".format(region) if region else ""
    for index, flow_log in enumerate(inventory.flow_logs):
        if flow_log not in inventory.applied():
            continue
        kind = resource_type(flow_log)
        if kind not in (existing or {}):
            continue
        found = set(existing[kind] or [])
        missing = [i for i in flow_log.get("resource_ids") or [] if i not in found]
        if missing:
            shown = ", ".join(missing[:MAX_LISTED]) + (
                " and {0} more".format(len(missing) - MAX_LISTED) if len(missing) > MAX_LISTED else "")
            problems.append("{0}: {1} not found{2} ({3})".format(
                _flow_path(index, "resource_ids"), shown, where, DESCRIBE_CALLS[kind]))
    return problems


# ---- teardown --------------------------------------------------------------------------
def _claimed(dest):
    """(key, field, what) of each thing a destination owns whole: its bucket, log group or stream."""
    kind = DESTINATION_TYPES.get(dest.get("type"))
    if kind is None:
        return []
    claims = []
    if kind["bucket"] and dest.get("bucket_name"):
        claims.append((("s3", dest["bucket_name"]), "bucket_name", "bucket"))
    name = dest.get(kind["name_field"])
    if kind["name_field"] != "bucket_name" and name:
        claims.append(((kind["tasks"], name), kind["name_field"], kind["what"]))
    return claims


def _destination_key(flow_log):
    destination = flow_log.get("log_destination") or ""
    if flow_log.get("log_destination_type") == "s3" and ":s3:::" in destination:
        # arn:PARTITION:s3:::bucket[/prefix/]
        return ("s3", destination.split(":::", 1)[1].split("/", 1)[0])
    if flow_log.get("log_destination_type") == "kinesis-data-firehose" and ":deliverystream/" in destination:
        # arn:PARTITION:firehose:REGION:ACCOUNT:deliverystream/NAME
        return ("firehose", destination.split(":deliverystream/", 1)[1])
    if flow_log.get("log_group_name"):
        return ("cloudwatch", flow_log["log_group_name"])
    return (None, None)


def teardown_plan(flow_logs, destinations, adopt=False, delivery_role_name=""):
    """Which flow logs teardown removes, and which destinations (and delivery role) it must keep.

    Ours: flow logs carrying the marker (or any, with adopt) that deliver to a destination of
    the inventory. A destination that other flow logs still deliver to is kept, so that no flow
    log is left pointing at nothing. A flow log a CloudWatch telemetry rule manages is never
    removed, even with adopt: the rule would only create it again. Likewise the delivery role
    (``delivery_role_name``) is kept while a flow log teardown leaves still delivers with it
    (``role_keep`` says why; empty when the role may go).
    """
    keys = {}
    for dest in destinations or []:
        # Where its flow logs deliver: the last claim (the stream, not the bucket it writes to).
        claims = _claimed(dest)
        if claims:
            keys[claims[-1][0]] = dest.get("name")
    remove, users, ruled = [], {}, {}
    for flow_log in flow_logs or []:
        name = keys.get(_destination_key(flow_log))
        if name is None:
            continue
        if is_managed(flow_log.get("tags")):
            remove.append(flow_log.get("flow_log_id"))
        elif telemetry_rule(flow_log):
            ruled.setdefault(name, []).append(flow_log.get("flow_log_id"))
        elif adopt:
            remove.append(flow_log.get("flow_log_id"))
        else:
            users.setdefault(name, []).append(flow_log.get("flow_log_id"))
    keep = {}
    for name in sorted(set(users) | set(ruled)):
        reasons = []
        if users.get(name):
            reasons.append("flow logs {0}, which flowlogs.aws did not create (set flowlogs_adopt to remove them "
                           "too)".format(", ".join(sorted(users[name]))))
        if ruled.get(name):
            reasons.append("flow logs {0}, which a CloudWatch telemetry rule manages (never removed here)".format(
                ", ".join(sorted(ruled[name]))))
        keep[name] = "still the destination of " + "; and of ".join(reasons)
    return {"remove": remove, "keep": keep, "role_keep": _role_keep(flow_logs, remove, delivery_role_name)}


def _role_keep(flow_logs, removed, role_name):
    """Why the delivery role ``role_name`` must stay: flow logs that are not removed deliver with it."""
    users = []
    for flow_log in flow_logs or []:
        arn = parse_aws_arn(flow_log.get("deliver_logs_permission_arn") or "") or {}
        if (role_name and flow_log.get("flow_log_id") not in removed and arn.get("service") == "iam"
                and arn.get("resource", "").startswith("role/") and arn["resource"].split("/")[-1] == role_name):
            users.append(flow_log.get("flow_log_id"))
    if not users:
        return ""
    return "flow logs {0}, which this teardown does not remove, still deliver with it".format(", ".join(sorted(users)))


# ---- organization: a central log-archive destination ----------------------------------
# One target (the log-archive account) owns an S3 destination with ``shared_with``; other
# targets' destinations say ``central: <that target's inventory host>`` and build no bucket:
# their flow logs deliver to the owner's bucket, which AWS keys by account and region
# (AWSLogs/ACCOUNT/vpcflowlogs/REGION/..., or the Hive-compatible aws-account-id=ACCOUNT/...).
# Policies and the Glue projection are derived from the whole inventory (every host's
# variables), never from one run, so that no run narrows what another one needs.
ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
# The destination types one target can own for others: a bucket (S3), a delivery stream (Firehose,
# the stream's account building the role the other accounts' flow logs deliver through).
SHAREABLE_TYPES = ("s3", FIREHOSE)
# What a central destination takes from its owner: giving it on the member too would be a
# second, silently ignored description of the same bucket or stream.
OWNER_ONLY_FIELDS = {
    "s3": ("prefix", "kms_key_arn", "kms_key_create", "shared_with"),
    FIREHOSE: ("bucket_name", "prefix", "kms_key_arn", "kms_key_create", "shared_with", "stream_arn",
               "cross_account_role"),
}
# The field of a central destination that chooses among several shared ones of its owner.
CHOOSER = {"s3": "bucket_name", FIREHOSE: "stream_name"}
# The settings one Glue table needs to be the same for every flow log it reads.
TABLE_SETTINGS = ("log_format", "file_format", "hive_compatible_partitions", "per_hour_partition")
# What a follower flow log (FOLLOW_KEY, the audit's remediation) takes from its destination's flow logs.
FOLLOW_KEY = "follow_destination"
FOLLOWED_SETTINGS = TABLE_SETTINGS + ("tag_field_specifications",)
TABLE_DEFAULTS = {"log_format": None, "file_format": "plain-text", "hive_compatible_partitions": False,
                  "per_hour_partition": False}


def _table_settings(flow_log):
    settings = {}
    for key in TABLE_SETTINGS:
        value = flow_log.get(key)
        if value in (None, "") or (key == "log_format" and value is None):
            value = TABLE_DEFAULTS[key]
        elif key in ("hive_compatible_partitions", "per_hour_partition"):
            value = _bool(value, False)
        settings[key] = value
    return settings


def _follow_settings(flow_logs):
    """What a follower copies: the record and S3 settings of the first VPC-family flow log given."""
    for flow_log in flow_logs:
        kind = RESOURCE_TYPES.get(resource_type(flow_log))
        if flow_log.get(FOLLOW_KEY) or kind is None or kind.family != VPC_FAMILY:
            continue
        return dict((key, flow_log[key]) for key in FOLLOWED_SETTINGS if flow_log.get(key) not in (None, ""))
    return {}


def resolve_followers(values, view=None):
    """The flow logs with each follower's settings filled in from its destination's flow logs.

    A follower (``follow_destination: true``, the audit's remediation flow log) takes, for each
    setting it does not give, what the destination's flow logs use: the log format, the S3 file
    format, Hive-compatible and per-hour partitions, the tag field specifications. So it writes
    the records the destination's Athena table reads, under the keys its bucket policy already
    admits, and a later run without it narrows nothing. A shared or central destination follows
    the flow logs of every target that deliver there (``view``: Organization.view); a
    destination without flow logs leaves the follower on the defaults.
    """
    flow_logs = values.get("flowlogs_flow_logs") or []
    if not any(isinstance(fl, dict) and fl.get(FOLLOW_KEY) for fl in flow_logs):
        return values
    view = view or {"shared": {}, "central": {}}
    resolved = []
    for flow_log in flow_logs:
        if isinstance(flow_log, dict) and flow_log.get(FOLLOW_KEY):
            name = flow_log.get("destination")
            organization = view["central"].get(name) or view["shared"].get(name)
            source = (organization["follow"] if organization else
                      _follow_settings([fl for fl in flow_logs if isinstance(fl, dict) and fl.get("destination") == name]))
            own_format = flow_log.get("log_format") not in (None, "")
            flow_log = dict((key, value) for key, value in flow_log.items() if key != FOLLOW_KEY)
            for key, value in source.items():
                # The tag field specifications go with the format they serve, not with another.
                if key == "tag_field_specifications" and own_format:
                    continue
                flow_log.setdefault(key, value)
        resolved.append(flow_log)
    return dict(values, flowlogs_flow_logs=resolved)


def _where(host, path):
    return "{0}: {1}".format(host, path)


def _own_stream_problem(path, account):
    return ("{0}: is a stream of this target's account {1}: give stream_name and bucket_name to build it here (no "
            "cross-account role)".format(path, account))


def _same_account_member_problem(path, account, stream, owner):
    return ("{0}: this target is in the account {1} of the stream {2} of {3}; flow logs of one account deliver to its "
            "stream without central (or cross-account roles): give this target a destination of its own".format(
                path, account, stream, owner))


def _region_problem(path, what, where, region):
    # Amazon Data Firehose Developer Guide, "Send data to a Firehose stream": "Some AWS services can
    # only send messages and events to a Firehose stream that is in the same Region"; AWS documents no
    # cross-Region delivery of flow logs to a stream.
    return ("{0}: {1} is in {2}, this target in {3}; flow logs deliver to a Firehose stream of their own region "
            "(give this region a stream of its own)".format(path, what, where, region))


def is_central(destination):
    return bool((destination or {}).get("central"))


def is_shared(destination):
    return (destination or {}).get("shared_with") is not None


class Organization(object):
    """Every target's flowlogs_* variables, for what crosses targets: central destinations.

    ``hosts`` maps an inventory host name to its values (flowlogs_destinations,
    flowlogs_flow_logs, flowlogs_region, flowlogs_account_id); ``default_region`` is the
    region of a host that sets none (the role's default).
    """

    def __init__(self, hosts, default_region=""):
        self.hosts = {}
        for host, values in (hosts or {}).items():
            values = values or {}
            self.hosts[host] = {
                "destinations": [d for d in (values.get("flowlogs_destinations") or []) if isinstance(d, dict)],
                # A follower (the audit's remediation) takes the settings the destination already
                # has: it never widens or narrows what the shared bucket admits, nor its table.
                "flow_logs": [f for f in (values.get("flowlogs_flow_logs") or [])
                              if isinstance(f, dict) and not f.get(FOLLOW_KEY)],
                "region": values.get("flowlogs_region") or default_region,
                "account_id": str(values.get("flowlogs_account_id") or ""),
                # Published by a member's teardown: its central destinations that flow logs it did not
                # create still deliver to (the owner cannot see another account's flow logs).
                "in_use": values.get("flowlogs_central_in_use") or {},
            }
        self.problems = []
        self.shared = {}   # (owner host, destination name) -> what the owner builds
        self.central = {}  # (member host, destination name) -> the owner's destination it uses
        self._resolve()

    # ---- resolution -------------------------------------------------------------------
    def _resolve(self):
        claims = {}
        for host in sorted(self.hosts):
            for index, dest in enumerate(self.hosts[host]["destinations"]):
                if dest.get("type") == "s3" and not is_central(dest) and dest.get("bucket_name"):
                    claims.setdefault(dest["bucket_name"], []).append((host, index))
                if is_shared(dest):
                    self._add_shared(host, index, dest)
        for bucket, owners in sorted(claims.items()):
            hosts = sorted(set(host for host, unused in owners))
            if len(hosts) > 1:
                for host, index in owners:
                    others = ", ".join("{0} ({1})".format(h, _dest_path(i)) for h, i in owners if h != host)
                    self.problems.append(_where(host, (
                        "{0}: the bucket {1} is also built by {2}; a bucket has one owner (each run writes its whole "
                        "policy): give the owner's destination shared_with and the others central: <owner host>"
                    ).format(_dest_path(index, "bucket_name"), bucket, others)))
        for host in sorted(self.hosts):
            for index, dest in enumerate(self.hosts[host]["destinations"]):
                if is_central(dest):
                    self._add_central(host, index, dest)
        for (host, name), shared in sorted(self.shared.items()):
            self._finish_shared(host, name, shared)

    def _add_shared(self, host, index, dest):
        path = _dest_path(index, "shared_with")
        shared_with = dest.get("shared_with")
        if not isinstance(shared_with, dict):
            self.problems.append(_where(host, "{0}: must be a dict with organization_id and/or account_ids (got "
                                              "{1!r})".format(path, shared_with)))
            shared_with = {}
        if dest.get("type") not in SHAREABLE_TYPES:
            self.problems.append(_where(host, "{0}: only an s3 or kinesis-data-firehose destination can be shared "
                                              "(this one is {1})".format(path, dest.get("type"))))
            return
        if dest.get("type") == FIREHOSE and shared_with.get("athena"):
            self.problems.append(_where(host, "{0}.athena: a kinesis-data-firehose destination gets no Athena table "
                                              "(Firehose writes its own key layout); remove it".format(path)))
        organization = shared_with.get("organization_id") or ""
        if organization and not ORGANIZATION_ID.match(str(organization)):
            self.problems.append(_where(host, "{0}.organization_id: {1!r} is not an AWS Organizations id (o- and 10 "
                                              "to 32 lowercase letters or digits)".format(path, organization)))
        accounts = [str(a) for a in (shared_with.get("account_ids") or [])]
        bad = [a for a in accounts if not ACCOUNT_ID.match(a)]
        if bad:
            self.problems.append(_where(host, "{0}.account_ids: each must be an account id of 12 digits, quoted in "
                                              "YAML ({1} are not)".format(path, ", ".join(bad))))
        self.shared[(host, dest.get("name"))] = {
            "index": index,
            "type": dest.get("type"),
            "bucket_name": dest.get("bucket_name") or "",
            "prefix": _prefix(dest),
            "stream_name": dest.get("stream_name") or "",
            "organization_id": organization,
            "listed_accounts": accounts,
            # A stream gets no query side: no table over it.
            "query_ready": _bool(shared_with.get("query_ready"), True) and dest.get("type") == "s3",
            "athena": shared_with.get("athena") or {},
            "members": [],
            "users": [],  # (host, flow log index, flow log) of every flow log delivering there
            "in_use": [],  # (member host, why its teardown kept delivering there)
        }

    def _add_central(self, host, index, dest):
        path = _dest_path(index, "central")
        owner = dest.get("central")
        kind = dest.get("type")
        if kind not in SHAREABLE_TYPES:
            self.problems.append(_where(host, "{0}: only an s3 or kinesis-data-firehose destination can be central "
                                              "(this one is {1})".format(path, kind)))
            return
        what, chooser = DESTINATION_TYPES[kind]["what"], CHOOSER[kind]
        given = [field for field in OWNER_ONLY_FIELDS[kind] if dest.get(field) not in (None, "", False)]
        if given:
            self.problems.append(_where(host, "{0}: {1} belong to the owner's destination on {2}; remove them "
                                              "here".format(_dest_path(index), ", ".join(given), owner)))
        if owner not in self.hosts:
            self.problems.append(_where(host, "{0}: no inventory target is named {1!r}; central names the inventory "
                                              "host that owns the {2}".format(path, owner, what)))
            return
        candidates = [(name, shared) for (h, name), shared in sorted(self.shared.items())
                      if h == owner and shared["type"] == kind]
        if dest.get(chooser):
            candidates = [(n, s) for n, s in candidates if s[chooser] == dest[chooser]]
        if not candidates:
            self.problems.append(_where(host, "{0}: the target {1} owns no shared {2}{3} (an {4} destination with "
                                              "shared_with)".format(
                                                  path, owner, what, " named " + dest[chooser] if dest.get(chooser)
                                                  else "", "s3" if kind == "s3" else "Amazon Data Firehose")))
            return
        if len(candidates) > 1:
            self.problems.append(_where(host, "{0}: the target {1} shares several {2}s ({3}); give {4} too".format(
                path, owner, what, ", ".join(s[chooser] for n, s in candidates), chooser)))
            return
        name, shared = candidates[0]
        if host == owner:
            self.problems.append(_where(host, "{0}: {1} is this target; its flow logs use its own destination {2} "
                                              "directly".format(path, owner, name)))
            return
        owner_region, region = self.hosts[owner]["region"], self.hosts[host]["region"]
        if kind == FIREHOSE and owner_region and region and owner_region != region:
            self.problems.append(_where(host, _region_problem(
                path, "the delivery stream {0} of {1}".format(shared["stream_name"], owner), owner_region, region)))
            return
        owner_account, account = self.hosts[owner]["account_id"], self.hosts[host]["account_id"]
        if kind == FIREHOSE and owner_account and account == owner_account:
            self.problems.append(_where(host, _same_account_member_problem(path, account, shared["stream_name"], owner)))
            return
        shared["members"].append(host)
        if self.hosts[host]["in_use"].get(dest.get("name")):
            shared["in_use"].append((host, self.hosts[host]["in_use"][dest.get("name")]))
        self.central[(host, dest.get("name"))] = {
            "host": owner,
            "destination": name,
            "type": kind,
            "bucket_name": shared["bucket_name"],
            "prefix": shared["prefix"],
            "stream_name": shared["stream_name"],
            "stream_account_id": owner_account,
            "region": owner_region,
            "organization_id": shared["organization_id"],
        }
        for f_index, flow_log in enumerate(self.hosts[host]["flow_logs"]):
            if flow_log.get("destination") == dest.get("name"):
                shared["users"].append((host, f_index, flow_log))

    def _finish_shared(self, owner, name, shared):
        for f_index, flow_log in enumerate(self.hosts[owner]["flow_logs"]):
            if flow_log.get("destination") == name:
                shared["users"].append((owner, f_index, flow_log))
        # The owner always admits its own account and region, as a bucket of one target does: whether
        # its own flow logs deliver there may change from run to run (the audit's remediation), and
        # no run may narrow the policy another run needs.
        accounts = list(shared["listed_accounts"])
        regions = [self.hosts[owner]["region"]]
        unknown = []
        for member in shared["members"] + [owner]:
            account = self.hosts[member]["account_id"]
            if account and account not in accounts:
                accounts.append(account)
            if not account and member != owner:
                unknown.append(member)
            region = self.hosts[member]["region"]
            if region and region not in regions:
                regions.append(region)
        path = _dest_path(shared["index"], "shared_with")
        if shared["type"] == FIREHOSE and (shared["members"] or shared["listed_accounts"]) and not self.hosts[owner]["account_id"]:
            self.problems.append(_where(owner, (
                "flowlogs_account_id: must be set, because other accounts' flow logs deliver to the stream {0} of this "
                "target ({1}): their flow logs and roles name the stream's account").format(
                    shared["stream_name"], path)))
        if unknown and not shared["listed_accounts"]:
            admitting = "" if not shared["organization_id"] else " (admitting the organization)"
            named_by = ("neither the bucket policy{0} nor the Athena table could name it".format(admitting)
                        if shared["type"] == "s3" else "the stream's role could not trust it{0}".format(admitting))
            self.problems.append(_where(owner, (
                "{0}: the account of {1} is not known, so {2}: set flowlogs_account_id on {1} or list the accounts in "
                "shared_with.account_ids").format(path, ", ".join(unknown), named_by)))
        hive = sorted(set(_bool(fl.get("hive_compatible_partitions"), False) for unused, unused2, fl in shared["users"]))
        shared["hive"] = "both" if len(hive) == 2 else (hive[0] if hive else False)
        shared["plain"] = not hive or False in hive
        shared["account_ids"] = sorted(accounts)
        shared["regions"] = sorted(regions)
        shared["follow"] = _follow_settings([fl for unused, unused2, fl in shared["users"]])
        shared["table"] = None
        if shared["query_ready"] and shared["users"]:
            first_host, first_index, first = shared["users"][0]
            settings = _table_settings(first)
            for host, index, flow_log in shared["users"][1:]:
                other = _table_settings(flow_log)
                differ = [key for key in TABLE_SETTINGS if other[key] != settings[key]]
                if differ:
                    self.problems.append(_where(host, (
                        "{0}: differs from {1} ({2}) in {3}, and both deliver to the shared bucket {4}, which gets one "
                        "Athena table: use the same settings, or set shared_with.query_ready to false on {5}").format(
                            _flow_path(index), first_host, _flow_path(first_index), ", ".join(differ),
                            shared["bucket_name"], owner)))
            shared["table"] = settings

    # ---- one target's view ----------------------------------------------------------
    def view(self, host, active_hosts=None):
        """What ``host`` needs: its shared destinations (what the bucket policy, key policy and Glue
        table cover) and its central destinations (where its flow logs go), by destination name.

        ``active_hosts``: the targets of this run; a shared bucket is kept at teardown while a
        member that delivers to it is not among them.
        """
        shared, central = {}, {}
        for (owner, name), value in self.shared.items():
            if owner != host:
                continue
            absent = [m for m in value["members"] if active_hosts is not None and m not in active_hosts]
            reasons = (["still the destination of the flow logs of {0}, which this run does not tear down".format(
                ", ".join(sorted(absent)))] if absent else [])
            reasons.extend("{0}: {1}".format(member, why) for member, why in sorted(value["in_use"]))
            shared[name] = {
                "type": value["type"],
                "bucket_name": value["bucket_name"],
                "prefix": value["prefix"],
                "stream_name": value["stream_name"],
                "organization_id": value["organization_id"],
                "account_ids": value["account_ids"],
                "regions": value["regions"],
                "hive": value["hive"],
                "plain": value["plain"],
                "members": sorted(value["members"]),
                "table": value["table"],
                "follow": value["follow"],
                "athena": value["athena"],
                "keep_reason": "; ".join(reasons),
            }
        for (member, name), value in self.central.items():
            if member != host:
                continue
            owner = self.shared[(value["host"], value["destination"])]
            central[name] = dict(value, account_ids=owner["account_ids"], follow=owner["follow"],
                                 resource_types=self._resource_types(host, owner))
        return {"shared": shared, "central": central}

    def _resource_types(self, member, shared):
        """The resource types of the flow logs that deliver to ``shared`` from the account of ``member``
        (every target of it: its source role is one per account), or from ``member`` alone when its
        account is not known."""
        account = self.hosts[member]["account_id"]
        types = set(resource_type(flow_log) for host, unused, flow_log in shared["users"]
                    if host == member or (account and self.hosts[host]["account_id"] == account))
        return [kind for kind in RESOURCE_TYPES if kind in types]


def account_problems(values, account_id, central=None):
    """Checks that need the account of the credentials (after sts:GetCallerIdentity, before any write).

    ``central``: the central destinations of this target (``Organization.view``).
    """
    values = values or {}
    problems = []
    expected = str(values.get("flowlogs_account_id") or "")
    if expected and expected != str(account_id):
        problems.append("flowlogs_account_id: this target is account {0}, but its credentials are of account {1}"
                        .format(expected, account_id))
    destinations = values.get("flowlogs_destinations") or []
    for index, dest in enumerate(destinations):
        stream = FIREHOSE_ARN.match(dest.get("stream_arn") or "") if dest.get("type") == FIREHOSE else None
        if stream and stream.group("account") == str(account_id):
            problems.append(_own_stream_problem(_dest_path(index, "stream_arn"), account_id))
        target = (central or {}).get(dest.get("name"))
        if not target:
            continue
        if target.get("type") == FIREHOSE and target.get("stream_account_id") == str(account_id):
            problems.append(_same_account_member_problem(_dest_path(index, "central"), account_id, target["stream_name"],
                                                         target["host"]))
        if target.get("organization_id") or not target.get("account_ids"):
            continue
        if str(account_id) not in target["account_ids"]:
            what = "the bucket {0}".format(target["bucket_name"]) if target.get("type", "s3") == "s3" else \
                "the role of the stream {0}".format(target["stream_name"])
            problems.append(
                "{0}: {1} of {2} admits the accounts {3}, not this one ({4}); set flowlogs_account_id "
                "here or add it to shared_with.account_ids on {2}".format(
                    _dest_path(index, "central"), what, target["host"],
                    ", ".join(target["account_ids"]), account_id))
    return problems
