"""The demo VPC's addressing rules (plugins/module_utils/vpc_cidrs.py), each message naming its variable."""

import pytest

from ansible_collections.flowlogs.aws.plugins.filter.demo_vpc import FilterModule
from ansible_collections.flowlogs.aws.plugins.module_utils.vpc_cidrs import cidr_plan

SSH = "192.0.2.0/24"


def test_derived_layout_public_block_i_private_block_ten_plus_i():
    assert cidr_plan("10.10.0.0/16", SSH, 2, 24) == {
        "errors": [], "public": ["10.10.0.0/24", "10.10.1.0/24"], "private": ["10.10.10.0/24", "10.10.11.0/24"]}
    # The filter is the same function.
    assert FilterModule().filters()["demo_vpc_cidr_plan"]("10.10.0.0/16", SSH, "2", "24")["public"][1] == "10.10.1.0/24"


def test_given_lists_are_kept_and_the_other_derived():
    plan = cidr_plan("10.0.0.0/16", SSH, 1, 20, public=["10.0.200.0/24"])
    assert plan == {"errors": [], "public": ["10.0.200.0/24"], "private": ["10.0.160.0/20"]}
    both = cidr_plan("10.0.0.0/28", SSH, 1, 28, public=["10.0.0.0/28"], private=["10.0.0.0/28"])
    assert both["errors"] == ["demo_vpc_public_subnet_cidrs[0]: 10.0.0.0/28 overlaps "
                              "demo_vpc_private_subnet_cidrs[0]: 10.0.0.0/28"]


@pytest.mark.parametrize("args,kwargs,message", [
    (("10.10.0.1/16", SSH, 1, 24), {},
     'demo_vpc_cidr: "10.10.0.1/16" has host bits set; the network is 10.10.0.0/16'),
    (("10.0.0.0/8", SSH, 1, 24), {}, 'demo_vpc_cidr: "10.0.0.0/8" must have a prefix length from /16 to /28'),
    (("10.0.0.0/16", "192.0.2.1", 1, 24), {}, 'demo_vpc_ssh_cidr: "192.0.2.1" is not an IPv4 CIDR such as 10.10.0.0/16'),
    (("10.0.0.0/16", SSH, 1, 24), {"public": ["300.0.0.0/24"], "private": ["10.0.1.0/24"]},
     'demo_vpc_public_subnet_cidrs[0]: "300.0.0.0/24" is not an IPv4 CIDR'),
    ((None, SSH, 1, 24), {}, "demo_vpc_cidr: null is not an IPv4 CIDR such as 10.10.0.0/16"),
    (("10.0.0.0/16", SSH, 0, 24), {}, "demo_vpc_az_count: must be at least 1, got 0"),
    (("10.0.0.0/16", SSH, 2, 24), {"public": ["10.0.0.0/24"], "private": ["10.0.1.0/24", "10.0.2.0/24"]},
     "demo_vpc_public_subnet_cidrs: needs one CIDR per zone (demo_vpc_az_count = 2), got 1"),
    (("10.0.0.0/16", SSH, 1, 24), {"public": ["10.1.0.0/24"], "private": ["10.0.1.0/24"]},
     "demo_vpc_public_subnet_cidrs[0]: 10.1.0.0/24 is not inside demo_vpc_cidr 10.0.0.0/16"),
    (("10.0.0.0/24", SSH, 1, 20), {},
     "demo_vpc_subnet_prefix: must be from /24 (the prefix of demo_vpc_cidr) to /28, got 20"),
    (("10.0.0.0/16", SSH, 11, 24), {},
     "demo_vpc_az_count: at most 10 zones with derived subnet CIDRs (private subnets start at block 10); give "
     "demo_vpc_public_subnet_cidrs and demo_vpc_private_subnet_cidrs"),
    (("10.0.0.0/26", SSH, 2, 28), {},
     "demo_vpc_cidr: 10.0.0.0/26 holds 4 subnets of /28 but the derived layout needs 12; use a larger VPC, a longer "
     "demo_vpc_subnet_prefix, or explicit subnet CIDRs"),
])
def test_each_problem_names_its_variable(args, kwargs, message):
    plan = cidr_plan(*args, **kwargs)
    assert message in plan["errors"], plan["errors"]


def test_every_problem_at_once():
    plan = cidr_plan("10.0.0.1/16", "x", "two", 24, public=["10.0.0.0/33"])
    assert [e.split(":")[0] for e in plan["errors"]] == [
        "demo_vpc_az_count", "demo_vpc_cidr", "demo_vpc_ssh_cidr", "demo_vpc_public_subnet_cidrs",
        "demo_vpc_public_subnet_cidrs[0]"]
