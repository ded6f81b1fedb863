# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM, S3 bucket and KMS key policy documents for VPC Flow Logs delivery.

Pure functions: standard library only, no AWS call, Python 3.8 or later. They return
policy documents as dicts (``json.dumps`` them for an API) and raise
:class:`FlowLogPolicyError` (a ``ValueError``) naming every bad input at once.

The documents follow what AWS documents for VPC Flow Logs, tightened where scanners
(Security Hub, CIS, checkov, trivy) and field experience ask for it:

* Delivery role (CloudWatch Logs), awsdocs amazon-vpc-user-guide ``flow-logs-cwl.md``:
  the trust policy carries the confused-deputy conditions ``aws:SourceAccount`` and
  ``aws:SourceArn`` (``vpc-flow-log/*`` because flow-log ids are not known before the
  role is needed); the permissions are scoped to the log groups (the group ARN **and**
  ``ARN:*``: without ``:*`` CreateLogStream is denied and the flow log sits in "Access
  error"), never ``Resource: "*"`` and never ``logs:CreateLogGroup`` (with it, the service
  silently re-creates a deleted group, without retention or KMS key).
* S3 bucket policy, ``flow-logs-s3.md#flow-logs-s3-permissions``: AWSLogDeliveryWrite and
  AWSLogDeliveryAclCheck for ``delivery.logs.amazonaws.com`` with ``aws:SourceAccount`` and
  ``aws:SourceArn`` conditions, plus the Security Hub S3.5 / CIS deny of plain HTTP. The
  policy is meant to be written by us *before* CreateFlowLogs: when the caller may
  Put/GetBucketPolicy, AWS otherwise attaches its own policy, which "overwrites any
  existing policy attached to the bucket". AWS's sample also requires
  ``s3:x-amz-acl = bucket-owner-full-control``; we keep that condition only where an ACL
  can matter (see :func:`s3_delivery_bucket_policy`).
* KMS key policy statements for an SSE-KMS bucket (``delivery.logs.amazonaws.com``, the V1
  vended-logs form that VPC flow logs use) and for a KMS-encrypted log group
  (``logs.REGION.amazonaws.com`` limited by the ``kms:EncryptionContext:aws:logs:arn``
  encryption context). In a key policy ``"Resource": "*"`` means "this key": it is the
  only form KMS accepts there, not a wildcard grant.
* The two roles of cross-account delivery to Amazon Data Firehose ("IAM roles for cross account
  delivery", Amazon VPC User Guide): the source account's role, which
  ``delivery.logs.amazonaws.com`` assumes (CreateFlowLogs ``DeliverLogsPermissionArn``), and the
  stream account's role (``DeliverCrossAccountRole``, its name starting with
  ``AWSLogDeliveryFirehoseCrossAccountRole``), which the source role assumes; tightened where AWS's
  example grants ``"*"`` (see :func:`firehose_source_role_permissions_policy` and
  :func:`firehose_destination_role_permissions_policy`).
"""

import re

from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import DESTINATION_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import S3_BUCKET_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import normalize_prefix as format_normalize_prefix
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import FIREHOSE_ARN
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import LOG_GROUP_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import RESOURCE_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import ROLE_ARN
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

POLICY_VERSION = "2012-10-17"

# IAM RoleName (IAM API Reference, CreateRole): 1 to 64 of these characters; Path / or /.../.
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
ROLE_NAME_MAX = 64
ROLE_PATH = re.compile(r"^(/|/[\x21-\x7e]+/)$")
# DeliveryStreamName (Amazon Data Firehose API Reference, CreateDeliveryStream).
STREAM_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")

DELIVERY_ROLE_PRINCIPAL = "vpc-flow-logs.amazonaws.com"
LOG_DELIVERY_PRINCIPAL = "delivery.logs.amazonaws.com"

# Cross-account delivery to Firehose ("IAM roles for cross account delivery", Amazon VPC User Guide).
# The stream account's role "with a name that starts with AWSLogDeliveryFirehoseCrossAccountRole".
CROSS_ACCOUNT_ROLE_PREFIX = "AWSLogDeliveryFirehoseCrossAccountRole"
# What the source account's role does with the log delivery service ("Resource": "*" in AWS's policy).
LOG_DELIVERY_ACTIONS = (
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:GetLogDelivery",
)
# The service-linked role of log delivery ("Logs sent to Firehose", Amazon CloudWatch Logs User
# Guide), which writes to streams tagged LogDeliveryEnabled=true: the stream account's role may
# create it, and nothing else ("Logs sent to Firehose" grants iam:CreateServiceLinkedRole on this
# ARN; iam:AWSServiceName is the condition key of that action, IAM User Guide "Service-linked
# role permissions").
LOG_DELIVERY_SERVICE_LINKED_ROLE = ("AWSServiceRoleForLogDelivery", "/aws-service-role/delivery.logs.amazonaws.com/")

# The actions AWS documents for the delivery role, minus logs:CreateLogGroup.
#
# logs:DescribeLogGroups: the Service Authorization Reference lists no resource type for
# it (since June 2023), so IAM can only grant it on "*"; scoped to log-group ARNs, as
# here, the statement grants it nowhere. We keep it scoped anyway, least privilege first:
# flow-log delivery writes with CreateLogStream, PutLogEvents and DescribeLogStreams on
# the group and does not need to list the account's groups (terraform-aws-vpc scopes the
# same four actions to the group since PR #1088 and delivery works), while "*" would
# reveal every log group name of the account and is flagged by checkov CKV_AWS_355 and
# trivy AVD-AWS-0057. The action stays in the list so the policy reads like AWS's.
DELIVERY_ROLE_ACTIONS = (
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
)

# KMS actions, verbatim from the CloudWatch Logs user guide.
S3_DELIVERY_KMS_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
)
LOG_GROUP_KMS_ACTIONS = (
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
)

ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
# An AWS Organizations id (Organizations API reference, "Organization": Id pattern ^o-[a-z0-9]{10,32}$).
ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
PARTITION = re.compile(r"^aws(-[a-z]+)*$")
LOG_GROUP_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+)*):logs:(?P<region>[a-z]{2}(?:-[a-z]+)+-[0-9]+):"
    r"(?P<account>[0-9]{12}):log-group:(?P<name>[.\-_/#A-Za-z0-9]{1,512})(?::\*)?$"
)
IPV4 = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")
# Prefix segments: S3 "safe" key characters only, so that no prefix can act as a policy
# wildcard ("*", "?") or break the ARN.
HIVE_CHOICES = (False, True, "both")
# S3 Object Ownership settings (PutBucketOwnershipControls). The first one is what the
# destination role applies and the default here.
OBJECT_OWNERSHIP_CHOICES = ("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter")
DELIVERY_ACL = "bucket-owner-full-control"
# KMS AliasName (botocore kms model: 1 to 256 of [a-zA-Z0-9:/_-], starting alias/, never alias/aws/).
KMS_ALIAS = re.compile(r"^alias/[a-zA-Z0-9:/_-]+$")
KMS_ALIAS_MAX = 256
KMS_ALIAS_PREFIX = "alias/flowlogs/"


class FlowLogPolicyError(ProblemsError):
    """Invalid input for a policy document; ``problems`` lists every problem found."""


# --------------------------------------------------------------------------- inputs


def _as_list(value, what):
    """A str gives [str]; any other iterable (not a dict) gives a list of its items."""
    if value is None:
        return []
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        return [value]  # a scalar; its own check names it
    if isinstance(value, (dict, bytes)):
        raise FlowLogPolicyError("{0} must be a string or a list of strings, got {1!r}".format(what, value))
    return list(value)


def _unique_sorted(values):
    return sorted(set(values))


def _check_partition(partition, problems):
    if not isinstance(partition, str) or not PARTITION.match(partition):
        problems.append("partition must look like aws, aws-cn or aws-us-gov, got {0!r}".format(partition))


def _account_ids(values, what, problems):
    accounts = []
    for value in _as_list(values, what):
        if isinstance(value, str) and ACCOUNT_ID.match(value):
            accounts.append(value)
        else:
            problems.append(
                "{0}: {1!r} is not an AWS account id (a string of 12 digits; quote it in YAML)".format(what, value)
            )
    if not accounts and not problems:
        problems.append("{0}: at least one account id is needed".format(what))
    return _unique_sorted(accounts)


def _regions(values, what, problems):
    regions = []
    for value in _as_list(values, what):
        if isinstance(value, str) and REGION.match(value):
            regions.append(value)
        else:
            problems.append("{0}: {1!r} is not an AWS region such as us-east-1".format(what, value))
    if not regions and not problems:
        problems.append("{0}: at least one region is needed".format(what))
    return _unique_sorted(regions)


def _organization_id(value, problems):
    """The organization id, or None; a bad one is a problem."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not ORGANIZATION_ID.match(value):
        problems.append("organization_id: {0!r} is not an AWS Organizations id (o- and 10 to 32 lowercase letters "
                        "or digits)".format(value))
        return None
    return value


def _one_or_many(values):
    """AWS's documents use a plain string for one value and a list for several."""
    values = list(values)
    return values[0] if len(values) == 1 else values


def _raise(problems):
    if problems:
        raise FlowLogPolicyError(problems)


def validate_bucket_name(bucket):
    """Problems with an S3 bucket name (general purpose bucket naming rules); [] when valid."""
    if not isinstance(bucket, str):
        return ["bucket name must be a string, got {0!r}".format(bucket)]
    problems = []
    if not S3_BUCKET_NAME.match(bucket):
        problems.append(
            "bucket name {0!r} must be 3 to 63 lowercase letters, digits, dots or hyphens, "
            "starting and ending with a letter or digit".format(bucket)
        )
    elif ".." in bucket or IPV4.match(bucket):
        problems.append("bucket name {0!r} may not contain '..' or look like an IP address".format(bucket))
    elif bucket.startswith(("xn--", "sthree-")) or bucket.endswith(("-s3alias", "--ol-s3")):
        problems.append("bucket name {0!r} uses a prefix or suffix S3 reserves".format(bucket))
    return problems


def normalize_prefix(prefix):
    """The S3 prefix without leading or trailing slashes ('' for none); raises on a bad prefix.

    flow_log_format.normalize_prefix holds the rule (AWS adds ``AWSLogs/`` itself, so a prefix
    may not start with it); this is its form for policy resources.
    """
    try:
        return format_normalize_prefix(prefix).rstrip("/")
    except FlowLogFormatError as error:
        raise FlowLogPolicyError(error.problems)


# --------------------------------------------------------------------------- ARNs


def log_group_arn(name, account_id, region, partition="aws"):
    """``arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME`` for a log group name."""
    problems = []
    if not isinstance(name, str) or not LOG_GROUP_NAME.match(name):
        problems.append(
            "log group name {0!r} must be 1 to 512 letters, digits or . - _ / #".format(name)
        )
    accounts = _account_ids(account_id, "account_id", problems)
    regions = _regions(region, "region", problems)
    _check_partition(partition, problems)
    if len(accounts) > 1 or len(regions) > 1:
        problems.append("log_group_arn takes one account id and one region")
    _raise(problems)
    return "arn:{0}:logs:{1}:{2}:log-group:{3}".format(partition, regions[0], accounts[0], name)


def parse_log_group_arn(arn):
    """Split a log-group ARN (with or without the ``:*`` suffix) into its parts.

    Returns a dict with ``arn`` (normalised, without ``:*``), ``partition``, ``region``,
    ``account_id`` and ``name``.
    """
    match = LOG_GROUP_ARN.match(arn) if isinstance(arn, str) else None
    if not match:
        raise FlowLogPolicyError(
            "{0!r} is not a log group ARN (arn:aws:logs:REGION:ACCOUNT:log-group:NAME)".format(arn)
        )
    return {
        "arn": "arn:{partition}:logs:{region}:{account}:log-group:{name}".format(**match.groupdict()),
        "partition": match.group("partition"),
        "region": match.group("region"),
        "account_id": match.group("account"),
        "name": match.group("name"),
    }


def s3_bucket_arn(bucket, partition="aws"):
    """``arn:PARTITION:s3:::BUCKET``."""
    problems = validate_bucket_name(bucket)
    _check_partition(partition, problems)
    _raise(problems)
    return "arn:{0}:s3:::{1}".format(partition, bucket)


def s3_destination_arn(bucket, prefix="", partition="aws"):
    """The ``LogDestination`` CreateFlowLogs takes: ``arn:aws:s3:::BUCKET`` or ``…:::BUCKET/PREFIX/``."""
    bucket_arn = s3_bucket_arn(bucket, partition)
    prefix = normalize_prefix(prefix)
    return bucket_arn + ("/" + prefix + "/" if prefix else "")


def iam_role_arn(name, account_id, partition="aws", path="/"):
    """``arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`` (the path ``/`` adds nothing)."""
    problems = []
    if not isinstance(name, str) or not ROLE_NAME.match(name):
        problems.append("role name {0!r} must be 1 to 64 letters, digits or +=,.@_-".format(name))
    if not isinstance(path, str) or not ROLE_PATH.match(path):
        problems.append("role path {0!r} must be / or /segments/".format(path))
    accounts = _account_ids(account_id, "account_id", problems)
    _check_partition(partition, problems)
    if len(accounts) > 1:
        problems.append("iam_role_arn takes one account id")
    _raise(problems)
    return "arn:{0}:iam::{1}:role{2}{3}".format(partition, accounts[0], path, name)


def iam_account_root_arn(account_id, partition="aws"):
    """``arn:PARTITION:iam::ACCOUNT:root``: the account as a principal."""
    problems = []
    accounts = _account_ids(account_id, "account_id", problems)
    _check_partition(partition, problems)
    if len(accounts) > 1:
        problems.append("iam_account_root_arn takes one account id")
    _raise(problems)
    return "arn:{0}:iam::{1}:root".format(partition, accounts[0])


def firehose_stream_arn(name, account_id, region, partition="aws"):
    """``arn:PARTITION:firehose:REGION:ACCOUNT:deliverystream/NAME``, the ``LogDestination`` of a flow log to it."""
    problems = []
    if not isinstance(name, str) or not STREAM_NAME.match(name):
        problems.append("delivery stream name {0!r} must be 1 to 64 letters, digits, '.', '_' or '-'".format(name))
    accounts = _account_ids(account_id, "account_id", problems)
    regions = _regions(region, "region", problems)
    _check_partition(partition, problems)
    if len(accounts) > 1 or len(regions) > 1:
        problems.append("firehose_stream_arn takes one account id and one region")
    _raise(problems)
    return "arn:{0}:firehose:{1}:{2}:deliverystream/{3}".format(partition, regions[0], accounts[0], name)


def resource_type_arns(resource_types, account_id, region, partition="aws"):
    """Every resource of each flow-log resource type in one account and region, as ARN patterns
    (``arn:aws:ec2:us-east-1:111122223333:vpc/*``), in the types' order of ``RESOURCE_TYPES``."""
    problems = []
    types = _as_list(resource_types, "resource_types")
    unknown = [kind for kind in types if kind not in RESOURCE_TYPES]
    if unknown:
        problems.append("resource_types: {0} are not flow-log resource types ({1})".format(
            ", ".join(str(kind) for kind in unknown), ", ".join(RESOURCE_TYPES)))
    if not types and not problems:
        problems.append("resource_types: at least one resource type is needed")
    accounts = _account_ids(account_id, "account_id", problems)
    regions = _regions(region, "region", problems)
    _check_partition(partition, problems)
    _raise(problems)
    arns = []
    for kind, resource in RESOURCE_TYPES.items():
        if kind in types:
            service, name = resource.arn
            # Network Manager is global: its ARNs have no region.
            where = "" if service == "networkmanager" else regions[0]
            arns.append("arn:{0}:{1}:{2}:{3}:{4}/*".format(partition, service, where, accounts[0], name))
    return arns


# --------------------------------------------------------------------------- delivery role


def delivery_role_trust_policy(account_id, region, partition="aws"):
    """Trust policy of the role VPC Flow Logs assumes to deliver to CloudWatch Logs.

    ``region`` may be a list: a role (global) used by flow logs in several regions.
    """
    problems = []
    accounts = _account_ids(account_id, "account_id", problems)
    regions = _regions(region, "region", problems)
    _check_partition(partition, problems)
    if len(accounts) > 1:
        problems.append("account_id: the delivery role trusts flow logs of its own account only, give one")
    _raise(problems)
    source_arns = ["arn:{0}:ec2:{1}:{2}:vpc-flow-log/*".format(partition, r, accounts[0]) for r in regions]
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AllowVpcFlowLogsToAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": DELIVERY_ROLE_PRINCIPAL},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": accounts[0]},
                    "ArnLike": {"aws:SourceArn": _one_or_many(source_arns)},
                },
            }
        ],
    }


def delivery_role_permissions_policy(log_group_arns):
    """Permissions of the delivery role, scoped to the given log groups.

    Each ARN (a trailing ``:*`` is accepted and normalised) gives two resources: the group
    ARN and ``ARN:*`` (its log streams).
    """
    problems = []
    groups = []
    for value in _as_list(log_group_arns, "log_group_arns"):
        try:
            groups.append(parse_log_group_arn(value)["arn"])
        except FlowLogPolicyError as error:
            problems.extend(error.problems)
    if not groups and not problems:
        problems.append("log_group_arns: at least one log group ARN is needed (the role is scoped to its groups)")
    _raise(problems)
    resources = []
    for arn in _unique_sorted(groups):
        resources.extend([arn, arn + ":*"])
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "DeliverVpcFlowLogsToLogGroups",
                "Effect": "Allow",
                "Action": list(DELIVERY_ROLE_ACTIONS),
                "Resource": resources,
            }
        ],
    }


def delivery_role_documents(account_id, partition, region, log_group_names=(), log_group_arns=(), regions=()):
    """Everything the delivery_role role derives, once: the regions the trust policy names, the
    log group ARNs the role may write to, the given ARNs of another account or partition
    (``foreign_arns``: the role refuses them), and the two policies.

    Names give one ARN in each of ``regions`` (else ``region``); given ARNs add their own region
    to the trust policy. The policies are built only when there is no foreign ARN.
    """
    base_regions = list(regions or []) or [region]
    given = [parse_log_group_arn(arn) for arn in log_group_arns or []]
    foreign = [arn for arn, parts in zip(log_group_arns or [], given)
               if parts["account_id"] != account_id or parts["partition"] != partition]
    arns = _unique_sorted([parts["arn"] for parts in given]
                          + [log_group_arn(name, account_id, r, partition)
                             for r in base_regions for name in log_group_names or []])
    trust_regions = _unique_sorted(base_regions + [parts["region"] for parts in given])
    documents = {"regions": trust_regions, "log_group_arns": arns, "foreign_arns": foreign}
    if not foreign:
        documents["trust_policy"] = delivery_role_trust_policy(account_id, trust_regions, partition)
        documents["permissions_policy"] = delivery_role_permissions_policy(arns)
    return documents


# --------------------------------------------------------------------------- Firehose across accounts


def firehose_source_role_trust_policy():
    """Trust policy of the source account's role: the log delivery service assumes it, as AWS documents.

    No confused-deputy condition: AWS documents none for this role, and the role is only usable
    where it is passed (``iam:PassRole``, in this account, by whoever creates the flow log).
    """
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AllowLogDeliveryToAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def _role_arn_parts(arn, what, problems):
    """(partition, account, name) of an IAM role ARN, or None (a problem added)."""
    match = ROLE_ARN.match(arn) if isinstance(arn, str) else None
    if not match:
        problems.append("{0}: {1!r} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)".format(what, arn))
        return None
    return match.group("partition"), match.group("account"), match.group("name")


def firehose_source_role_permissions_policy(source_role_arn, destination_role_arn, resource_arns):
    """Permissions of the source account's role (the statements of "IAM roles for cross account delivery").

    * ``iam:PassRole`` of the role itself, only to ``delivery.logs.amazonaws.com`` and only for the
      monitored resources (``iam:AssociatedResourceARN``): AWS's example names one VPC; here
      ``resource_arns`` (:func:`resource_type_arns`) names every resource of the flow logs' types in
      the source account and region, so that a new VPC chosen by a filter needs no policy change.
    * ``logs:CreateLogDelivery``, ``DeleteLogDelivery``, ``ListLogDeliveries``, ``GetLogDelivery`` on
      ``"*"``, as AWS's policy grants them.
    * ``sts:AssumeRole`` of the stream account's role only.
    """
    problems = []
    source = _role_arn_parts(source_role_arn, "source_role_arn", problems)
    destination = _role_arn_parts(destination_role_arn, "destination_role_arn", problems)
    if destination and not destination[2].startswith(CROSS_ACCOUNT_ROLE_PREFIX):
        problems.append("destination_role_arn: the stream account's role must have a name that starts with {0} "
                        "(got {1})".format(CROSS_ACCOUNT_ROLE_PREFIX, destination[2]))
    if source and destination and source[1] == destination[1]:
        problems.append("destination_role_arn: is in the source account {0}; cross-account delivery assumes a role of "
                        "the stream's account".format(source[1]))
    resources = [arn for arn in _as_list(resource_arns, "resource_arns") if isinstance(arn, str) and arn]
    if not resources:
        problems.append("resource_arns: at least one resource ARN (pattern) is needed")
    _raise(problems)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "PassThisRoleToLogDelivery",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": source_role_arn,
                "Condition": {
                    "StringEquals": {"iam:PassedToService": LOG_DELIVERY_PRINCIPAL},
                    "StringLike": {"iam:AssociatedResourceARN": resources},
                },
            },
            {
                "Sid": "ManageLogDeliveries",
                "Effect": "Allow",
                "Action": list(LOG_DELIVERY_ACTIONS),
                "Resource": "*",
            },
            {
                "Sid": "AssumeTheStreamAccountRole",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": destination_role_arn,
            },
        ],
    }


def firehose_destination_role_trust_policy(source_role_name, account_ids=(), organization_id=None, partition="aws"):
    """Trust policy of the stream account's role: only the source role ``source_role_name`` of the
    source accounts ``account_ids`` (or of any account of ``organization_id``) may assume it.

    AWS's example names the source role as the principal. A role named as a principal must exist when
    the trust policy is written (IAM refuses it otherwise: ``MalformedPolicyDocument: Invalid
    principal in policy``), and a role deleted and created again is no longer the one trusted ("IAM
    JSON policy elements: Principal", IAM User Guide). The stream's account is built before the
    source accounts, so the principal is each source account (its root ARN) and the global condition
    key ``aws:PrincipalArn`` allows only the role of that name in them: the same principals, in any
    order of creation. Every source role has the same name, so one ``ArnLike`` pattern covers them.
    With ``organization_id``: any account of the organization (``aws:PrincipalOrgID``), the same role
    name - a trust policy that does not grow with the accounts.
    """
    problems = []
    if not isinstance(source_role_name, str) or not ROLE_NAME.match(source_role_name):
        problems.append("source_role_name {0!r} must be 1 to 64 letters, digits or +=,.@_-".format(source_role_name))
    organization = _organization_id(organization_id, problems)
    accounts = _account_ids(account_ids, "account_ids", problems) if not organization else []
    _check_partition(partition, problems)
    _raise(problems)
    condition = {"ArnLike": {"aws:PrincipalArn": "arn:{0}:iam::*:role/{1}".format(partition, source_role_name)}}
    if organization:
        principal = {"AWS": "*"}
        condition["StringEquals"] = {"aws:PrincipalOrgID": organization}
    else:
        principal = {"AWS": _one_or_many(iam_account_root_arn(account, partition) for account in accounts)}
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AllowSourceAccountRolesToAssumeRole",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "sts:AssumeRole",
                "Condition": condition,
            }
        ],
    }


def firehose_destination_role_permissions_policy(stream_arn, account_id, partition="aws"):
    """Permissions of the stream account's role: AWS's ``iam:CreateServiceLinkedRole`` and
    ``firehose:TagDeliveryStream`` ("IAM roles for cross account delivery"), each on the one resource
    it needs instead of ``"*"``: the log delivery service-linked role (and only for
    ``delivery.logs.amazonaws.com``), and the one stream (which it tags ``LogDeliveryEnabled=true``).
    """
    problems = []
    accounts = _account_ids(account_id, "account_id", problems)
    _check_partition(partition, problems)
    match = FIREHOSE_ARN.match(stream_arn) if isinstance(stream_arn, str) else None
    if not match or match.group("account") not in accounts or not stream_arn.startswith("arn:{0}:".format(partition)):
        problems.append("stream_arn: {0!r} is not the ARN of a delivery stream of account {1} in partition {2}".format(
            stream_arn, ", ".join(accounts), partition))
    _raise(problems)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "CreateTheLogDeliveryServiceLinkedRole",
                "Effect": "Allow",
                "Action": "iam:CreateServiceLinkedRole",
                "Resource": iam_role_arn(LOG_DELIVERY_SERVICE_LINKED_ROLE[0], accounts[0], partition,
                                         LOG_DELIVERY_SERVICE_LINKED_ROLE[1]),
                "Condition": {"StringEquals": {"iam:AWSServiceName": LOG_DELIVERY_PRINCIPAL}},
            },
            {
                "Sid": "TagTheStreamForLogDelivery",
                "Effect": "Allow",
                "Action": "firehose:TagDeliveryStream",
                "Resource": stream_arn,
            },
        ],
    }


# --------------------------------------------------------------------------- S3 bucket policy


def _hive_layouts(hive_compatible):
    if hive_compatible not in HIVE_CHOICES or hive_compatible is None:
        raise FlowLogPolicyError(
            "hive_compatible must be false, true or 'both', got {0!r}".format(hive_compatible)
        )
    if hive_compatible == "both":
        return (False, True)
    return (bool(hive_compatible),)


def s3_delivery_bucket_policy(
    bucket, account_ids, regions, prefix="", hive_compatible=False, partition="aws", object_ownership=OBJECT_OWNERSHIP_CHOICES[0],
    organization_id=None,
):
    """Bucket policy that lets VPC Flow Logs of ``account_ids`` in ``regions`` write to the bucket.

    ``hive_compatible``: ``False`` for ``AWSLogs/ACCOUNT/…`` keys, ``True`` for the Hive
    layout ``AWSLogs/aws-account-id=ACCOUNT/…`` and ``"both"`` when flow logs of both kinds
    share the bucket. With one account the statements are AWS's own (Sids
    AWSLogDeliveryWrite and AWSLogDeliveryAclCheck); with several (a central bucket) each
    account gets its own write statement (Sid ``AWSLogDeliveryWrite<ACCOUNT>``) so that one
    account's deliveries cannot write under another account's key prefix.

    ``object_ownership`` is the bucket's S3 Object Ownership setting. With
    ``BucketOwnerEnforced`` (ACLs disabled, what the destination role applies) the write
    statement has no ``s3:x-amz-acl`` condition: S3 then makes the bucket owner the owner
    of every object whatever the request says, and accepts a PUT only without an ACL or
    with ``bucket-owner-full-control`` ("Controlling ownership of objects and disabling
    ACLs for your bucket", Amazon S3 User Guide), so the condition protects nothing and
    denies every delivery that sends no ACL header (reported for ACL-disabled buckets in
    cloudposse/terraform-aws-vpc-flow-logs-s3-bucket#101). With ``BucketOwnerPreferred``
    or ``ObjectWriter`` the ACL decides who owns the object, and the condition AWS
    documents ("Amazon S3 bucket permissions for flow logs") is kept.

    ``organization_id`` (a central log-archive bucket for a whole organization): instead of
    one statement per account, deliveries of any account of the organization are admitted
    with the global condition key ``aws:SourceOrgID`` ("AWS global condition context keys",
    IAM User Guide; the form AWS Control Tower's log-archive bucket policy uses), still
    limited to ``regions`` by ``aws:SourceArn`` (``arn:aws:logs:REGION:*:*``). Objects are
    then allowed under ``AWSLogs/*`` (and ``AWSLogs/aws-account-id=*``): an account of the
    organization could write under another account's prefix, which the per-account form
    prevents. ``account_ids`` may then be empty.
    """
    problems = validate_bucket_name(bucket)
    organization = _organization_id(organization_id, problems)
    if object_ownership not in OBJECT_OWNERSHIP_CHOICES:
        problems.append(
            "object_ownership must be one of {0}, got {1!r}".format(", ".join(OBJECT_OWNERSHIP_CHOICES), object_ownership)
        )
    accounts = _account_ids(account_ids, "account_ids", problems) if not organization else []
    region_list = _regions(regions, "regions", problems)
    _check_partition(partition, problems)
    try:
        prefix = normalize_prefix(prefix)
    except FlowLogPolicyError as error:
        problems.extend(error.problems)
    try:
        layouts = _hive_layouts(hive_compatible)
    except FlowLogPolicyError as error:
        problems.extend(error.problems)
    _raise(problems)

    bucket_arn = "arn:{0}:s3:::{1}".format(partition, bucket)
    key_prefix = bucket_arn + "/" + (prefix + "/" if prefix else "") + "AWSLogs/"

    def source_arns(account):
        return ["arn:{0}:logs:{1}:{2}:*".format(partition, region, account) for region in region_list]

    acl_condition = {} if object_ownership == "BucketOwnerEnforced" else {"s3:x-amz-acl": DELIVERY_ACL}
    if organization:
        return _organization_bucket_policy(bucket, bucket_arn, key_prefix, organization, region_list, layouts,
                                           acl_condition, partition)
    statements = []
    for account in accounts:
        string_equals = {"aws:SourceAccount": account}
        string_equals.update(acl_condition)
        resources = [
            key_prefix + ("aws-account-id={0}/*" if hive else "{0}/*").format(account) for hive in layouts
        ]
        statements.append(
            {
                "Sid": "AWSLogDeliveryWrite" + (account if len(accounts) > 1 else ""),
                "Effect": "Allow",
                "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
                "Action": "s3:PutObject",
                "Resource": _one_or_many(resources),
                "Condition": {
                    "StringEquals": string_equals,
                    "ArnLike": {"aws:SourceArn": _one_or_many(source_arns(account))},
                },
            }
        )
    statements.append(
        {
            "Sid": "AWSLogDeliveryAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": bucket_arn,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": _one_or_many(accounts)},
                "ArnLike": {"aws:SourceArn": _one_or_many([a for acct in accounts for a in source_arns(acct)])},
            },
        }
    )
    statements.append(secure_transport_statement(bucket, partition))
    return {"Version": POLICY_VERSION, "Statement": statements}


def _organization_bucket_policy(bucket, bucket_arn, key_prefix, organization, regions, layouts, acl_condition,
                                partition):
    source_arns = _one_or_many("arn:{0}:logs:{1}:*:*".format(partition, region) for region in regions)
    string_equals = {"aws:SourceOrgID": organization}
    string_equals.update(acl_condition)
    resources = [key_prefix + ("aws-account-id=*" if hive else "*") for hive in layouts]
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AWSLogDeliveryWriteOrganization",
                "Effect": "Allow",
                "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
                "Action": "s3:PutObject",
                "Resource": _one_or_many(resources),
                "Condition": {"StringEquals": string_equals, "ArnLike": {"aws:SourceArn": source_arns}},
            },
            {
                "Sid": "AWSLogDeliveryAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": LOG_DELIVERY_PRINCIPAL},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": bucket_arn,
                "Condition": {
                    "StringEquals": {"aws:SourceOrgID": organization},
                    "ArnLike": {"aws:SourceArn": source_arns},
                },
            },
            secure_transport_statement(bucket, partition),
        ],
    }


def secure_transport_statement(bucket, partition="aws"):
    """Deny every request over plain HTTP (Security Hub S3.5, CIS 2.1.1/2.1.2/3.1.1)."""
    bucket_arn = s3_bucket_arn(bucket, partition)
    return {
        "Sid": "AllowSSLRequestsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, bucket_arn + "/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


# --------------------------------------------------------------------------- KMS


def _logs_service_principal(region, partition):
    # The regional CloudWatch Logs principal; China regions use the amazonaws.com.cn suffix.
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return "logs.{0}.{1}".format(region, suffix)


def kms_key_policy_statements(account_ids, regions=None, log_group_arns=None, s3_delivery=None, partition="aws",
                              organization_id=None):
    """Key policy statements for keys that encrypt flow logs.

    * ``s3_delivery`` (default: true when ``regions`` is given): the statement AWS documents
      for an SSE-KMS bucket that receives vended logs - ``delivery.logs.amazonaws.com`` may
      use the key for deliveries of ``account_ids`` in ``regions``.
    * ``log_group_arns``: one statement per region of the given groups letting
      ``logs.REGION.amazonaws.com`` use the key, only for those log groups (encryption
      context ``kms:EncryptionContext:aws:logs:arn``). The key must be in that region.

    Add the statements to a key policy that also keeps the account's administrators (see
    :func:`kms_key_policy`). ``"Resource": "*"`` in a key policy means this key.

    ``organization_id``: the S3 delivery statement admits deliveries of any account of the
    organization (``aws:SourceOrgID``) in ``regions``, as the bucket policy does.
    """
    problems = []
    organization = _organization_id(organization_id, problems)
    if organization and not account_ids:
        accounts = []
    else:
        accounts = _account_ids(account_ids, "account_ids", problems)
    _check_partition(partition, problems)
    if s3_delivery is None:
        s3_delivery = regions is not None and bool(_as_list(regions, "regions"))
    region_list = _regions(regions, "regions", problems) if s3_delivery else []
    groups = []
    for value in _as_list(log_group_arns, "log_group_arns"):
        try:
            groups.append(parse_log_group_arn(value))
        except FlowLogPolicyError as error:
            problems.extend(error.problems)
    if not s3_delivery and not groups and not problems:
        problems.append("kms_key_policy_statements needs s3_delivery with regions, or log_group_arns")
    for group in groups:
        if group["partition"] != partition:
            problems.append("log group {0} is not in partition {1}".format(group["arn"], partition))
    _raise(problems)

    statements = []
    if s3_delivery:
        if organization:
            # Any account of the organization, in the inventory's regions.
            condition = {
                "StringEquals": {"aws:SourceOrgID": organization},
                "ArnLike": {"aws:SourceArn": ["arn:{0}:logs:{1}:*:*".format(partition, region)
                                              for region in region_list]},
            }
        else:
            condition = {
                "StringEquals": {"aws:SourceAccount": accounts},
                "ArnLike": {
                    "aws:SourceArn": [
                        "arn:{0}:logs:{1}:{2}:*".format(partition, region, account)
                        for account in accounts
                        for region in region_list
                    ]
                },
            }
        statements.append(
            {
                "Sid": "Allow Logs Delivery to use the key",
                "Effect": "Allow",
                "Principal": {"Service": [LOG_DELIVERY_PRINCIPAL]},
                "Action": list(S3_DELIVERY_KMS_ACTIONS),
                "Resource": "*",
                "Condition": condition,
            }
        )
    group_regions = _unique_sorted(group["region"] for group in groups)
    single_region = len(group_regions) == 1
    for region in group_regions:
        arns = _unique_sorted(group["arn"] for group in groups if group["region"] == region)
        statements.append(
            {
                # Sids may only hold letters and digits: us-east-1 becomes useast1.
                "Sid": "AllowCloudWatchLogsToUseTheKey" + ("" if single_region else region.replace("-", "")),
                "Effect": "Allow",
                "Principal": {"Service": _logs_service_principal(region, partition)},
                "Action": list(LOG_GROUP_KMS_ACTIONS),
                "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": _one_or_many(arns)}},
            }
        )
    return statements


def kms_key_policy(account_id, statements=(), partition="aws"):
    """A complete key policy: the account root keeps full control (the KMS default), plus ``statements``."""
    problems = []
    accounts = _account_ids(account_id, "account_id", problems)
    _check_partition(partition, problems)
    if len(accounts) > 1:
        problems.append("account_id: a key policy belongs to one account, give one")
    _raise(problems)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:{0}:iam::{1}:root".format(partition, accounts[0])},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        + list(statements),
    }


def kms_alias_problems(alias, field="alias"):
    """Problems with a KMS alias name (``alias/NAME``, KMS AliasName rules); [] when valid."""
    if not isinstance(alias, str) or not KMS_ALIAS.match(alias) or len(alias) > KMS_ALIAS_MAX:
        return [
            "{0}: must be alias/ followed by letters, digits and :/_- ({1} characters at most), got {2!r}".format(
                field, KMS_ALIAS_MAX, alias
            )
        ]
    if alias.startswith("alias/aws/"):
        return ["{0}: alias/aws/ is reserved for AWS managed keys, got {1!r}".format(field, alias)]
    return []


def destination_kms_key_alias(name):
    """The alias of the key the destination role creates for a bucket or log group ``name``.

    ``alias/flowlogs/`` plus the name, with the characters KMS aliases do not allow (``.``
    and ``#``, which bucket and log group names may hold) replaced by ``-`` and the leading
    slashes of a log group name dropped. Bucket names are unique; a log group name and a
    bucket name can only meet when both are valid as the other, which the role's two
    destination kinds never share.
    """
    if not isinstance(name, str) or not name.strip("/"):
        raise FlowLogPolicyError("name must be a bucket or log group name, got {0!r}".format(name))
    alias = KMS_ALIAS_PREFIX + re.sub(r"[^a-zA-Z0-9:/_-]", "-", name.strip("/"))
    alias = re.sub(r"/{2,}", "/", alias)[:KMS_ALIAS_MAX].rstrip("/")
    _raise(kms_alias_problems(alias, "alias"))
    return alias


def destination_kms_key_policy(
    account_id, region, destination_type, source_account_ids=None, source_regions=None, log_group_name=None,
    partition="aws", source_organization_id=None,
):
    """The key policy of a key the destination role creates for one destination.

    The account keeps full control (the KMS default key policy, so IAM policies work), and:

    * ``destination_type: s3``: ``delivery.logs.amazonaws.com`` may use the key for flow-log
      deliveries of ``source_account_ids`` (default: the account) in ``source_regions``
      (default: ``region``) - "Required key policy for use with SSE-KMS", Amazon VPC User
      Guide, and "Amazon S3 bucket server-side encryption", CloudWatch Logs User Guide. With
      ``source_organization_id``, deliveries of any account of that organization instead.
    * ``destination_type: cloud-watch-logs``: ``logs.REGION.amazonaws.com`` may use the key
      only for the log group ``log_group_name`` (``kms:EncryptionContext:aws:logs:arn``) -
      "Encrypt log data in CloudWatch Logs using AWS Key Management Service".
    * ``destination_type: kinesis-data-firehose``: nothing more; the stream's IAM role uses the
      key through S3 under its own policy, which the account's statement makes effective.

    Which of these applies is the type's ``kms_grant`` in ``destination_types.py``.
    """
    problems = []
    statements = []
    grant = DESTINATION_TYPES.get(destination_type, {}).get("kms_grant")
    if grant == "s3-delivery":
        sources = source_account_ids or [account_id]
        regions = source_regions or [region]
        try:
            statements = kms_key_policy_statements(sources, regions, s3_delivery=True, partition=partition,
                                                   organization_id=source_organization_id)
        except FlowLogPolicyError as error:
            problems.extend(error.problems)
    elif grant == "log-group":
        try:
            group = log_group_arn(log_group_name, account_id, region, partition)
            statements = kms_key_policy_statements(
                account_id, log_group_arns=[group], s3_delivery=False, partition=partition
            )
        except FlowLogPolicyError as error:
            problems.extend(error.problems)
    elif grant is None:
        problems.append("destination_type must be one of {0}, got {1!r}".format(
            ", ".join(sorted(DESTINATION_TYPES)), destination_type))
    _raise(problems)
    return kms_key_policy(account_id, statements, partition)
