# -*- coding: utf-8 -*-
"""Unit tests for plugins/filter/flow_log.py and its documentation sidecars."""

import os

import pytest

pytest.importorskip("ansible")  # the filters need ansible-core (tests/setup.sh's .venv has it)
yaml = pytest.importorskip("yaml")

from ansible.errors import AnsibleFilterError  # noqa: E402

from ansible_collections.flowlogs.aws.plugins.filter.flow_log import FilterModule  # noqa: E402
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import (  # noqa: E402
    DEFAULT_FIELDS,
    DEFAULT_FORMAT,
    FlowLogFormatError,
)

FILTERS = FilterModule().filters()
FILTER_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "filter")
V5 = "${version} ${srcaddr} ${dstaddr} ${region} ${protocol} ${flow-direction} ${traffic-path}"
EXAMPLE = ("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 "
           "4249 1418530010 1418530070 ACCEPT OK")


def filter_error(name, *args, **kwargs):
    with pytest.raises(AnsibleFilterError) as caught:
        FILTERS[name](*args, **kwargs)
    assert isinstance(caught.value.__cause__, FlowLogFormatError)
    return str(caught.value)


def test_filter_names():
    assert sorted(FILTERS) == [
        "flow_log_athena_columns", "flow_log_fields", "flow_log_format_problems", "flow_log_insights_parse",
        "flow_log_normalize", "flow_log_parse_record", "flow_log_version"]


@pytest.mark.parametrize("name", [
    "flow_log_athena_columns", "flow_log_fields", "flow_log_format_problems", "flow_log_insights_parse",
    "flow_log_normalize", "flow_log_parse_record", "flow_log_version"])
def test_every_filter_has_a_doc_sidecar(name):
    with open(os.path.join(FILTER_DIR, name + ".yml")) as handle:
        doc = yaml.safe_load(handle)
    documentation = doc["DOCUMENTATION"]
    assert documentation["name"] == name
    assert documentation["version_added"] == "0.1.0"
    assert documentation["short_description"] and documentation["description"]
    positional = [p.strip() for p in documentation["positional"].split(",")]
    assert positional[0] == "_input"
    assert set(positional) <= set(documentation["options"])
    assert documentation["options"]["_input"]["required"] is True
    assert "flowlogs.aws." + name in doc["EXAMPLES"]
    assert "_value" in doc["RETURN"]


def test_fields():
    assert FILTERS["flow_log_fields"](V5) == [
        "version", "srcaddr", "dstaddr", "region", "protocol", "flow-direction", "traffic-path"]
    assert FILTERS["flow_log_fields"](None) == list(DEFAULT_FIELDS)
    specs = [{"resource_type": "instance", "tag_keys": ["Name"]}]
    assert FILTERS["flow_log_fields"]("${srcaddr} ${instance-tag}", specs) == [
        "srcaddr", "instance-tag"]


@pytest.mark.parametrize("bad, expected", [
    ("${srcadr} ${dstaddr}", "invalid log_format: unknown field ${srcadr}; did you mean ${srcaddr}?"),
    ("", "invalid log_format: log_format is empty or blank"),
    ("${srcaddr}  ${dstaddr}", "separator '  ' between '${srcaddr}' and '${dstaddr}'"),
    ("${srcaddr} ${instance-tag}", "tag field ${instance-tag} needs tag_field_specifications"),
    (7, "log_format must be a string of ${field} tokens, got int"),
])
def test_fields_errors(bad, expected):
    assert expected in filter_error("flow_log_fields", bad)


def test_normalize():
    assert FILTERS["flow_log_normalize"](None) == DEFAULT_FORMAT
    assert FILTERS["flow_log_normalize"](DEFAULT_FORMAT) == DEFAULT_FORMAT
    assert FILTERS["flow_log_normalize"](V5) == V5
    assert "trailing whitespace" in filter_error("flow_log_normalize", V5 + " ")


def test_version():
    assert FILTERS["flow_log_version"](None) == 2
    assert FILTERS["flow_log_version"](V5) == 5
    assert FILTERS["flow_log_version"](["srcaddr", "ecs-task-id"]) == 7
    assert "unknown field ${ecs-task}" in filter_error("flow_log_version", ["ecs-task"])


def test_athena_columns():
    text = FILTERS["flow_log_athena_columns"](V5)
    assert [(c["name"], c["type"]) for c in text] == [
        ("version", "int"), ("srcaddr", "string"), ("dstaddr", "string"), ("region", "string"),
        ("protocol", "bigint"), ("flow_direction", "string"), ("traffic_path", "int")]
    parquet = FILTERS["flow_log_athena_columns"](V5, "parquet", ["REGION"])
    assert [c["name"] for c in parquet] == [
        "version", "srcaddr", "dstaddr", "protocol", "flow_direction", "traffic_path"]
    assert parquet[3] == {"name": "protocol", "type": "int", "field": "protocol"}
    assert FILTERS["flow_log_athena_columns"](None, "parquet", None)[0]["name"] == "version"


def test_athena_columns_errors():
    assert "unknown file_format 'orc'" in filter_error("flow_log_athena_columns", V5, "orc")
    assert "unknown field ${srcadr}" in filter_error("flow_log_athena_columns", "${srcadr}")


def test_insights_parse():
    assert FILTERS["flow_log_insights_parse"]("${srcaddr} ${next-hop-az-id} ${end}") == (
        'parse @message "* * *" as srcAddr, nextHopAzId, endTime')
    clause = FILTERS["flow_log_insights_parse"](None)
    assert clause.count("*") == 14 and clause.endswith("action, logStatus")
    assert "duplicate field ${end}" in filter_error("flow_log_insights_parse", "${end} ${end}")


def test_parse_record():
    record = FILTERS["flow_log_parse_record"](EXAMPLE)
    assert record["dstport"] == 22 and record["action"] == "ACCEPT"
    assert record["account-id"] == "123456789010"
    short = FILTERS["flow_log_parse_record"]("10.0.1.5 - 840", "${srcaddr} ${dstaddr} ${bytes}")
    assert short == {"srcaddr": "10.0.1.5", "dstaddr": None, "bytes": 840}
    untyped = FILTERS["flow_log_parse_record"]("10.0.1.5 - 840", "${srcaddr} ${dstaddr} ${bytes}",
                                               typed="no")
    assert untyped == {"srcaddr": "10.0.1.5", "dstaddr": None, "bytes": "840"}


@pytest.mark.parametrize("line, log_format, expected", [
    ("1 2", None, "record has 2 values but the format has 14 fields"),
    ("x y", "${srcaddr} ${bytes}", "field ${bytes} expects an integer or '-', got 'y'"),
    ("x y", "${srcaddr} ${byte}", "unknown field ${byte}; did you mean ${bytes}?"),
])
def test_parse_record_errors(line, log_format, expected):
    assert expected in filter_error("flow_log_parse_record", line, log_format)


def test_parse_record_rejects_non_boolean_typed():
    with pytest.raises(AnsibleFilterError) as caught:
        FILTERS["flow_log_parse_record"]("1", "${version}", typed="maybe")
    assert str(caught.value).startswith("typed must be a boolean, got 'maybe'")


def test_format_problems_lists_every_problem_without_raising():
    problems = FilterModule().filters()["flow_log_format_problems"]
    assert problems("${version} ${srcaddr}") == []
    found = problems("${version} ${srcadr} ${version}")
    assert any("did you mean ${srcaddr}" in p for p in found)
    assert any("duplicate" in p for p in found)
    assert len(found) == 2
    assert problems("${version} ${instance-tag}") != []
    assert problems("${version} ${instance-tag}", [{"resource_type": "instance", "tag_keys": ["a"]}]) == []


TGW_DROPS = "${tgw-attachment-id} ${protocol} ${packets-lost-blackhole}"


def test_filters_take_a_resource_type():
    assert FILTERS["flow_log_fields"](TGW_DROPS, resource_type="TransitGateway") == [
        "tgw-attachment-id", "protocol", "packets-lost-blackhole"]
    assert FILTERS["flow_log_fields"](None, resource_type="TransitGateway")[:2] == ["version", "resource-type"]
    assert FILTERS["flow_log_normalize"](None, "TransitGatewayAttachment").startswith("${version} ${resource-type}")
    assert FILTERS["flow_log_version"](TGW_DROPS, "TransitGateway") == 6
    assert FILTERS["flow_log_athena_columns"](TGW_DROPS, "parquet", resource_type="TransitGateway") == [
        {"name": "tgw_attachment_id", "type": "string", "field": "tgw-attachment-id"},
        {"name": "protocol", "type": "int", "field": "protocol"},
        {"name": "packets_lost_blackhole", "type": "bigint", "field": "packets-lost-blackhole"}]
    assert FILTERS["flow_log_insights_parse"](TGW_DROPS, "TransitGateway") == (
        'parse @message "* * *" as tgwAttachmentId, protocol, packetsLostBlackhole')
    assert FILTERS["flow_log_parse_record"]("tgw-attach-1 6 0", TGW_DROPS, resource_type="TransitGateway") == {
        "tgw-attachment-id": "tgw-attach-1", "protocol": 6, "packets-lost-blackhole": 0}
    # The VPC catalogue (the default) names transit gateway fields as such.
    assert "exists only in transit gateway" in filter_error("flow_log_fields", TGW_DROPS)
    assert FILTERS["flow_log_format_problems"]("${action}", resource_type="TransitGateway") == [
        "field ${action} exists only in VPC flow log records, not in the transit gateway records of TransitGateway"]


def test_format_problems_check_tag_field_specifications():
    assert FILTERS["flow_log_format_problems"](
        "${srcaddr} ${interface-tag-2}", [{"resource_type": "network-interface", "tag_keys": ["Name"]}]) == [
        "${interface-tag-2} in log_format needs a second tag key in tag_field_specifications[0].tag_keys "
        "(the first key fills ${interface-tag})"]
    assert FILTERS["flow_log_format_problems"]("${srcaddr}", [{"resource_type": "instance", "tag_keys": []}]) == [
        "tag_field_specifications[0].tag_keys has 0 keys; AWS takes 1 or 2"]
