"""The flow_log_definition_problems filter: the module's checks on a flow_logs role definition."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.filter.flow_log_definition import FilterModule
from ansible_collections.flowlogs.aws.plugins.filter.flow_log_definition import flow_log_definition_problems
from ansible_collections.flowlogs.aws.plugins.filter.flow_log_definition import flow_logs_definitions_problems
from ansible_collections.flowlogs.aws.plugins.filter.flow_log_definition import flow_logs_resolved_definitions

ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
S3 = {"name": "s3", "log_destination_type": "s3", "log_destination": "arn:aws:s3:::flow-logs/prod/"}


def test_a_valid_definition_has_no_problem():
    assert flow_log_definition_problems(dict(S3, resource_ids=["vpc-0123456789abcdef0"])) == []
    assert flow_log_definition_problems({"name": "cw", "resource_filters": {}, "log_group_name": "/flow",
                                         "deliver_logs_permission_arn": ROLE}) == []


def test_a_definition_that_resolved_to_no_resource_is_not_a_problem():
    assert flow_log_definition_problems(dict(S3, resource_ids=[])) == []


def test_the_module_rules_of_the_type_apply():
    problems = flow_log_definition_problems(dict(S3, resource_type="CoreNetwork", traffic_type="ALL",
                                                 resource_ids=["core-network-0123456789abcdef0"]))
    assert problems == ["traffic_type is not supported for resource_type CoreNetwork; omit it"]
    assert flow_log_definition_problems(dict(S3, resource_type="Subnet", resource_ids=["vpc-0123456789abcdef0"]))


def test_a_delivery_role_is_needed_only_to_create():
    definition = {"name": "cw", "resource_ids": ["vpc-0123456789abcdef0"], "log_group_name": "/flow"}
    assert any("deliver_logs_permission_arn" in p for p in flow_log_definition_problems(definition))
    assert flow_log_definition_problems(definition, state="absent") == []


def test_role_tags_and_tag_field_specifications_are_checked_with_the_definition():
    definition = dict(S3, resource_ids=["eni-0123456789abcdef0"], resource_type="NetworkInterface",
                      log_format="${version} ${interface-tag}")
    assert any("tag_field_specifications" in p for p in flow_log_definition_problems(definition))
    specs = [{"resource_type": "network-interface", "tag_keys": ["team"]}]
    assert flow_log_definition_problems(definition, tag_field_specifications=specs) == []
    problems = flow_log_definition_problems(definition, tags={"managed-by": "me"}, tag_field_specifications=specs)
    assert any("managed-by" in p for p in problems)


def test_a_definition_must_be_a_dict():
    with pytest.raises(AnsibleFilterError):
        flow_log_definition_problems(["not", "a", "dict"])
    assert FilterModule().filters()["flow_log_definition_problems"] is flow_log_definition_problems


def test_definitions_are_checked_together_each_problem_naming_its_definition_and_input():
    vpc = ["vpc-0123456789abcdef0"]
    definitions = [
        dict(S3, resource_ids=vpc),
        dict(S3, resource_ids=vpc),                                   # same name
        {"name": "nothing", "log_group_name": "/flow", "deliver_logs_permission_arn": ROLE},
        {"name": "attach", "resource_type": "TransitGatewayAttachment", "resource_filters": {},
         "log_destination_type": "s3", "log_destination": "arn:aws:s3:::flow-logs"},
        {"name": "cw", "resource_ids": vpc, "log_group_name": "/flow"},
    ]
    problems = flow_logs_definitions_problems(definitions, filter_types=["VPC", "Subnet"])
    assert problems == [
        "flow_logs_definitions[1].name: 's3' is also the name of flow_logs_definitions[0]; names must be unique",
        "flow_logs_definitions[2] (nothing): needs resource_ids or resource_filters (which VPC to log)",
        "flow_logs_definitions[3].resource_filters: cannot find resources of type TransitGatewayAttachment; "
        "give resource_ids",
        "flow_logs_definitions[4] (cw): log_destination_type cloud-watch-logs needs deliver_logs_permission_arn "
        "(the IAM role VPC Flow Logs assumes)",
    ]


def test_removal_needs_only_what_identifies_the_flow_logs():
    vpc = ["vpc-0123456789abcdef0"]
    removal = [{"name": "cw", "resource_ids": vpc, "log_group_name": "/flow"},
               {"name": "s3", "resource_filters": {"tag:env": "prod"}, "log_destination_type": "s3",
                "log_destination": "arn:aws:s3:::flow-logs/prod/"}]
    assert flow_logs_definitions_problems(removal, state="absent", filter_types=["VPC"]) == []
    # Without its destination an S3 flow log is not identified: that one input is named.
    assert flow_logs_definitions_problems([{"name": "s3", "resource_ids": vpc, "log_destination_type": "s3"}],
                                          state="absent") == [
        "flow_logs_definitions[0] (s3): log_destination_type s3 needs log_destination (arn:aws:s3:::BUCKET[/PREFIX/])"]


def test_two_definitions_may_not_ask_for_the_same_flow_log_on_a_resource():
    vpcs = ["vpc-0123456789abcdef0", "vpc-0123456789abcdef1"]
    definitions = [dict(S3, name="a", resource_ids=vpcs),
                   dict(S3, name="b", resource_ids=vpcs[1:], log_format="${version} ${action}"),
                   # Another traffic type, destination or resource is another flow log.
                   dict(S3, name="c", resource_ids=vpcs, traffic_type="REJECT"),
                   dict(S3, name="d", resource_ids=vpcs, log_destination="arn:aws:s3:::flow-logs/other/"),
                   dict(S3, name="e", resource_filters={})]
    assert flow_logs_definitions_problems(definitions) == [
        "flow_logs_definitions[0] (a) and flow_logs_definitions[1] (b): ask for the same flow log (s3 "
        "arn:aws:s3:::flow-logs/prod, traffic ALL) on vpc-0123456789abcdef1; AWS keeps one flow log per resource, "
        "destination and traffic type, so give it in one definition"]
    # Removing is not creating: two definitions may match the same flow logs.
    assert flow_logs_definitions_problems(definitions, state="absent") == []


def test_resolved_definitions_take_the_ids_their_filters_found():
    definitions = [dict(S3, name="given", resource_ids=["vpc-0123456789abcdef0"]),
                   dict(S3, name="both", resource_ids=["vpc-0123456789abcdef0"], resource_filters={"tag:a": "b"}),
                   dict(S3, name="none", resource_filters={"tag:a": "c"})]
    found = {"both": ["vpc-0123456789abcdef1", "vpc-0123456789abcdef0"], "none": []}
    resolved = flow_logs_resolved_definitions(definitions, found)
    assert [d["resource_ids"] for d in resolved] == [
        ["vpc-0123456789abcdef0"], ["vpc-0123456789abcdef0", "vpc-0123456789abcdef1"], []]
    assert not any("resource_filters" in d for d in resolved)
    assert resolved[1]["log_destination"] == S3["log_destination"] and resolved[1]["name"] == "both"
    assert definitions[1]["resource_filters"] == {"tag:a": "b"}, "the role's definitions are not changed"
    assert flow_logs_resolved_definitions([dict(S3, resource_ids=[])]) == [dict(S3, resource_ids=[])]
    with pytest.raises(AnsibleFilterError):
        flow_logs_resolved_definitions({"not": "a list"})
    with pytest.raises(AnsibleFilterError):
        flow_logs_resolved_definitions([], found=["not", "a", "dict"])
    assert FilterModule().filters()["flow_logs_resolved_definitions"] is flow_logs_resolved_definitions
