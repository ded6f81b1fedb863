# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters returning the policy documents VPC Flow Logs delivery needs.

Each filter is documented in the sidecar ``plugins/filter/<filter_name>.yml``.
The documents are built by ``plugins/module_utils/flow_log_policies.py``; here,
its errors become AnsibleFilterError with its message, and boolean-like strings
from templates are accepted where a boolean is expected.
"""

import functools

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_policies as _policies


def _filter_errors(func):
    """Turn FlowLogPolicyError into AnsibleFilterError with the same message."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except _policies.FlowLogPolicyError as error:
            raise AnsibleFilterError("{0}: {1}".format(func.__name__, error)) from error

    return wrapper


def _bool(value, name, allowed=()):
    if value in allowed and not isinstance(value, bool):
        return value
    try:
        return boolean(value, strict=True)
    except TypeError as error:
        choices = "a boolean" + "".join(" or {0!r}".format(a) for a in allowed)
        raise AnsibleFilterError("{0} must be {1}, got {2!r}".format(name, choices, value)) from error


@_filter_errors
def delivery_role_trust_policy(account_id, region, partition="aws"):
    """Trust policy of the CloudWatch Logs delivery role (input: the account id)."""
    return _policies.delivery_role_trust_policy(account_id, region, partition)


@_filter_errors
def delivery_role_permissions_policy(log_group_arns):
    """Permissions policy of the delivery role, scoped to log group ARNs (input)."""
    return _policies.delivery_role_permissions_policy(log_group_arns)


@_filter_errors
def delivery_role_documents(account_id, partition, region, log_group_names=None, log_group_arns=None, regions=None):
    """The delivery role's regions, log group ARNs, foreign ARNs and policies (input: the account id)."""
    return _policies.delivery_role_documents(account_id, partition, region, log_group_names or [], log_group_arns or [],
                                             regions or [])


@_filter_errors
def s3_delivery_bucket_policy(
    bucket, account_ids, regions, prefix="", hive_compatible=False, partition="aws", object_ownership="BucketOwnerEnforced",
    organization_id=None,
):
    """Bucket policy for VPC flow-log delivery to S3 (input: the bucket name)."""
    hive = _bool(hive_compatible, "hive_compatible", allowed=("both",))
    return _policies.s3_delivery_bucket_policy(
        bucket, account_ids, regions, prefix or "", hive, partition, object_ownership, organization_id or None
    )


@_filter_errors
def kms_key_policy_statements(account_ids, regions=None, log_group_arns=None, s3_delivery=None, partition="aws"):
    """KMS key policy statements for an SSE-KMS flow-log bucket and/or encrypted log groups."""
    if s3_delivery is not None:
        s3_delivery = _bool(s3_delivery, "s3_delivery")
    return _policies.kms_key_policy_statements(account_ids, regions or None, log_group_arns, s3_delivery, partition)


@_filter_errors
def kms_key_policy(account_id, statements=None, partition="aws"):
    """A complete key policy: the account keeps control, plus the given statements."""
    return _policies.kms_key_policy(account_id, list(statements or []), partition)


@_filter_errors
def destination_kms_key_policy(
    account_id, region, destination_type, source_account_ids=None, source_regions=None, log_group_name=None,
    partition="aws", source_organization_id=None,
):
    """Key policy of the key the destination role creates for a bucket or a log group."""
    return _policies.destination_kms_key_policy(
        account_id, region, destination_type, source_account_ids or None, source_regions or None, log_group_name,
        partition, source_organization_id or None,
    )


@_filter_errors
def destination_kms_key_alias(name):
    """Alias of the key the destination role creates for a bucket or log group name (input)."""
    return _policies.destination_kms_key_alias(name)


@_filter_errors
def log_group_arn(name, account_id, region, partition="aws"):
    """ARN of a log group from its name (input), account and region."""
    return _policies.log_group_arn(name, account_id, region, partition)


@_filter_errors
def s3_destination_arn(bucket, prefix="", partition="aws"):
    """The S3 LogDestination of a flow log: arn:aws:s3:::BUCKET[/PREFIX/]."""
    return _policies.s3_destination_arn(bucket, prefix or "", partition)


@_filter_errors
def iam_role_arn(name, account_id, partition="aws", path="/"):
    """ARN of an IAM role from its name (input), account, partition and path."""
    return _policies.iam_role_arn(name, account_id, partition, path)


@_filter_errors
def firehose_stream_arn(name, account_id, region, partition="aws"):
    """ARN of an Amazon Data Firehose delivery stream from its name (input), account and region."""
    return _policies.firehose_stream_arn(name, account_id, region, partition)


class FilterModule(object):
    """flowlogs.aws policy document filters."""

    def filters(self):
        return {
            "delivery_role_trust_policy": delivery_role_trust_policy,
            "delivery_role_permissions_policy": delivery_role_permissions_policy,
            "delivery_role_documents": delivery_role_documents,
            "s3_delivery_bucket_policy": s3_delivery_bucket_policy,
            "kms_key_policy_statements": kms_key_policy_statements,
            "kms_key_policy": kms_key_policy,
            "destination_kms_key_policy": destination_kms_key_policy,
            "destination_kms_key_alias": destination_kms_key_alias,
            "log_group_arn": log_group_arn,
            "s3_destination_arn": s3_destination_arn,
            "iam_role_arn": iam_role_arn,
            "firehose_stream_arn": firehose_stream_arn,
        }
