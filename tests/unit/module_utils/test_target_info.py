"""The pure parts of module_utils/target_info.py (no AWS); the calls are tested against LocalStack."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import DESCRIBE_CALLS
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import LOOKUPS
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import OPERATION_NAMES
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import found_ids
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import identity
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import resource_id_problems


def test_the_types_are_those_the_inventory_check_names():
    """flowlogs_check names the describe call of a missing id: it must be the one made."""
    assert sorted(LOOKUPS) == sorted(DESCRIBE_CALLS)
    assert dict((kind, OPERATION_NAMES[LOOKUPS[kind][0]]) for kind in LOOKUPS) == DESCRIBE_CALLS


@pytest.mark.parametrize("resource_ids, expected", [
    ({}, []),
    (None, []),
    ({"VPC": ["vpc-1"], "TransitGateway": []}, []),
    ({"Vpc": ["vpc-1"]}, ["resource_ids.Vpc: unknown resource type (valid: NetworkInterface, Subnet, TransitGateway, "
                          "VPC)"]),
    ({"Subnet": "subnet-1"}, ["resource_ids.Subnet: must be a list of resource ids"]),
    ({"Subnet": ["subnet-1", ""]}, ["resource_ids.Subnet: must be a list of resource ids"]),
])
def test_resource_id_problems(resource_ids, expected):
    assert resource_id_problems(resource_ids) == expected


@pytest.mark.parametrize("arn, partition", [
    ("arn:aws:iam::123456789012:user/ops", "aws"),
    ("arn:aws-cn:sts::123456789012:assumed-role/Admin/flowlogs", "aws-cn"),
    ("arn:aws-us-gov:iam::123456789012:root", "aws-us-gov"),
])
def test_identity(arn, partition):
    answer = {"Account": "123456789012", "Arn": arn, "UserId": "AIDAEXAMPLE"}
    assert identity(answer) == {"account": "123456789012", "arn": arn, "user_id": "AIDAEXAMPLE",
                                "partition": partition}


def test_found_ids_keeps_the_order_given_and_only_those_found():
    pages = [{"Subnets": [{"SubnetId": "subnet-3"}, {"SubnetId": "subnet-1"}]}, {"Subnets": []},
             {"Subnets": [{"SubnetId": "subnet-9"}]}]
    assert found_ids("Subnet", pages, ["subnet-1", "subnet-2", "subnet-3"]) == ["subnet-1", "subnet-3"]
    assert found_ids("VPC", [{}], ["vpc-1"]) == []
