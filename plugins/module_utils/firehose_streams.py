# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Amazon Data Firehose delivery streams to S3: the checks, the wanted destination and its differences.

Pure (no Ansible, no boto3), so the module and the unit tests share it. The limits are
AWS's (the Amazon Data Firehose API reference, the same as botocore's firehose model):
CreateDeliveryStream, ExtendedS3DestinationConfiguration, BufferingHints,
DeliveryStreamEncryptionConfigurationInput.

Why the LogDeliveryEnabled tag: flow logs (and the other vended logs) write to a stream
through the service-linked role AWSServiceRoleForLogDelivery, whose permissions only
cover streams tagged ``LogDeliveryEnabled=true`` ("Logs sent to Firehose", Amazon
CloudWatch Logs User Guide; "Publish flow logs to Amazon Data Firehose", Amazon VPC
User Guide). AWS adds the tag when a flow log is created; the module sets it itself so
that a stream it manages is ready before the first flow log, and never removes it.
"""

import hashlib
import re

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import CROSS_ACCOUNT_ROLE_PREFIX
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import ROLE_NAME_MAX
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import STREAM_NAME as NAME_RE
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import firehose_destination_role_permissions_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import firehose_destination_role_trust_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import firehose_source_role_permissions_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import firehose_source_role_trust_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import firehose_stream_arn
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import iam_role_arn
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import resource_type_arns
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import s3_bucket_arn
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import secure_transport_statement

ROLE_ARN_RE = re.compile(r"^arn:[a-z-]+:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+$")
BUCKET_ARN_RE = re.compile(r"^arn:[a-z-]+:s3:::[\w.\-]{1,255}$")
KMS_KEY_ARN_RE = re.compile(r"^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+$")
COMPRESSION_FORMATS = ("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY")
LOG_DELIVERY_TAG = {"LogDeliveryEnabled": "true"}


def stream_name_problems(name, field="name"):
    if not NAME_RE.match(name or ""):
        return ["{0}: must be 1 to 64 letters, digits, '.', '_' or '-' (got {1!r})".format(field, name)]
    return []


def stream_problems(params, fields=None):
    """Every problem with the module's parameters for state=present, each naming its field."""
    fields = fields or {}

    def field(key):
        return fields.get(key, key)

    problems = stream_name_problems(params["name"], field("name"))
    if not ROLE_ARN_RE.match(params.get("role_arn") or ""):
        problems.append("{0}: an S3 destination needs the ARN of the IAM role Firehose assumes "
                        "(arn:aws:iam::ACCOUNT:role/NAME), got {1!r}".format(field("role_arn"), params.get("role_arn")))
    if not BUCKET_ARN_RE.match(params.get("bucket_arn") or ""):
        problems.append("{0}: must be a bucket ARN (arn:aws:s3:::BUCKET), got {1!r}".format(
            field("bucket_arn"), params.get("bucket_arn")))
    for key in ("prefix", "error_output_prefix"):
        if len(params.get(key) or "") > 1024:
            problems.append("{0}: at most 1024 characters".format(field(key)))
    if not 1 <= params["buffering_size"] <= 128:
        problems.append("{0}: 1 to 128 MiB (got {1})".format(field("buffering_size"), params["buffering_size"]))
    if not 0 <= params["buffering_interval"] <= 900:
        problems.append("{0}: 0 to 900 seconds (got {1})".format(field("buffering_interval"), params["buffering_interval"]))
    key = params.get("encryption_key_arn")
    if key and not params["encryption"]:
        problems.append("{0}: needs {1}".format(field("encryption_key_arn"), field("encryption")))
    if key and not KMS_KEY_ARN_RE.match(key):
        problems.append("{0}: must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), got {1!r}".format(
            field("encryption_key_arn"), key))
    return problems


def desired_destination(params):
    """The ExtendedS3DestinationConfiguration (also the shape of its Update, less the bucket-only keys)."""
    destination = {
        "RoleARN": params["role_arn"],
        "BucketARN": params["bucket_arn"],
        "Prefix": params.get("prefix") or "",
        "ErrorOutputPrefix": params.get("error_output_prefix") or "",
        "BufferingHints": {"SizeInMBs": params["buffering_size"], "IntervalInSeconds": params["buffering_interval"]},
        "CompressionFormat": params["compression_format"],
    }
    return destination


def desired_encryption(params):
    """DeliveryStreamEncryptionConfigurationInput, or None for no server-side encryption."""
    if not params["encryption"]:
        return None
    if params.get("encryption_key_arn"):
        return {"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": params["encryption_key_arn"]}
    return {"KeyType": "AWS_OWNED_CMK"}


def current_destination(description):
    """(DestinationId, ExtendedS3DestinationDescription or S3DestinationDescription) of a described stream."""
    for destination in description.get("Destinations") or []:
        s3 = destination.get("ExtendedS3DestinationDescription") or destination.get("S3DestinationDescription")
        if s3:
            return destination["DestinationId"], s3
    return None, None


def destination_differences(description, desired):
    """What UpdateDestination must change, as "Key: old -> new" lines (empty when in place)."""
    _id, current = current_destination(description)
    if current is None:
        return ["destination: not S3 -> S3 (a stream's destination type cannot change; delete the stream)"]
    changes = []
    for key in ("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "CompressionFormat"):
        old = current.get(key) or ("UNCOMPRESSED" if key == "CompressionFormat" else "")
        if old != desired[key]:
            changes.append("{0}: {1} -> {2}".format(key, old or "(none)", desired[key] or "(none)"))
    old_hints = current.get("BufferingHints") or {}
    for key in ("SizeInMBs", "IntervalInSeconds"):
        if key in old_hints and old_hints[key] != desired["BufferingHints"][key]:
            changes.append("BufferingHints.{0}: {1} -> {2}".format(key, old_hints[key], desired["BufferingHints"][key]))
    return changes


def encryption_difference(description, desired):
    """'start', 'stop' or None: what the stream's server-side encryption needs."""
    current = description.get("DeliveryStreamEncryptionConfiguration") or {}
    enabled = current.get("Status") in ("ENABLED", "ENABLING")
    if desired is None:
        return "stop" if enabled else None
    if not enabled or current.get("KeyType") != desired["KeyType"] or current.get("KeyARN") != desired.get("KeyARN"):
        return "start"
    return None


def stream_summary(description, tags):
    """The RETURN value delivery_stream: what the module manages, in snake_case."""
    _id, s3 = current_destination(description)
    encryption = description.get("DeliveryStreamEncryptionConfiguration") or {}
    s3 = s3 or {}
    return {
        "name": description.get("DeliveryStreamName"),
        "arn": description.get("DeliveryStreamARN"),
        "status": description.get("DeliveryStreamStatus"),
        "bucket_arn": s3.get("BucketARN"),
        "role_arn": s3.get("RoleARN"),
        "prefix": s3.get("Prefix") or "",
        "compression_format": s3.get("CompressionFormat"),
        "encryption": {"status": encryption.get("Status", "DISABLED"), "key_type": encryption.get("KeyType"),
                       "key_arn": encryption.get("KeyARN")},
        "tags": dict(tags or {}),
    }


# ---- the IAM role Firehose assumes, and the bucket it writes to ------------------------------
# "Grant Firehose access to an Amazon S3 destination" (Amazon Data Firehose Developer Guide):
# the trust policy lets firehose.amazonaws.com assume the role only for this account
# (sts:ExternalId), and the permissions are the S3 actions of that page on the one bucket
# (objects only under the stream's prefixes), plus, for a bucket encrypted with a customer
# managed key, kms:GenerateDataKey and kms:Decrypt through S3 for objects of that bucket. No
# Kinesis, Lambda or CloudWatch Logs statements: the stream is DirectPut, without record
# transformation or error logging.
POLICY_VERSION = "2012-10-17"
S3_WRITER_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
                     "s3:ListBucketMultipartUploads", "s3:PutObject"]


def _service_suffix(partition):
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def firehose_role_trust_policy(account_id, partition="aws"):
    return {"Version": POLICY_VERSION, "Statement": [{
        "Sid": "FirehoseAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": "firehose.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": str(account_id)}},
    }]}


def firehose_role_permissions_policy(bucket, prefixes=("",), region="us-east-1", kms_key_arn="", partition="aws"):
    bucket_arn = s3_bucket_arn(bucket, partition)
    objects = sorted(set("{0}/{1}*".format(bucket_arn, p) for p in prefixes))
    if "{0}/*".format(bucket_arn) in objects:
        objects = ["{0}/*".format(bucket_arn)]
    statements = [{"Sid": "WriteDeliveredObjects", "Effect": "Allow", "Action": list(S3_WRITER_ACTIONS),
                   "Resource": [bucket_arn] + objects}]
    if kms_key_arn:
        statements.append({
            "Sid": "EncryptDeliveredObjects", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": kms_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": "s3.{0}.{1}".format(region, _service_suffix(partition))},
                          # The object ARN, or the bucket ARN when the bucket uses an S3 Bucket Key.
                          "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket_arn] + objects}},
        })
    return {"Version": POLICY_VERSION, "Statement": statements}


def firehose_role_name(stream_name):
    """The IAM role of a stream: 64 characters at most (IAM's RoleName limit)."""
    return ("flowlogs-firehose-" + stream_name)[:64]


def firehose_policies(stream_name, bucket, account_id, region, partition="aws", prefixes=("",), kms_key_arn=""):
    """Everything IAM and S3 need for one stream: its role's name, trust and permissions, and the bucket policy.

    The bucket policy only denies plain HTTP (as every bucket of the collection): the writer is
    the stream's role, in the bucket's account, allowed by its IAM policy; no service principal.
    """
    return {
        "role_name": firehose_role_name(stream_name),
        "trust_policy": firehose_role_trust_policy(account_id, partition),
        "permissions_policy": firehose_role_permissions_policy(bucket, prefixes, region, kms_key_arn, partition),
        "bucket_policy": {"Version": POLICY_VERSION, "Statement": [secure_transport_statement(bucket, partition)]},
    }


# ---- delivery from flow logs of another account ----------------------------------------------
# "IAM roles for cross account delivery" (Amazon VPC User Guide): a role in the source account (the
# flow logs'), which delivery.logs.amazonaws.com assumes (CreateFlowLogs DeliverLogsPermissionArn),
# and a role in the destination account (the stream's), named AWSLogDeliveryFirehoseCrossAccountRole...,
# which the source role assumes (DeliverCrossAccountRole). Their documents are in flow_log_policies.
# Both names are derived from the stream's name and region alone: the stream's account and every
# source account agree on them without reading each other, and two streams of one name in two
# regions of an account get two roles (IAM is global).
SOURCE_ROLE_PREFIX = "flowlogs-firehose-source"


def _role_name(prefix, region, stream_name):
    """PREFIX-REGION-STREAM; longer than IAM's 64 characters, cut and ended by 8 hex digits of a
    SHA-256 of the whole, so that two long names differing only at their end stay apart."""
    name = "{0}-{1}-{2}".format(prefix, region, stream_name)
    if len(name) <= ROLE_NAME_MAX:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return "{0}-{1}".format(name[:ROLE_NAME_MAX - len(digest) - 1].rstrip("-"), digest)


def cross_account_role_names(stream_name, region):
    """``{"source": ..., "destination": ...}``: the names of the two roles for flow logs of another
    account delivering to the stream ``stream_name`` of ``region``."""
    return {"source": _role_name(SOURCE_ROLE_PREFIX, region, stream_name),
            "destination": _role_name(CROSS_ACCOUNT_ROLE_PREFIX, region, stream_name)}


def firehose_destination_role(stream_name, account_id, region, partition="aws", source_account_ids=(),
                              organization_id=""):
    """The stream account's role (``DeliverCrossAccountRole``) for the stream ``stream_name``.

    ``wanted``: whether flow logs of other accounts deliver there - ``source_account_ids`` other than
    ``account_id``, or any account of ``organization_id``; without them the role should not exist
    (``trust_policy`` and ``permissions_policy`` are then None). ``role_name`` and ``role_arn`` are
    given either way (to remove the role).
    """
    names = cross_account_role_names(stream_name, region)
    sources = sorted(set(str(account) for account in source_account_ids or [] if str(account) != str(account_id)))
    wanted = bool(sources or organization_id)
    role = {
        "wanted": wanted,
        "role_name": names["destination"],
        "role_arn": iam_role_arn(names["destination"], account_id, partition),
        "source_role_name": names["source"],
        "source_account_ids": sources,
        "organization_id": organization_id or "",
        "trust_policy": None,
        "permissions_policy": None,
    }
    if wanted:
        role["trust_policy"] = firehose_destination_role_trust_policy(names["source"], sources, organization_id or None,
                                                                      partition)
        role["permissions_policy"] = firehose_destination_role_permissions_policy(
            firehose_stream_arn(stream_name, account_id, region, partition), account_id, partition)
    return role


def firehose_source_role(delivery, account_id, partition="aws"):
    """The source account's role (``DeliverLogsPermissionArn``) of ``account_id`` for a stream of another account.

    ``delivery`` (the plan's ``cross_account`` entry of the destination): ``stream_name``,
    ``stream_account_id`` and ``region`` of the stream, ``resource_types`` of the flow logs of this
    account that deliver there, and ``cross_account_role_arn``: the stream account's role when the
    inventory does not build it (empty: the role its owner target builds, by its derived name).

    Returns ``stream_arn`` (the flow logs' ``LogDestination``), ``cross_account_role_arn``
    (``DeliverCrossAccountRole``), ``role_name`` and ``role_arn`` (``DeliverLogsPermissionArn``),
    ``wanted`` (flow logs of this account deliver there) and the role's documents (None when not wanted).
    """
    names = cross_account_role_names(delivery["stream_name"], delivery["region"])
    role_arn = iam_role_arn(names["source"], account_id, partition)
    cross_account_role_arn = delivery.get("cross_account_role_arn") or iam_role_arn(
        names["destination"], delivery["stream_account_id"], partition)
    types = list(delivery.get("resource_types") or [])
    role = {
        "wanted": bool(types),
        "role_name": names["source"],
        "role_arn": role_arn,
        "stream_arn": firehose_stream_arn(delivery["stream_name"], delivery["stream_account_id"], delivery["region"],
                                          partition),
        "cross_account_role_arn": cross_account_role_arn,
        "trust_policy": None,
        "permissions_policy": None,
    }
    if types:
        role["trust_policy"] = firehose_source_role_trust_policy()
        role["permissions_policy"] = firehose_source_role_permissions_policy(
            role_arn, cross_account_role_arn, resource_type_arns(types, account_id, delivery["region"], partition))
    return role
