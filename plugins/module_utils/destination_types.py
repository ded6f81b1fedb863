# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The destination types of flow logs: one table, read by the roles, the checks and the filters.

Why a table: each type differs in how its destination is created (the ``destination``
role's task files ``<tasks>_validate.yml``, ``<tasks>_present.yml``, ``<tasks>_absent.yml``),
what delivery role the flow log needs, what CreateFlowLogs is sent, which query side is
built, and what the teardown says it removed or kept. Those answers used to be branches on
the type name in nine role files; a new type is now one entry here plus its own task files.

Fields of an entry:

``tasks``
    the prefix of the destination role's task files for the type.
``what`` / ``name_field`` / ``name_variable``
    what the destination is called in messages, the ``flowlogs_destinations[]`` key that
    names it, and the ``destination`` role variable that takes that name.
``bucket``
    the destination has an S3 bucket the role creates and hardens (read, ownership-checked,
    kept at teardown while it holds data).
``delivery_role``
    what the flow log needs from IAM: ``permission`` - an IAM role that VPC Flow Logs
    assumes to write (CreateFlowLogs ``DeliverLogsPermissionArn``, "IAM role for publishing
    flow logs to CloudWatch Logs"); ``none`` - the delivery service writes under the bucket
    policy; ``cross-account`` - none in the stream's own account (the service-linked role
    AWSServiceRoleForLogDelivery writes to streams tagged ``LogDeliveryEnabled=true``), and
    two roles when the stream is in another account: the source account's
    (``DeliverLogsPermissionArn``) and the stream account's (``DeliverCrossAccountRole``)
    ("Publish flow logs to Amazon Data Firehose" and "IAM roles for cross account delivery",
    Amazon VPC User Guide).
``query_side``
    the role that makes the flow logs query-ready: ``athena`` (a Glue table over the
    bucket's AWSLogs/ layout), ``log_insights`` (saved queries and a REJECT alarm), or ``""``.
    Firehose has none: it writes its own key layout (``YYYY/MM/dd/HH/``) of compressed
    batches, which the collection's flow-log table (partitioned by the AWSLogs/ layout and
    projected dates) does not describe; query it with a table of your own.
``kms_grant``
    what a key the role creates for the destination must allow besides the account:
    ``s3-delivery`` (delivery.logs.amazonaws.com), ``log-group`` (logs.REGION.amazonaws.com
    for the one group) or ``iam`` (nothing: the stream's own IAM role is granted by its policy).
``kms_principal``
    the service principal the key check of an existing key looks for (``{region}`` filled in).
``destination_options``
    CreateFlowLogs ``DestinationOptions`` apply (file format, Hive-compatible partitions).
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

DESTINATION_TYPES = {
    "cloud-watch-logs": {
        "tasks": "cloudwatch", "what": "log group", "name_field": "log_group_name",
        "name_variable": "destination_log_group_name", "bucket": False, "delivery_role": "permission",
        "query_side": "log_insights", "kms_grant": "log-group", "kms_principal": "logs.{region}.amazonaws.com",
        "destination_options": False,
    },
    "s3": {
        "tasks": "s3", "what": "bucket", "name_field": "bucket_name",
        "name_variable": "destination_bucket_name", "bucket": True, "delivery_role": "none",
        "query_side": "athena", "kms_grant": "s3-delivery", "kms_principal": "delivery.logs.amazonaws.com",
        "destination_options": True,
    },
    "kinesis-data-firehose": {
        "tasks": "firehose", "what": "delivery stream", "name_field": "stream_name",
        "name_variable": "destination_stream_name", "bucket": True, "delivery_role": "cross-account",
        "query_side": "", "kms_grant": "iam", "kms_principal": "",
        "destination_options": False,
    },
}


class DestinationTypeError(ProblemsError):
    """An unknown destination type; the problem names the field that gave it."""


def destination_type(name, field="type"):
    """The registry entry of a type, with its name; an unknown type is an error naming ``field``."""
    entry = DESTINATION_TYPES.get(name)
    if entry is None:
        raise DestinationTypeError(type_problem(name, field))
    return dict(entry, name=name)


def type_problem(name, field="type"):
    if name in DESTINATION_TYPES:
        return None
    return "{0}: unknown destination type {1!r}; one of {2}".format(field, name, ", ".join(sorted(DESTINATION_TYPES)))


def destination_types(destinations, field="flowlogs_destinations"):
    """{destination name: its registry entry} for a list of inventory destinations."""
    found = {}
    for index, destination in enumerate(destinations or []):
        found[destination["name"]] = destination_type(destination.get("type"), "{0}[{1}].type".format(field, index))
    return found


def flow_log_destination(destination_arn, type_name, delivery_role_arn="", cross_account_role="", options=None,
                         log_group_name=""):
    """What a flow log sends for its destination (the ec2_vpc_flow_log / flow_logs role keys).

    ``destination_arn`` is the ARN the destination role published; for CloudWatch Logs the
    log group is sent by name (``log_group_name``) with the delivery role's ARN. For a stream
    of another account (``cross_account_role``, the stream account's role), ``delivery_role_arn``
    is the source account's role: CreateFlowLogs needs both ("IAM roles for cross account
    delivery"; ``DeliverLogsPermissionArn`` "is required if ... the delivery stream and the
    resources to monitor are in different accounts", CreateFlowLogs API reference).
    """
    entry = destination_type(type_name, "log_destination_type")
    sent = {"log_destination_type": type_name}
    if entry["delivery_role"] == "permission":
        sent.update(log_group_name=log_group_name, deliver_logs_permission_arn=delivery_role_arn)
    else:
        sent["log_destination"] = destination_arn
    if entry["delivery_role"] == "cross-account" and cross_account_role:
        sent.update(deliver_logs_permission_arn=delivery_role_arn, deliver_cross_account_role=cross_account_role)
    if entry["destination_options"] and options is not None:
        sent["destination_options"] = options
    return sent
