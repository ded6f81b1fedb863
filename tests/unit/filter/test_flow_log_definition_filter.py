"""The flow_log_definition_problems filter: the module's checks on a flow_logs role definition."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.filter.flow_log_definition import FilterModule
from ansible_collections.flowlogs.aws.plugins.filter.flow_log_definition import flow_log_definition_problems

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
    assert FilterModule().filters() == {"flow_log_definition_problems": flow_log_definition_problems}
