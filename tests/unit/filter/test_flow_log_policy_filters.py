# -*- coding: utf-8 -*-
"""Unit tests for plugins/filter/flow_log_policies.py and its documentation sidecars."""

import inspect
import os

import pytest

pytest.importorskip("ansible")  # the filters need ansible-core (tests/setup.sh's .venv has it)
yaml = pytest.importorskip("yaml")

from ansible.errors import AnsibleFilterError  # noqa: E402

from ansible_collections.flowlogs.aws.plugins.filter.flow_log_policies import FilterModule  # noqa: E402
from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_policies as policies  # noqa: E402

FILTERS = FilterModule().filters()
FILTER_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "filter")
NAMES = [
    "delivery_role_documents",
    "delivery_role_permissions_policy",
    "delivery_role_trust_policy",
    "destination_kms_key_alias",
    "destination_kms_key_policy",
    "firehose_stream_arn",
    "iam_role_arn",
    "kms_key_policy",
    "kms_key_policy_statements",
    "log_group_arn",
    "s3_delivery_bucket_policy",
    "s3_destination_arn",
]
# Filters added after 0.1.0, with their version.
ADDED_IN = {"firehose_stream_arn": "0.2.0", "iam_role_arn": "0.2.0"}
ACCT = "000000000000"
GROUP = "arn:aws:logs:us-east-1:000000000000:log-group:/flowlogs/vpc"


def filter_error(name, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as caught:
        FILTERS[name](*args, **kwargs)
    return str(caught.value)


def test_filter_names():
    assert sorted(FILTERS) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_filter_has_a_doc_sidecar_matching_its_signature(name):
    with open(os.path.join(FILTER_DIR, name + ".yml")) as handle:
        doc = yaml.safe_load(handle)
    assert sorted(doc) == ["DOCUMENTATION", "EXAMPLES", "RETURN"]
    documentation = doc["DOCUMENTATION"]
    assert documentation["name"] == name
    assert documentation["version_added"] == ADDED_IN.get(name, "0.1.0")
    assert documentation["short_description"] and documentation["description"]
    positional = [p.strip() for p in documentation["positional"].split(",")]
    assert positional[0] == "_input"
    assert documentation["options"]["_input"]["required"] is True
    # The documented options are the function's parameters, in order.
    parameters = list(inspect.signature(FILTERS[name]).parameters)
    assert positional[1:] == parameters[1:]
    assert sorted(documentation["options"]) == sorted(["_input"] + parameters[1:])
    for option, spec in documentation["options"].items():
        assert spec["description"], option
        assert spec["type"] in ("str", "raw", "bool", "list", "dict"), option
        default = inspect.signature(FILTERS[name]).parameters.get(option)
        if default is not None and default.default is not inspect.Parameter.empty and default.default is not None:
            assert spec.get("default") in (default.default, []), option
    assert "flowlogs.aws." + name in doc["EXAMPLES"]
    assert "_value" in doc["RETURN"]


def test_arn_filters():
    assert FILTERS["iam_role_arn"]("flow-role", ACCT) == "arn:aws:iam::000000000000:role/flow-role"
    assert FILTERS["iam_role_arn"]("r", ACCT, "aws-cn", "/flowlogs/") == "arn:aws-cn:iam::000000000000:role/flowlogs/r"
    assert FILTERS["firehose_stream_arn"]("flow-stream", ACCT, "eu-west-1") == (
        "arn:aws:firehose:eu-west-1:000000000000:deliverystream/flow-stream")
    message = filter_error("iam_role_arn", "bad/name", "123")
    assert message.startswith("iam_role_arn: ")
    assert "role name 'bad/name' must be" in message and "'123' is not an AWS account id" in message
    assert "delivery stream name 'no spaces' must be" in filter_error("firehose_stream_arn", "no spaces", ACCT, "us-east-1")


def test_filters_return_the_module_utils_documents():
    assert FILTERS["delivery_role_trust_policy"](ACCT, "us-east-1") == policies.delivery_role_trust_policy(
        ACCT, "us-east-1"
    )
    assert FILTERS["delivery_role_permissions_policy"]([GROUP]) == policies.delivery_role_permissions_policy(GROUP)
    assert FILTERS["s3_delivery_bucket_policy"]("b-u-c", ACCT, "us-east-1", "p", True) == (
        policies.s3_delivery_bucket_policy("b-u-c", ACCT, "us-east-1", "p", True)
    )
    assert FILTERS["kms_key_policy_statements"](ACCT, "us-east-1", [GROUP]) == (
        policies.kms_key_policy_statements(ACCT, "us-east-1", [GROUP])
    )
    assert FILTERS["log_group_arn"]("/flowlogs/vpc", ACCT, "us-east-1") == GROUP
    assert FILTERS["s3_destination_arn"]("b-u-c", "/p/") == "arn:aws:s3:::b-u-c/p/"
    assert FILTERS["s3_destination_arn"]("b-u-c", None) == "arn:aws:s3:::b-u-c"


def test_trust_and_permissions_through_the_filters():
    trust = FILTERS["delivery_role_trust_policy"](ACCT, ["us-west-2", "us-east-1"])
    statement = trust["Statement"][0]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ACCT},
        "ArnLike": {
            "aws:SourceArn": [
                "arn:aws:ec2:us-east-1:000000000000:vpc-flow-log/*",
                "arn:aws:ec2:us-west-2:000000000000:vpc-flow-log/*",
            ]
        },
    }
    permissions = FILTERS["delivery_role_permissions_policy"](GROUP + ":*")
    assert permissions["Statement"][0]["Resource"] == [GROUP, GROUP + ":*"]
    assert "logs:CreateLogGroup" not in permissions["Statement"][0]["Action"]


@pytest.mark.parametrize("value, expected", [("true", True), ("no", False), (False, False), ("both", "both")])
def test_bucket_policy_hive_compatible_accepts_template_booleans(value, expected):
    document = FILTERS["s3_delivery_bucket_policy"]("b-u-c", ACCT, "us-east-1", hive_compatible=value)
    assert document == policies.s3_delivery_bucket_policy("b-u-c", ACCT, "us-east-1", hive_compatible=expected)


def test_bucket_policy_has_the_ssl_deny_and_the_hive_prefix():
    document = FILTERS["s3_delivery_bucket_policy"]("b-u-c", [ACCT], ["us-east-1"], "flows", "true")
    sids = [statement["Sid"] for statement in document["Statement"]]
    assert sids == ["AWSLogDeliveryWrite", "AWSLogDeliveryAclCheck", "AllowSSLRequestsOnly"]
    assert document["Statement"][0]["Resource"] == "arn:aws:s3:::b-u-c/flows/AWSLogs/aws-account-id=000000000000/*"
    assert document["Statement"][2]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_kms_filters():
    statements = FILTERS["kms_key_policy_statements"](ACCT, log_group_arns=[GROUP], s3_delivery="false")
    assert [s["Principal"] for s in statements] == [{"Service": "logs.us-east-1.amazonaws.com"}]
    statements = FILTERS["kms_key_policy_statements"](ACCT, ["us-east-1"])
    assert statements[0]["Principal"] == {"Service": ["delivery.logs.amazonaws.com"]}
    policy = FILTERS["kms_key_policy"](ACCT, statements)
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::000000000000:root"}
    assert policy["Statement"][1:] == statements
    assert FILTERS["kms_key_policy"](ACCT)["Statement"][1:] == []


@pytest.mark.parametrize(
    "name, args, kwargs, message",
    [
        ("delivery_role_trust_policy", ("1", "us-east-1"), {}, "delivery_role_trust_policy: account_id: '1' is not an AWS account id"),
        ("delivery_role_permissions_policy", ([],), {}, "at least one log group ARN"),
        ("delivery_role_permissions_policy", (["/flowlogs/vpc"],), {}, "is not a log group ARN"),
        ("s3_delivery_bucket_policy", ("b-u-c", ACCT, "us-east-1", "AWSLogs"), {}, "may not start with AWSLogs"),
        ("s3_delivery_bucket_policy", ("b-u-c", ACCT, "us-east-1"), {"hive_compatible": "maybe"},
         "hive_compatible must be a boolean or 'both'"),
        ("kms_key_policy_statements", (ACCT,), {"s3_delivery": "perhaps"}, "s3_delivery must be a boolean"),
        ("kms_key_policy_statements", (ACCT,), {}, "needs s3_delivery with regions, or log_group_arns"),
        ("log_group_arn", ("bad name", ACCT, "us-east-1"), {}, "must be 1 to 512"),
        ("s3_destination_arn", ("Bad_Bucket",), {}, "must be 3 to 63 lowercase"),
        ("kms_key_policy", ("x",), {}, "is not an AWS account id"),
    ],
)
def test_errors_become_filter_errors_naming_the_problem(name, args, kwargs, message):
    assert message in filter_error(name, *args, **kwargs)


def test_destination_key_filters_return_the_module_utils_values():
    assert FILTERS["destination_kms_key_policy"](ACCT, "us-east-1", "s3", [], []) == (
        policies.destination_kms_key_policy(ACCT, "us-east-1", "s3")
    )
    assert FILTERS["destination_kms_key_policy"](
        ACCT, "us-east-1", "cloud-watch-logs", log_group_name="/flowlogs/vpc"
    ) == policies.destination_kms_key_policy(ACCT, "us-east-1", "cloud-watch-logs", log_group_name="/flowlogs/vpc")
    assert FILTERS["destination_kms_key_alias"]("/flowlogs/vpc") == "alias/flowlogs/flowlogs/vpc"
    assert "destination_type must be one of cloud-watch-logs, kinesis-data-firehose, s3" in filter_error(
        "destination_kms_key_policy", ACCT, "us-east-1", "kinesis"
    )
    assert filter_error("destination_kms_key_alias", "").startswith("destination_kms_key_alias: ")


def test_bucket_policy_filter_passes_object_ownership():
    enforced = FILTERS["s3_delivery_bucket_policy"]("b-u-c", ACCT, "us-east-1")
    preferred = FILTERS["s3_delivery_bucket_policy"]("b-u-c", ACCT, "us-east-1", object_ownership="BucketOwnerPreferred")
    assert "s3:x-amz-acl" not in str(enforced)
    assert preferred["Statement"][0]["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
