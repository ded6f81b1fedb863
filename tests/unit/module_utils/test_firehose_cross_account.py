# -*- coding: utf-8 -*-
"""The two roles of cross-account flow-log delivery to Amazon Data Firehose: their names, ARNs and documents.

The expected documents are written out in full. They are the statements of "IAM roles for cross
account delivery" (Amazon VPC User Guide), tightened as plugins/module_utils/flow_log_policies.py
explains: the stream account's role is trusted by account principals with aws:PrincipalArn (a role
principal must exist when the trust policy is written), and its two actions are granted on their one
resource each instead of "*"; the source role's iam:PassRole names every resource of the flow logs'
types in its account and region instead of one VPC.
"""

import json

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils import firehose_streams as streams
from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_policies as policies
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import FlowLogPolicyError

OWNER = "111111111111"
MEMBER = "222222222222"
MEMBER2 = "333333333333"
STREAM = "org-flow-logs"
STREAM_ARN = "arn:aws:firehose:us-east-1:111111111111:deliverystream/org-flow-logs"
SOURCE = "flowlogs-firehose-source-us-east-1-org-flow-logs"
DESTINATION = "AWSLogDeliveryFirehoseCrossAccountRole-us-east-1-org-flow-logs"
SOURCE_ARN = "arn:aws:iam::222222222222:role/" + SOURCE
DESTINATION_ARN = "arn:aws:iam::111111111111:role/" + DESTINATION


def problems(func, *args, **kwargs):
    with pytest.raises(FlowLogPolicyError) as caught:
        func(*args, **kwargs)
    return str(caught.value)


# ------------------------------------------------------------------ ARNs


def test_arn_helpers():
    assert policies.iam_role_arn("r", OWNER) == "arn:aws:iam::111111111111:role/r"
    assert policies.iam_role_arn("r", OWNER, "aws-us-gov", "/a/b/") == "arn:aws-us-gov:iam::111111111111:role/a/b/r"
    assert policies.iam_account_root_arn(MEMBER, "aws-cn") == "arn:aws-cn:iam::222222222222:root"
    assert policies.firehose_stream_arn(STREAM, OWNER, "us-east-1") == STREAM_ARN
    assert policies.resource_type_arns(["Subnet", "VPC", "TransitGateway"], MEMBER, "eu-west-1") == [
        "arn:aws:ec2:eu-west-1:222222222222:vpc/*", "arn:aws:ec2:eu-west-1:222222222222:subnet/*",
        "arn:aws:ec2:eu-west-1:222222222222:transit-gateway/*"]
    # Network Manager is global: no region in its ARNs.
    assert policies.resource_type_arns(["CoreNetwork"], MEMBER, "eu-west-1") == [
        "arn:aws:networkmanager::222222222222:core-network/*"]


def test_arn_helpers_report_every_problem():
    message = problems(policies.iam_role_arn, "a/b", "12", "nope", "no-slash")
    for part in ("role name 'a/b'", "role path 'no-slash'", "'12' is not an AWS account id", "partition must look"):
        assert part in message, message
    message = problems(policies.firehose_stream_arn, "has space", OWNER, "us-east-1")
    assert "delivery stream name 'has space'" in message
    assert "resource_types: Vpc are not flow-log resource types" in problems(policies.resource_type_arns, ["Vpc"], MEMBER, "us-east-1")
    assert "at least one resource type" in problems(policies.resource_type_arns, [], MEMBER, "us-east-1")


# ------------------------------------------------------------------ the source account's role


def test_source_role_documents():
    assert policies.firehose_source_role_trust_policy() == {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowLogDeliveryToAssumeRole", "Effect": "Allow",
        "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    arns = policies.resource_type_arns(["VPC"], MEMBER, "us-east-1")
    assert policies.firehose_source_role_permissions_policy(SOURCE_ARN, DESTINATION_ARN, arns) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "PassThisRoleToLogDelivery", "Effect": "Allow", "Action": "iam:PassRole", "Resource": SOURCE_ARN,
             "Condition": {"StringEquals": {"iam:PassedToService": "delivery.logs.amazonaws.com"},
                           "StringLike": {"iam:AssociatedResourceARN": ["arn:aws:ec2:us-east-1:222222222222:vpc/*"]}}},
            {"Sid": "ManageLogDeliveries", "Effect": "Allow",
             "Action": ["logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
                        "logs:GetLogDelivery"],
             "Resource": "*"},
            {"Sid": "AssumeTheStreamAccountRole", "Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": DESTINATION_ARN},
        ]}


def test_source_role_refuses_what_aws_refuses():
    arns = policies.resource_type_arns(["VPC"], MEMBER, "us-east-1")
    wrong_name = "arn:aws:iam::111111111111:role/delivery"
    assert "must have a name that starts with AWSLogDeliveryFirehoseCrossAccountRole" in problems(
        policies.firehose_source_role_permissions_policy, SOURCE_ARN, wrong_name, arns)
    same_account = "arn:aws:iam::222222222222:role/" + DESTINATION
    assert "is in the source account 222222222222" in problems(
        policies.firehose_source_role_permissions_policy, SOURCE_ARN, same_account, arns)
    message = problems(policies.firehose_source_role_permissions_policy, "not-an-arn", DESTINATION_ARN, [])
    assert "source_role_arn: 'not-an-arn' is not an IAM role ARN" in message
    assert "resource_arns: at least one" in message


# ------------------------------------------------------------------ the stream account's role


def test_destination_role_trust_names_the_accounts_and_the_source_role_by_condition():
    trust = policies.firehose_destination_role_trust_policy(SOURCE, [MEMBER2, MEMBER, MEMBER])
    assert trust == {"Version": "2012-10-17", "Statement": [{
        "Sid": "AllowSourceAccountRolesToAssumeRole", "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"]},
        "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/" + SOURCE}}}]}
    # No role principal: it must exist when the policy is written, and the members are built after the stream.
    assert ":role/" not in json.dumps(trust["Statement"][0]["Principal"])
    one = policies.firehose_destination_role_trust_policy(SOURCE, [MEMBER])
    assert one["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::222222222222:root"}


def test_destination_role_trust_for_an_organization_does_not_grow_with_the_accounts():
    trust = policies.firehose_destination_role_trust_policy(SOURCE, [], "o-abcdefghij", "aws-cn")
    assert trust["Statement"] == [{
        "Sid": "AllowSourceAccountRolesToAssumeRole", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws-cn:iam::*:role/" + SOURCE},
                      "StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}]
    assert "is not an AWS Organizations id" in problems(
        policies.firehose_destination_role_trust_policy, SOURCE, [], "org-1")
    assert "at least one account id is needed" in problems(policies.firehose_destination_role_trust_policy, SOURCE, [])


def test_destination_role_permissions_are_scoped_to_the_service_linked_role_and_the_stream():
    assert policies.firehose_destination_role_permissions_policy(STREAM_ARN, OWNER) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "CreateTheLogDeliveryServiceLinkedRole", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
             "Resource": "arn:aws:iam::111111111111:role/aws-service-role/delivery.logs.amazonaws.com/"
                         "AWSServiceRoleForLogDelivery",
             "Condition": {"StringEquals": {"iam:AWSServiceName": "delivery.logs.amazonaws.com"}}},
            {"Sid": "TagTheStreamForLogDelivery", "Effect": "Allow", "Action": "firehose:TagDeliveryStream",
             "Resource": STREAM_ARN},
        ]}
    # A stream of another account or partition is not this role's to tag.
    assert "not the ARN of a delivery stream of account 333333333333" in problems(
        policies.firehose_destination_role_permissions_policy, STREAM_ARN, MEMBER2)
    assert "in partition aws-cn" in problems(policies.firehose_destination_role_permissions_policy, STREAM_ARN, OWNER,
                                             "aws-cn")


# ------------------------------------------------------------------ names and the composed roles


def test_role_names_carry_region_and_stream_and_fit_iam():
    assert streams.cross_account_role_names(STREAM, "us-east-1") == {"source": SOURCE, "destination": DESTINATION}
    # Two regions, two roles (IAM is global).
    assert streams.cross_account_role_names(STREAM, "eu-west-1")["destination"] != DESTINATION
    long_a = streams.cross_account_role_names("a" * 60 + "-one", "ap-southeast-2")
    long_b = streams.cross_account_role_names("a" * 60 + "-two", "ap-southeast-2")
    for names in (long_a, long_b):
        assert all(len(name) <= 64 for name in names.values()), names
        assert names["destination"].startswith("AWSLogDeliveryFirehoseCrossAccountRole-ap-southeast-2-a")
    # Cut names that differ only at their end stay apart (the hash of the whole name ends them).
    assert long_a["source"] != long_b["source"] and long_a["destination"] != long_b["destination"]
    assert streams.cross_account_role_names("a" * 60 + "-one", "ap-southeast-2") == long_a


def test_destination_role_is_wanted_only_for_other_accounts():
    alone = streams.firehose_destination_role(STREAM, OWNER, "us-east-1", "aws", [OWNER])
    assert (alone["wanted"], alone["trust_policy"], alone["permissions_policy"]) == (False, None, None)
    assert alone["role_name"] == DESTINATION and alone["role_arn"] == DESTINATION_ARN
    shared = streams.firehose_destination_role(STREAM, OWNER, "us-east-1", "aws", [OWNER, MEMBER])
    assert shared["wanted"] and shared["source_account_ids"] == [MEMBER]
    assert shared["trust_policy"] == policies.firehose_destination_role_trust_policy(SOURCE, [MEMBER])
    assert shared["permissions_policy"] == policies.firehose_destination_role_permissions_policy(STREAM_ARN, OWNER)
    organization = streams.firehose_destination_role(STREAM, OWNER, "us-east-1", organization_id="o-abcdefghij")
    assert organization["wanted"] and organization["trust_policy"]["Statement"][0]["Principal"] == {"AWS": "*"}


def test_source_role_of_a_member_matches_the_owner_role():
    delivery = {"stream_name": STREAM, "stream_account_id": OWNER, "region": "us-east-1",
                "resource_types": ["VPC", "Subnet"], "cross_account_role_arn": ""}
    role = streams.firehose_source_role(delivery, MEMBER)
    assert (role["wanted"], role["role_name"], role["role_arn"], role["stream_arn"], role["cross_account_role_arn"]) == (
        True, SOURCE, SOURCE_ARN, STREAM_ARN, DESTINATION_ARN)
    assert role["trust_policy"] == policies.firehose_source_role_trust_policy()
    assert role["permissions_policy"] == policies.firehose_source_role_permissions_policy(
        SOURCE_ARN, DESTINATION_ARN, ["arn:aws:ec2:us-east-1:222222222222:vpc/*",
                                      "arn:aws:ec2:us-east-1:222222222222:subnet/*"])
    # The owner's role trusts exactly this role's name.
    owner = streams.firehose_destination_role(STREAM, OWNER, "us-east-1", "aws", [MEMBER])
    assert owner["source_role_name"] == role["role_name"] and owner["role_arn"] == role["cross_account_role_arn"]


def test_source_role_for_a_stream_outside_the_inventory_assumes_the_given_role():
    given = "arn:aws:iam::111111111111:role/AWSLogDeliveryFirehoseCrossAccountRole-security"
    delivery = {"stream_name": STREAM, "stream_account_id": OWNER, "region": "us-east-1", "resource_types": ["VPC"],
                "cross_account_role_arn": given}
    role = streams.firehose_source_role(delivery, MEMBER)
    assert role["cross_account_role_arn"] == given
    assert role["permissions_policy"]["Statement"][2]["Resource"] == given
    unused = streams.firehose_source_role(dict(delivery, resource_types=[]), MEMBER)
    assert (unused["wanted"], unused["trust_policy"], unused["permissions_policy"]) == (False, None, None)
