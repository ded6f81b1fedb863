# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_policies.py.

The expected documents are written out in full: they are what AWS documents for VPC Flow
Logs (awsdocs amazon-vpc-user-guide flow-logs-cwl.md and flow-logs-s3.md, the CloudWatch
Logs user guide for KMS), tightened as the module's docstring explains.
"""

import ast
import json
import os

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_policies as policies
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import (
    FlowLogPolicyError,
    delivery_role_permissions_policy,
    delivery_role_trust_policy,
    kms_key_policy,
    kms_key_policy_statements,
    log_group_arn,
    normalize_prefix,
    parse_log_group_arn,
    s3_bucket_arn,
    s3_delivery_bucket_policy,
    s3_destination_arn,
    secure_transport_statement,
    validate_bucket_name,
)

ACCT = "123456789012"
ACCT2 = "210987654321"
REGION = "eu-west-1"
GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/vpc"
GROUP2 = "arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/subnets"
BUCKET = "flowlogs-archive"
SSL_DENY = {
    "Sid": "AllowSSLRequestsOnly",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::flowlogs-archive", "arn:aws:s3:::flowlogs-archive/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def resources_of(document):
    """Every Resource value of a policy, flattened."""
    found = []
    for statement in document["Statement"]:
        value = statement.get("Resource", [])
        found.extend([value] if isinstance(value, str) else value)
    return found


def actions_of(document):
    found = []
    for statement in document["Statement"]:
        value = statement["Action"]
        found.extend([value] if isinstance(value, str) else value)
    return found


def problems(func, *args, **kwargs):
    with pytest.raises(FlowLogPolicyError) as caught:
        func(*args, **kwargs)
    assert isinstance(caught.value, ValueError)
    return str(caught.value)


# ------------------------------------------------------------------ module hygiene


def test_module_uses_the_standard_library_only():
    path = policies.__file__
    with open(path) as handle:
        tree = ast.parse(handle.read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # The collection's own pure module_utils (the destination-type registry) count as standard.
            if not (node.module or "").startswith("ansible_collections.flowlogs.aws.plugins.module_utils."):
                imported.add((node.module or "").split(".")[0])
    assert imported <= {"re"}, imported
    assert os.path.basename(path) == "flow_log_policies.py"


def test_documents_are_json_serialisable():
    for document in (
        delivery_role_trust_policy(ACCT, REGION),
        delivery_role_permissions_policy([GROUP]),
        s3_delivery_bucket_policy(BUCKET, [ACCT, ACCT2], [REGION, "us-east-1"], "p", "both"),
        kms_key_policy(ACCT, kms_key_policy_statements(ACCT, REGION, [GROUP])),
    ):
        assert json.loads(json.dumps(document)) == document


# ------------------------------------------------------------------ delivery role trust


def test_trust_policy_is_exactly_the_documented_one():
    assert delivery_role_trust_policy(ACCT, REGION) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowVpcFlowLogsToAssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCT},
                    "ArnLike": {"aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*"},
                },
            }
        ],
    }


def test_trust_policy_several_regions_and_partition():
    document = delivery_role_trust_policy(ACCT, ["us-gov-west-1", "us-gov-east-1", "us-gov-west-1"], "aws-us-gov")
    condition = document["Statement"][0]["Condition"]
    assert condition["ArnLike"]["aws:SourceArn"] == [
        "arn:aws-us-gov:ec2:us-gov-east-1:123456789012:vpc-flow-log/*",
        "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc-flow-log/*",
    ]
    assert condition["StringEquals"] == {"aws:SourceAccount": ACCT}


def test_trust_policy_trusts_no_account_principal():
    statement = delivery_role_trust_policy(ACCT, REGION)["Statement"][0]
    assert list(statement["Principal"]) == ["Service"]  # CKV_AWS_60 / CKV_AWS_61


@pytest.mark.parametrize(
    "args, message",
    [
        (("12345678901", REGION), "'12345678901' is not an AWS account id"),
        ((123456789012, REGION), "quote it in YAML"),
        ((ACCT, "eu-west"), "'eu-west' is not an AWS region"),
        ((ACCT, []), "at least one region"),
        (([ACCT, ACCT2], REGION), "its own account only"),
        ((ACCT, REGION, "gcp"), "partition must look like aws"),
    ],
)
def test_trust_policy_rejects_bad_input(args, message):
    assert message in problems(delivery_role_trust_policy, *args)


def test_every_problem_is_reported_at_once():
    error = problems(delivery_role_trust_policy, "x", "y", "z")
    assert "'x' is not an AWS account id" in error
    assert "'y' is not an AWS region" in error
    assert "partition must look like aws" in error


# ------------------------------------------------------------------ delivery role permissions


def test_permissions_policy_is_scoped_to_the_groups_and_their_streams():
    assert delivery_role_permissions_policy([GROUP2, GROUP + ":*", GROUP]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DeliverVpcFlowLogsToLogGroups",
                "Effect": "Allow",
                "Action": [
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams",
                ],
                "Resource": [
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/subnets",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/subnets:*",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/vpc",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/vpc:*",
                ],
            }
        ],
    }


def test_permissions_policy_has_no_create_log_group_and_no_wildcard_resource():
    document = delivery_role_permissions_policy(GROUP)
    assert "logs:CreateLogGroup" not in actions_of(document)
    assert not any(action.endswith("*") for action in actions_of(document))
    assert "*" not in resources_of(document)
    # The only "*" is the log-stream suffix of a named group.
    for resource in resources_of(document):
        assert "*" not in resource or (resource.endswith(":*") and "*" not in resource[:-2])


@pytest.mark.parametrize(
    "value, message",
    [
        ([], "at least one log group ARN"),
        (None, "at least one log group ARN"),
        (["/flowlogs/vpc"], "is not a log group ARN"),
        (["arn:aws:logs:eu-west-1:123456789012:log-group:*"], "is not a log group ARN"),
        (["arn:aws:logs:eu-west-1:123456789012:log-group:/a/*"], "is not a log group ARN"),
        (["arn:aws:logs:eu-west-1:1234:log-group:/a"], "is not a log group ARN"),
        ({"arn": GROUP}, "must be a string or a list"),
    ],
)
def test_permissions_policy_rejects_bad_input(value, message):
    assert message in problems(delivery_role_permissions_policy, value)


def test_log_group_arn_helpers():
    assert log_group_arn("/flowlogs/vpc", ACCT, REGION) == GROUP
    assert log_group_arn("a#b_c.d-e", ACCT, "cn-north-1", "aws-cn") == (
        "arn:aws-cn:logs:cn-north-1:123456789012:log-group:a#b_c.d-e"
    )
    assert parse_log_group_arn(GROUP + ":*") == {
        "arn": GROUP,
        "partition": "aws",
        "region": REGION,
        "account_id": ACCT,
        "name": "/flowlogs/vpc",
    }
    assert "must be 1 to 512" in problems(log_group_arn, "bad name", ACCT, REGION)
    assert "must be 1 to 512" in problems(log_group_arn, "x" * 513, ACCT, REGION)
    assert "one account id and one region" in problems(log_group_arn, "a", ACCT, [REGION, "us-east-1"])


def test_delivery_role_documents_derive_regions_arns_and_both_policies_once():
    other = "arn:aws:logs:eu-west-1:{0}:log-group:/other:*".format(ACCT)
    documents = policies.delivery_role_documents(ACCT, "aws", "", ["/flowlogs/vpc"], [other], [REGION, "us-east-1"])
    arns = sorted([GROUP, GROUP.replace(REGION, "us-east-1"), other[:-2]])
    assert documents["log_group_arns"] == arns
    assert documents["regions"] == sorted({REGION, "us-east-1", "eu-west-1"})
    assert documents["foreign_arns"] == []
    assert documents["trust_policy"] == policies.delivery_role_trust_policy(ACCT, documents["regions"])
    assert documents["permissions_policy"] == policies.delivery_role_permissions_policy(arns)
    # Without regions, the one region.
    assert policies.delivery_role_documents(ACCT, "aws", REGION, ["/flowlogs/vpc"])["log_group_arns"] == [GROUP]


def test_delivery_role_documents_name_foreign_arns_and_build_no_policy():
    foreign = "arn:aws:logs:{0}:999999999999:log-group:/x".format(REGION)
    other_partition = "arn:aws-cn:logs:cn-north-1:{0}:log-group:/y".format(ACCT)
    documents = policies.delivery_role_documents(ACCT, "aws", REGION, [], [foreign, GROUP, other_partition])
    assert documents["foreign_arns"] == [foreign, other_partition]
    assert "trust_policy" not in documents and "permissions_policy" not in documents


# ------------------------------------------------------------------ S3 bucket policy


def test_bucket_policy_is_exactly_the_documented_one_plus_the_ssl_deny():
    # With ACLs enabled the ACL decides who owns a delivered object: AWS's sample policy, verbatim.
    assert s3_delivery_bucket_policy(BUCKET, ACCT, REGION, object_ownership="BucketOwnerPreferred") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSLogDeliveryWrite",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::flowlogs-archive/AWSLogs/123456789012/*",
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": ACCT,
                        "s3:x-amz-acl": "bucket-owner-full-control",
                    },
                    "ArnLike": {"aws:SourceArn": "arn:aws:logs:eu-west-1:123456789012:*"},
                },
            },
            {
                "Sid": "AWSLogDeliveryAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "delivery.logs.amazonaws.com"},
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": "arn:aws:s3:::flowlogs-archive",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ACCT},
                    "ArnLike": {"aws:SourceArn": "arn:aws:logs:eu-west-1:123456789012:*"},
                },
            },
            SSL_DENY,
        ],
    }


def test_bucket_policy_for_acls_disabled_has_no_acl_condition():
    # The decision (docs/security.md): the role applies BucketOwnerEnforced, where S3 owns every
    # object for the bucket owner and a condition on s3:x-amz-acl can only deny deliveries that
    # send no ACL header. Everything else is AWS's sample.
    default = s3_delivery_bucket_policy(BUCKET, ACCT, REGION)
    assert default == s3_delivery_bucket_policy(BUCKET, ACCT, REGION, object_ownership="BucketOwnerEnforced")
    assert "s3:x-amz-acl" not in json.dumps(default)
    assert default["Statement"][0] == {
        "Sid": "AWSLogDeliveryWrite",
        "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::flowlogs-archive/AWSLogs/123456789012/*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ACCT},
            "ArnLike": {"aws:SourceArn": "arn:aws:logs:eu-west-1:123456789012:*"},
        },
    }
    enabled = s3_delivery_bucket_policy(BUCKET, ACCT, REGION, object_ownership="BucketOwnerPreferred")
    assert default["Statement"][1:] == enabled["Statement"][1:]


@pytest.mark.parametrize("ownership", ["BucketOwnerPreferred", "ObjectWriter"])
def test_bucket_policy_with_acls_enabled_requires_bucket_owner_full_control(ownership):
    document = s3_delivery_bucket_policy(BUCKET, [ACCT, ACCT2], REGION, object_ownership=ownership)
    writes = [s for s in document["Statement"] if s["Action"] == "s3:PutObject"]
    assert len(writes) == 2
    for write in writes:
        assert write["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"


@pytest.mark.parametrize("prefix", ["vpc-flow-logs", "/vpc-flow-logs/", "vpc-flow-logs/"])
def test_bucket_policy_prefix(prefix):
    write = s3_delivery_bucket_policy(BUCKET, ACCT, REGION, prefix)["Statement"][0]
    assert write["Resource"] == "arn:aws:s3:::flowlogs-archive/vpc-flow-logs/AWSLogs/123456789012/*"


def test_bucket_policy_hive_variant():
    write = s3_delivery_bucket_policy(BUCKET, ACCT, REGION, "a/b", hive_compatible=True)["Statement"][0]
    assert write["Resource"] == "arn:aws:s3:::flowlogs-archive/a/b/AWSLogs/aws-account-id=123456789012/*"
    both = s3_delivery_bucket_policy(BUCKET, ACCT, REGION, hive_compatible="both")["Statement"][0]
    assert both["Resource"] == [
        "arn:aws:s3:::flowlogs-archive/AWSLogs/123456789012/*",
        "arn:aws:s3:::flowlogs-archive/AWSLogs/aws-account-id=123456789012/*",
    ]


def test_bucket_policy_central_bucket_for_several_accounts_and_regions():
    document = s3_delivery_bucket_policy(
        BUCKET, [ACCT2, ACCT, ACCT], ["us-east-1", REGION], partition="aws", hive_compatible=False
    )
    statements = {statement["Sid"]: statement for statement in document["Statement"]}
    assert sorted(statements) == [
        "AWSLogDeliveryAclCheck",
        "AWSLogDeliveryWrite" + ACCT,
        "AWSLogDeliveryWrite" + ACCT2,
        "AllowSSLRequestsOnly",
    ]
    for account in (ACCT, ACCT2):
        write = statements["AWSLogDeliveryWrite" + account]
        # Each account may only write under its own AWSLogs/ACCOUNT/ key prefix.
        assert write["Resource"] == "arn:aws:s3:::flowlogs-archive/AWSLogs/{0}/*".format(account)
        assert write["Condition"] == {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {
                "aws:SourceArn": [
                    "arn:aws:logs:eu-west-1:{0}:*".format(account),
                    "arn:aws:logs:us-east-1:{0}:*".format(account),
                ]
            },
        }
    assert statements["AWSLogDeliveryAclCheck"]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": [ACCT, ACCT2]},
        "ArnLike": {
            "aws:SourceArn": [
                "arn:aws:logs:eu-west-1:123456789012:*",
                "arn:aws:logs:us-east-1:123456789012:*",
                "arn:aws:logs:eu-west-1:210987654321:*",
                "arn:aws:logs:us-east-1:210987654321:*",
            ]
        },
    }
    assert statements["AllowSSLRequestsOnly"] == SSL_DENY


def test_bucket_policy_grants_no_wildcard_principal_or_bucket():
    document = s3_delivery_bucket_policy(BUCKET, [ACCT, ACCT2], REGION, "p", "both")
    for statement in document["Statement"]:
        if statement["Effect"] == "Allow":
            assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
            assert "aws:SourceAccount" in statement["Condition"]["StringEquals"]
            assert "aws:SourceArn" in statement["Condition"]["ArnLike"]
        else:
            assert statement == dict(SSL_DENY)
    for resource in resources_of(document):
        assert resource != "*"
        assert resource.startswith("arn:aws:s3:::flowlogs-archive")
        if resource.endswith("/*"):
            assert resource == "arn:aws:s3:::flowlogs-archive/*" or "/AWSLogs/" in resource


def test_bucket_policy_partition():
    document = s3_delivery_bucket_policy(BUCKET, ACCT, "cn-north-1", partition="aws-cn")
    assert document["Statement"][0]["Resource"] == "arn:aws-cn:s3:::flowlogs-archive/AWSLogs/123456789012/*"
    assert document["Statement"][0]["Condition"]["ArnLike"] == {
        "aws:SourceArn": "arn:aws-cn:logs:cn-north-1:123456789012:*"
    }
    assert document["Statement"][2]["Resource"] == [
        "arn:aws-cn:s3:::flowlogs-archive",
        "arn:aws-cn:s3:::flowlogs-archive/*",
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"bucket": "Flowlogs"}, "must be 3 to 63 lowercase"),
        ({"bucket": "ab"}, "must be 3 to 63 lowercase"),
        ({"bucket": "a..b"}, "may not contain '..'"),
        ({"bucket": "192.168.1.1"}, "look like an IP address"),
        ({"bucket": "xn--abc"}, "reserves"),
        ({"prefix": "AWSLogs"}, "may not start with AWSLogs"),
        ({"prefix": "/AWSLogs/x"}, "may not start with AWSLogs"),
        ({"prefix": "a//b"}, "between single slashes"),
        ({"prefix": "a/*"}, "between single slashes"),
        ({"prefix": 3}, "prefix must be a string"),
        ({"hive_compatible": "yes"}, "hive_compatible must be false, true or 'both'"),
        ({"hive_compatible": None}, "hive_compatible must be false, true or 'both'"),
        ({"account_ids": []}, "at least one account id"),
        ({"account_ids": ["0"]}, "is not an AWS account id"),
        ({"regions": ["*"]}, "is not an AWS region"),
        ({"object_ownership": "bucketownerenforced"}, "object_ownership must be one of BucketOwnerEnforced, "),
        ({"object_ownership": None}, "object_ownership must be one of"),
    ],
)
def test_bucket_policy_rejects_bad_input(kwargs, message):
    arguments = {"bucket": BUCKET, "account_ids": ACCT, "regions": REGION}
    arguments.update(kwargs)
    assert message in problems(s3_delivery_bucket_policy, **arguments)


def test_bucket_helpers():
    assert validate_bucket_name(BUCKET) == []
    assert validate_bucket_name(None) == ["bucket name must be a string, got None"]
    assert s3_bucket_arn(BUCKET) == "arn:aws:s3:::flowlogs-archive"
    assert s3_destination_arn(BUCKET) == "arn:aws:s3:::flowlogs-archive"
    assert s3_destination_arn(BUCKET, "/a/b/") == "arn:aws:s3:::flowlogs-archive/a/b/"
    assert s3_destination_arn(BUCKET, "a", "aws-cn") == "arn:aws-cn:s3:::flowlogs-archive/a/"
    assert normalize_prefix(None) == normalize_prefix("") == normalize_prefix("/") == ""
    assert normalize_prefix("AWSLogsArchive") == "AWSLogsArchive"
    assert secure_transport_statement(BUCKET) == SSL_DENY


# ------------------------------------------------------------------ KMS


def test_kms_statement_for_an_sse_kms_bucket():
    assert kms_key_policy_statements(ACCT, REGION) == [
        {
            "Sid": "Allow Logs Delivery to use the key",
            "Effect": "Allow",
            "Principal": {"Service": ["delivery.logs.amazonaws.com"]},
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": [ACCT]},
                "ArnLike": {"aws:SourceArn": ["arn:aws:logs:eu-west-1:123456789012:*"]},
            },
        }
    ]


def test_kms_statement_for_an_encrypted_log_group():
    assert kms_key_policy_statements(ACCT, log_group_arns=[GROUP + ":*"]) == [
        {
            "Sid": "AllowCloudWatchLogsToUseTheKey",
            "Effect": "Allow",
            "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": GROUP}},
        }
    ]


def test_kms_statements_for_both_uses_several_groups_and_regions():
    east = "arn:aws:logs:us-east-1:123456789012:log-group:/flowlogs/vpc"
    statements = kms_key_policy_statements(
        [ACCT, ACCT2], [REGION, "us-east-1"], [GROUP, GROUP2, east], s3_delivery=True
    )
    assert [statement["Sid"] for statement in statements] == [
        "Allow Logs Delivery to use the key",
        "AllowCloudWatchLogsToUseTheKeyeuwest1",
        "AllowCloudWatchLogsToUseTheKeyuseast1",
    ]
    assert statements[0]["Condition"]["StringEquals"] == {"aws:SourceAccount": [ACCT, ACCT2]}
    assert statements[0]["Condition"]["ArnLike"]["aws:SourceArn"] == [
        "arn:aws:logs:eu-west-1:123456789012:*",
        "arn:aws:logs:us-east-1:123456789012:*",
        "arn:aws:logs:eu-west-1:210987654321:*",
        "arn:aws:logs:us-east-1:210987654321:*",
    ]
    assert statements[1]["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    assert statements[1]["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [GROUP2, GROUP]}}
    assert statements[2]["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": east}}


def test_kms_log_group_statement_in_china():
    group = "arn:aws-cn:logs:cn-north-1:123456789012:log-group:g"
    statement = kms_key_policy_statements(ACCT, log_group_arns=group, partition="aws-cn")[0]
    assert statement["Principal"] == {"Service": "logs.cn-north-1.amazonaws.com.cn"}


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((ACCT,), {}, "needs s3_delivery with regions, or log_group_arns"),
        ((ACCT,), {"s3_delivery": True}, "at least one region"),
        ((ACCT,), {"log_group_arns": ["nope"]}, "is not a log group ARN"),
        ((ACCT,), {"log_group_arns": [GROUP], "partition": "aws-cn"}, "is not in partition aws-cn"),
        (("1",), {"regions": REGION}, "is not an AWS account id"),
    ],
)
def test_kms_statements_reject_bad_input(args, kwargs, message):
    assert message in problems(kms_key_policy_statements, *args, **kwargs)


def test_kms_key_policy_keeps_the_account_in_control():
    statements = kms_key_policy_statements(ACCT, REGION)
    document = kms_key_policy(ACCT, statements)
    assert document["Version"] == "2012-10-17"
    assert document["Statement"][0] == {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    assert document["Statement"][1:] == statements
    assert "a key policy belongs to one account" in problems(kms_key_policy, [ACCT, ACCT2])


# ------------------------------------------------------------------ keys the destination role creates

ROOT_STATEMENT = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": "kms:*",
    "Resource": "*",
}


def test_destination_key_policy_for_a_bucket_is_the_documented_one():
    # "Required key policy for use with SSE-KMS" (Amazon VPC User Guide) behind the KMS default statement.
    assert policies.destination_kms_key_policy(ACCT, REGION, "s3") == {
        "Version": "2012-10-17",
        "Statement": [
            ROOT_STATEMENT,
            {
                "Sid": "Allow Logs Delivery to use the key",
                "Effect": "Allow",
                "Principal": {"Service": ["delivery.logs.amazonaws.com"]},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": [ACCT]},
                    "ArnLike": {"aws:SourceArn": ["arn:aws:logs:eu-west-1:123456789012:*"]},
                },
            },
        ],
    }


def test_destination_key_policy_for_a_central_bucket_names_every_source():
    document = policies.destination_kms_key_policy(ACCT, REGION, "s3", [ACCT, ACCT2], ["us-east-1", REGION])
    condition = document["Statement"][1]["Condition"]
    assert condition["StringEquals"] == {"aws:SourceAccount": [ACCT, ACCT2]}
    assert condition["ArnLike"]["aws:SourceArn"] == [
        "arn:aws:logs:eu-west-1:123456789012:*",
        "arn:aws:logs:us-east-1:123456789012:*",
        "arn:aws:logs:eu-west-1:210987654321:*",
        "arn:aws:logs:us-east-1:210987654321:*",
    ]


def test_destination_key_policy_for_a_log_group_is_limited_to_that_group():
    # "Encrypt log data in CloudWatch Logs using AWS Key Management Service".
    document = policies.destination_kms_key_policy(ACCT, REGION, "cloud-watch-logs", log_group_name="/flowlogs/vpc")
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            ROOT_STATEMENT,
            {
                "Sid": "AllowCloudWatchLogsToUseTheKey",
                "Effect": "Allow",
                "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": GROUP}},
            },
        ],
    }
    # The bucket principal gets nothing on a log group's key.
    assert "delivery.logs" not in json.dumps(document)


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((ACCT, REGION, "firehose"), {}, "destination_type must be one of cloud-watch-logs, kinesis-data-firehose, s3"),
        ((ACCT, REGION, "cloud-watch-logs"), {}, "log group name None must be"),
        ((ACCT, "Europe", "s3"), {}, "is not an AWS region"),
        (("123", REGION, "s3"), {"source_account_ids": [ACCT]}, "is not an AWS account id"),
    ],
)
def test_destination_key_policy_rejects_bad_input(args, kwargs, message):
    assert message in problems(policies.destination_kms_key_policy, *args, **kwargs)


@pytest.mark.parametrize(
    "name, alias",
    [
        ("flowlogs-archive", "alias/flowlogs/flowlogs-archive"),
        ("logs.example.com", "alias/flowlogs/logs-example-com"),
        ("/flowlogs/vpc", "alias/flowlogs/flowlogs/vpc"),
        ("/a//b#c.d/", "alias/flowlogs/a/b-c-d"),
        ("x" * 512, "alias/flowlogs/" + "x" * (256 - len("alias/flowlogs/"))),
    ],
)
def test_destination_key_alias(name, alias):
    assert policies.destination_kms_key_alias(name) == alias
    assert policies.kms_alias_problems(alias) == []


@pytest.mark.parametrize("name", ["", "/", None, 3])
def test_destination_key_alias_needs_a_name(name):
    with pytest.raises(FlowLogPolicyError, match="must be a bucket or log group name"):
        policies.destination_kms_key_alias(name)


@pytest.mark.parametrize(
    "alias, message",
    [
        ("flowlogs", "must be alias/ followed by"),
        ("alias/a b", "must be alias/ followed by"),
        ("alias/" + "x" * 251, "must be alias/ followed by"),
        ("alias/aws/s3", "reserved for AWS managed keys"),
    ],
)
def test_kms_alias_problems(alias, message):
    found = policies.kms_alias_problems(alias, "destination_kms_key_alias")
    assert len(found) == 1 and found[0].startswith("destination_kms_key_alias: ") and message in found[0]


# --------------------------------------------------------------------------- organization (central bucket)


def test_bucket_policy_for_an_organization_admits_its_accounts_in_the_given_regions():
    policy = policies.s3_delivery_bucket_policy(
        "org-flow-logs", [], ["eu-west-1", "us-east-1"], prefix="vpc", hive_compatible="both",
        organization_id="o-abcdefghij")
    write, acl_check, deny = policy["Statement"]
    assert write["Sid"] == "AWSLogDeliveryWriteOrganization"
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Resource"] == ["arn:aws:s3:::org-flow-logs/vpc/AWSLogs/*",
                                 "arn:aws:s3:::org-flow-logs/vpc/AWSLogs/aws-account-id=*"]
    assert write["Condition"] == {
        "StringEquals": {"aws:SourceOrgID": "o-abcdefghij"},
        "ArnLike": {"aws:SourceArn": ["arn:aws:logs:eu-west-1:*:*", "arn:aws:logs:us-east-1:*:*"]}}
    assert acl_check["Resource"] == "arn:aws:s3:::org-flow-logs"
    assert acl_check["Condition"]["StringEquals"] == {"aws:SourceOrgID": "o-abcdefghij"}
    assert deny["Sid"] == "AllowSSLRequestsOnly"


def test_bucket_policy_refuses_a_bad_organization_id():
    with pytest.raises(policies.FlowLogPolicyError, match="'org-1' is not an AWS Organizations id"):
        policies.s3_delivery_bucket_policy("org-flow-logs", [], ["us-east-1"], organization_id="org-1")


def test_bucket_policy_for_listed_accounts_has_one_write_statement_each():
    policy = policies.s3_delivery_bucket_policy(
        "org-flow-logs", ["333333333333", "222222222222"], ["us-east-1", "eu-west-1"])
    sids = [s["Sid"] for s in policy["Statement"]]
    assert sids == ["AWSLogDeliveryWrite222222222222", "AWSLogDeliveryWrite333333333333", "AWSLogDeliveryAclCheck",
                    "AllowSSLRequestsOnly"]
    assert policy["Statement"][0]["Resource"] == "arn:aws:s3:::org-flow-logs/AWSLogs/222222222222/*"


def test_key_policy_for_an_organization():
    policy = policies.destination_kms_key_policy(
        "111111111111", "us-east-1", "s3", None, ["us-east-1", "eu-west-1"], source_organization_id="o-abcdefghij")
    statement = policy["Statement"][1]
    assert statement["Principal"] == {"Service": ["delivery.logs.amazonaws.com"]}
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceOrgID": "o-abcdefghij"},
        "ArnLike": {"aws:SourceArn": ["arn:aws:logs:eu-west-1:*:*", "arn:aws:logs:us-east-1:*:*"]}}
