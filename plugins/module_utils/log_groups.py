# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs log groups as the flow-log destination: rules, plans and API calls.

Used by the cloudwatchlogs_log_group module and, for the log-class rule, by the
``log_group_class_problems`` filter that the flowlogs and log_insights roles call.

The rules follow the CloudWatch Logs API reference
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/):

* CreateLogGroup: names of 1 to 512 of ``a-z A-Z 0-9 _ - / . #``, not starting with
  ``aws/``; the log group class is chosen at creation and cannot be changed; at most
  50 tags; ``kmsKeyId`` is a key ARN.
* PutRetentionPolicy: retention is one of ``RETENTION_DAYS``; DeleteRetentionPolicy
  makes events never expire.
* AssociateKmsKey / DisassociateKmsKey change the key of an existing group.
* LogGroup.storedBytes counts the group's bytes (updated with a delay), and LogStream
  event times are "updated on an eventual consistency basis"; LogStream.storedBytes is
  always 0 since 2019. So a group is treated as holding data when storedBytes > 0 or
  when it has any log stream: events only live in streams, and a stream's events may
  not be counted yet.

The pure functions (``desired_log_group``, ``plan_present``, ``plan_absent``,
``class_feature_problems``) have no AWS dependency; the API helpers raise
``AnsibleLogsError`` naming the operation, which the module turns into fail_json_aws.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import tag_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

# PutRetentionPolicy, retentionInDays: "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120,
# 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, and 3653."
RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                  2922, 3288, 3653)
# The classes a flow-log destination can use. DELIVERY keeps events one day and serves Lambda
# deliveries only; ESSENTIALS is not offered as a flow-log destination here.
LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS")
DEFAULT_CLASS = "STANDARD"
NAME_RE = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$")
KMS_KEY_ID_MAX = 256

# "Log classes" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch_Logs_Log_Classes.html):
# the Infrequent Access class supports a subset of the features; among those a flow-log setup
# may ask for, metric filters (and so metric-filter alarms such as the REJECT alarm),
# subscription filters and Live Tail are Standard only. Logs Insights queries, and so saved
# query definitions, work on both classes (only the pattern, diff, filterIndex and unmask
# commands are Standard only: "Logs Insights QL commands supported in log classes").
UNSUPPORTED_FEATURES = {
    "INFREQUENT_ACCESS": {
        "metric_filter": "metric filters (and alarms on them)",
        "subscription_filter": "subscription filters",
        "live_tail": "Live Tail",
    },
}


class LogGroupError(ProblemsError):
    """Invalid log group parameters; ``problems`` lists every one found."""


class AnsibleLogsError(AnsibleAWSError):
    pass


class LogsErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleLogsError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


def class_feature_problems(log_group_class, features, field="log_group_class"):
    """Problems when a log group class cannot carry the features asked for.

    ``features`` maps a feature key of UNSUPPORTED_FEATURES (``metric_filter``, ...) to the
    inventory field that asks for it (empty: not asked for). Returns one message per feature
    asked for that the class lacks.
    """
    problems = []
    cls = log_group_class or DEFAULT_CLASS
    if cls not in LOG_GROUP_CLASSES:
        return ["%s must be one of %s (got %r)" % (field, ", ".join(LOG_GROUP_CLASSES), log_group_class)]
    lacking = UNSUPPORTED_FEATURES.get(cls, {})
    known = set()
    for class_features in UNSUPPORTED_FEATURES.values():
        known.update(class_features)
    for feature, asked_by in sorted((features or {}).items()):
        if feature not in known:
            raise ValueError("unknown feature %r (known: %s)" % (feature, ", ".join(sorted(known))))
        if asked_by and feature in lacking:
            problems.append(
                "%s: log groups of the %s class do not support %s, which %s asks for (see \"Log classes\" in the "
                "CloudWatch Logs User Guide); use the STANDARD class or turn that off"
                % (field, cls, lacking[feature], asked_by))
    return problems


def desired_log_group(params):
    """Validate the module parameters; returns the desired log group or raises LogGroupError.

    The result has ``name``, ``retention_days`` (None: never expire), ``log_group_class``,
    ``kms_key_id`` (None: leave as is, "": no key of yours), ``tags`` (None: leave as is,
    else with the marker) and ``purge_tags``.
    """
    problems = []
    name = params.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append("name: %r is not a log group name (1 to 512 of A-Z a-z 0-9 . - _ / #)" % (name,))
    elif name.startswith("aws/"):
        problems.append("name: log group names cannot start with aws/ (got %r)" % name)
    retention = params.get("retention_days")
    if retention is not None and retention not in RETENTION_DAYS:
        problems.append("retention_days: %r is not a retention CloudWatch Logs accepts; use one of %s, or "
                        "omit it for events that never expire" % (retention, ", ".join(str(d) for d in RETENTION_DAYS)))
    log_group_class = params.get("log_group_class") or DEFAULT_CLASS
    if log_group_class not in LOG_GROUP_CLASSES:
        problems.append("log_group_class: must be one of %s (got %r)" % (", ".join(LOG_GROUP_CLASSES), log_group_class))
    kms_key_id = params.get("kms_key_id")
    if kms_key_id and (len(kms_key_id) > KMS_KEY_ID_MAX or not KMS_KEY_ARN_RE.match(kms_key_id)):
        problems.append("kms_key_id: must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), "
                        "or empty for no key of yours (got %r)" % kms_key_id)
    tags = params.get("tags")
    problems.extend(tag_problems(tags, "tags"))
    if problems:
        raise LogGroupError(problems)
    return {
        "name": name,
        "retention_days": retention,
        "log_group_class": log_group_class,
        "kms_key_id": kms_key_id,
        "tags": None if tags is None else with_marker(tags),
        "purge_tags": params.get("purge_tags", True),
    }


def normalize(described, tags):
    """A DescribeLogGroups item and its tags in the module's snake_case result shape."""
    arn = described.get("logGroupArn") or re.sub(r":\*$", "", described.get("arn", ""))
    return {
        "log_group_name": described["logGroupName"],
        "arn": arn,
        "retention_in_days": described.get("retentionInDays"),
        "retention_policy_name": described.get("retentionPolicyName"),
        "log_group_class": described.get("logGroupClass") or DEFAULT_CLASS,
        "kms_key_id": described.get("kmsKeyId"),
        "stored_bytes": described.get("storedBytes") or 0,
        "metric_filter_count": described.get("metricFilterCount") or 0,
        "deletion_protection_enabled": bool(described.get("deletionProtectionEnabled")),
        "creation_time": described.get("creationTime"),
        "tags": dict(tags or {}),
        "managed": is_managed(tags),
    }


def plan_present(current, desired, adopt=False):
    """What to do to reach ``desired`` from ``current`` (normalize() or None).

    Returns ``{"create": bool, "foreign": bool, "problems": [...], "changes": [...], "after": {...}}``.
    ``changes`` are tuples, in call order: ("retention", days or None), ("kms", key or None),
    ("tag", {k: v}), ("untag", [keys]). A foreign group (no marker, not adopted) gets no changes.
    """
    plan = {"create": False, "foreign": False, "problems": [], "changes": [], "after": None}
    if current is None:
        plan["create"] = True
        plan["after"] = {
            "log_group_name": desired["name"], "arn": None, "retention_in_days": desired["retention_days"],
            "log_group_class": desired["log_group_class"], "kms_key_id": desired["kms_key_id"] or None,
            "tags": desired["tags"] if desired["tags"] is not None else with_marker({}),
            "stored_bytes": 0, "managed": True,
        }
        return plan
    after = dict(current)
    plan["after"] = after
    if not current["managed"] and not adopt:
        plan["foreign"] = True
        return plan
    if current["log_group_class"] != desired["log_group_class"]:
        plan["problems"].append(
            "log_group_class: the log group %s is %s and asked to be %s; CloudWatch Logs sets the class only "
            "when a log group is created (CreateLogGroup), so create a new log group (another name) to change it"
            % (desired["name"], current["log_group_class"], desired["log_group_class"]))
        return plan
    # An account-level retention policy overrides the group's own, and DescribeLogGroups then shows
    # the policy's retention (PutRetentionPolicy): comparing would rewrite it on every run.
    if not current.get("retention_policy_name") and current["retention_in_days"] != desired["retention_days"]:
        plan["changes"].append(("retention", desired["retention_days"]))
        after["retention_in_days"] = desired["retention_days"]
    if desired["kms_key_id"] is not None and (current["kms_key_id"] or "") != desired["kms_key_id"]:
        plan["changes"].append(("kms", desired["kms_key_id"] or None))
        after["kms_key_id"] = desired["kms_key_id"] or None
    # Adopting puts the marker on even when tags are not managed.
    want_tags = desired["tags"] if desired["tags"] is not None else with_marker(current["tags"])
    to_set = dict((k, v) for k, v in want_tags.items() if current["tags"].get(k) != v)
    to_remove = sorted(k for k in current["tags"] if k not in want_tags) if (
        desired["tags"] is not None and desired["purge_tags"]) else []
    if to_set:
        plan["changes"].append(("tag", to_set))
    if to_remove:
        plan["changes"].append(("untag", to_remove))
    new_tags = dict((k, v) for k, v in current["tags"].items() if k not in to_remove)
    new_tags.update(to_set)
    after["tags"] = new_tags
    after["managed"] = is_managed(new_tags)
    return plan


def plan_absent(current, adopt=False, force_delete=False, has_streams=False):
    """``{"delete": bool, "kept_reason": str}`` for a group that exists (normalize())."""
    name = current["log_group_name"]
    if not current["managed"] and not adopt:
        return {"delete": False, "kept_reason": (
            "the log group %s does not carry the managed-by=flowlogs.aws tag, so flowlogs.aws did not create it; "
            "it was left alone (set adopt to delete it)" % name)}
    if current.get("deletion_protection_enabled"):
        return {"delete": False, "kept_reason": (
            "the log group %s has deletion protection enabled; turn it off (PutLogGroupDeletionProtection) "
            "to delete it" % name)}
    if not force_delete and (current["stored_bytes"] > 0 or has_streams):
        held = []
        if current["stored_bytes"] > 0:
            held.append("%d stored bytes" % current["stored_bytes"])
        if has_streams:
            held.append("log streams, whose events CloudWatch Logs may not have counted yet")
        return {"delete": False, "kept_reason": (
            "the log group %s holds data (%s) and was kept; set force_delete to delete it with its log events"
            % (name, " and ".join(held)))}
    return {"delete": True, "kept_reason": ""}


# API calls. Each raises AnsibleLogsError naming the operation; the client retries throttling.


@LogsErrorHandler.common_error_handler("describe the log group (DescribeLogGroups)")
def describe_log_group(client, name):
    """The DescribeLogGroups item of exactly ``name``, or None.

    Results are ASCII-sorted by name, so the group itself is the first one with its name as prefix.
    """
    groups = client.describe_log_groups(aws_retry=True, logGroupNamePrefix=name, limit=1).get("logGroups", [])
    return next((g for g in groups if g.get("logGroupName") == name), None)


@LogsErrorHandler.list_error_handler("list the log group's tags (ListTagsForResource)", {})
def list_tags(client, arn):
    return client.list_tags_for_resource(aws_retry=True, resourceArn=arn).get("tags", {})


@LogsErrorHandler.list_error_handler("list the log group's log streams (DescribeLogStreams)", False)
def has_log_streams(client, name):
    streams = client.describe_log_streams(aws_retry=True, logGroupName=name, limit=1).get("logStreams", [])
    return bool(streams)


@LogsErrorHandler.common_error_handler("create the log group (CreateLogGroup)")
def create_log_group(client, desired):
    kwargs = {"logGroupName": desired["name"], "logGroupClass": desired["log_group_class"]}
    if desired["kms_key_id"]:
        kwargs["kmsKeyId"] = desired["kms_key_id"]
    kwargs["tags"] = desired["tags"] if desired["tags"] is not None else with_marker({})
    client.create_log_group(aws_retry=True, **kwargs)


@LogsErrorHandler.common_error_handler("set the retention (PutRetentionPolicy)")
def put_retention(client, name, days):
    client.put_retention_policy(aws_retry=True, logGroupName=name, retentionInDays=days)


@LogsErrorHandler.common_error_handler("remove the retention (DeleteRetentionPolicy)")
def delete_retention(client, name):
    client.delete_retention_policy(aws_retry=True, logGroupName=name)


@LogsErrorHandler.common_error_handler("associate the KMS key (AssociateKmsKey)")
def associate_kms_key(client, name, key):
    client.associate_kms_key(aws_retry=True, logGroupName=name, kmsKeyId=key)


@LogsErrorHandler.common_error_handler("disassociate the KMS key (DisassociateKmsKey)")
def disassociate_kms_key(client, name):
    client.disassociate_kms_key(aws_retry=True, logGroupName=name)


@LogsErrorHandler.common_error_handler("tag the log group (TagResource)")
def tag_log_group(client, arn, tags):
    client.tag_resource(aws_retry=True, resourceArn=arn, tags=tags)


@LogsErrorHandler.common_error_handler("untag the log group (UntagResource)")
def untag_log_group(client, arn, keys):
    client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=keys)


@LogsErrorHandler.deletion_error_handler("delete the log group (DeleteLogGroup)")
def delete_log_group(client, name):
    client.delete_log_group(aws_retry=True, logGroupName=name)
    return True


def apply_change(client, name, arn, change):
    """Make one change of plan_present()["changes"]."""
    kind, value = change
    if kind == "retention":
        if value is None:
            delete_retention(client, name)
        else:
            put_retention(client, name, value)
    elif kind == "kms":
        if value:
            associate_kms_key(client, name, value)
        else:
            disassociate_kms_key(client, name)
    elif kind == "tag":
        tag_log_group(client, arn, value)
    elif kind == "untag":
        untag_log_group(client, arn, value)
    else:
        raise ValueError("unknown change %r" % kind)
