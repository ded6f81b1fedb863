# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_insights.py.

Insights queries and the REJECT metric filter pattern are generated for several formats
and checked against sample records rendered by the format engine: the query's parse
clause (read by the glob oracle in insights_oracle.py) must yield exactly what
``parse_record`` yields, every field a query reads must be one its parse clause defines,
and the filter pattern (read by the filter-pattern oracle) must match exactly the
records whose action is REJECT.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import DEFAULT_FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import INSIGHTS_DISCOVERED_FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import insights_field_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import insights_parse_clause
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_record
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import INSIGHTS_QUERIES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import INSIGHTS_QUERY_KEYS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import METRIC_FILTER_PATTERN_MAX
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import FlowLogInsightsError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import format_fields
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import insights_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import query_names
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import reject_filter_pattern
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import space_delimited_filter_pattern

from insights_oracle import filter_pattern_matches
from insights_oracle import glob_parse
from insights_oracle import sample_records
from insights_oracle import split_query

# The formats of the "Done when" (default, v3, v5, v7 ECS, minimal three-field),
# the custom format of seed 001, and the whole catalogue at once.
FORMATS = {
    "default": None,
    "v3": "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} "
          "${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} "
          "${start} ${end} ${action} ${tcp-flags} ${log-status}",
    "v5": "${version} ${account-id} ${vpc-id} ${subnet-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
          "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction} "
          "${traffic-path} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${region} ${az-id}",
    "v7_ecs": "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} "
              "${action} ${ecs-cluster-name} ${ecs-cluster-arn} ${ecs-service-name} ${ecs-task-id} "
              "${ecs-container-id} ${flow-direction}",
    "minimal": "${srcaddr} ${dstaddr} ${action}",
    "seed_001": "${traffic-path} ${flow-direction} ${region} ${account-id} ${interface-id} ${srcaddr} "
                "${dstaddr} ${srcport} ${dstport} ${action} ${log-status}",
    "everything": " ".join("${%s}" % name for name in FIELDS),
}

# Insights names of every catalogue field: a query may read only those its parse clause defines.
ALL_INSIGHTS_NAMES = set(insights_field_name(name) for name in FIELDS)
# Names a query defines itself (stats aliases) or Insights provides (@timestamp...).
_IDENTIFIER = re.compile(r'"[^"]*"|@?[A-Za-z_][A-Za-z0-9_]*')


def _fields(name):
    return format_fields(FORMATS[name])


def _identifiers(command):
    return [token for token in _IDENTIFIER.findall(command) if not token.startswith('"')]


# ---------------------------------------------------------------------------------------
# The oracles themselves, against AWS's documented example
# ---------------------------------------------------------------------------------------
# The VPC user guide's metric filter for rejected SSH, and lines of its documented test data:
# the two REJECTed port-22 records match; the ACCEPTed one and the port-80 one do not.
AWS_SSH_PATTERN = ('[version, account, eni, source, destination, srcport, destport="22", protocol="6", '
                   'packets, bytes, windowstart, windowend, action="REJECT", flowlogstatus]')
AWS_SSH_EVENTS = [
    ("2 086112738802 eni-0d5d75b41f9befe9e 61.177.172.128 172.31.83.158 39611 22 6 1 40 1563108188 1563108227 REJECT OK", True),
    ("2 086112738802 eni-0d5d75b41f9befe9e 182.68.238.8 172.31.83.158 42227 22 6 1 44 1563109030 1563109067 REJECT OK", True),
    ("2 086112738802 eni-0d5d75b41f9befe9e 42.171.23.181 172.31.83.158 52417 22 6 24 4065 1563191069 1563191121 ACCEPT OK", False),
    ("2 086112738802 eni-0d5d75b41f9befe9e 61.177.172.128 172.31.83.158 39611 80 6 1 40 1563108188 1563108227 REJECT OK", False),
]


@pytest.mark.parametrize("event, expected", AWS_SSH_EVENTS)
def test_filter_oracle_agrees_with_aws_documented_example(event, expected):
    assert filter_pattern_matches(AWS_SSH_PATTERN, event) is expected


def test_filter_oracle_field_count_ellipsis_and_operators():
    assert not filter_pattern_matches("[a, b]", "1 2 3")
    assert filter_pattern_matches("[a, ...]", "1 2 3")
    assert filter_pattern_matches('[..., c="3"]', "1 2 3")
    assert filter_pattern_matches('[ip, user, ..., status=4*, size]', '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 404 7')
    assert filter_pattern_matches("[a, b>=2, c!=4]", "1 2 3")
    assert not filter_pattern_matches("[a, b>2]", "1 2")
    assert not filter_pattern_matches("[a, b>2]", "1 x")


def test_glob_oracle():
    assert glob_parse('parse @message "user=*, method:*" as user, method', "user=bob, method:GET") == {
        "user": "bob", "method": "GET"}
    assert glob_parse('parse @message "* *" as a, b', "one") is None
    # Surplus values go to the last field (the documented limit of glob parsing).
    assert glob_parse('parse @message "* *" as a, b', "1 2 3") == {"a": "1", "b": "2 3"}


# ---------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_query_starts_with_the_engines_parse_clause(name):
    fields = _fields(name)
    result = insights_queries(FORMATS[name])
    assert result["fields"] == fields
    assert result["parse_clause"] == insights_parse_clause(fields)
    for query in result["queries"]:
        clause, commands = split_query(query["query_string"])
        assert clause == insights_parse_clause(fields), query["key"]
        assert commands, query["key"]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_parse_clause_yields_what_the_engine_parses(name):
    fields = _fields(name)
    records = sample_records(fields)
    for query in insights_queries(FORMATS[name])["queries"]:
        clause, _commands = split_query(query["query_string"])
        for line, _action in records:
            parsed = glob_parse(clause, line)
            expected = parse_record(line, fields, typed=False)
            assert parsed == dict((insights_field_name(f), "-" if v is None else v) for f, v in expected.items())


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_queries_read_only_fields_their_parse_clause_defines(name):
    fields = _fields(name)
    defined = set(insights_field_name(f) for f in fields)
    for query in insights_queries(FORMATS[name])["queries"]:
        _clause, commands = split_query(query["query_string"])
        read = set(t for c in commands for t in _identifiers(c) if t in ALL_INSIGHTS_NAMES)
        assert read <= defined, "%s reads %s, which the format lacks" % (query["key"], read - defined)
        assert read == set(insights_field_name(f) for f in query["fields"]), query["key"]
        assert set(INSIGHTS_QUERIES[query["key"]].required) <= set(query["fields"])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_a_query_is_generated_exactly_when_its_required_fields_exist(name):
    fields = _fields(name)
    result = insights_queries(FORMATS[name])
    generated = [q["key"] for q in result["queries"]]
    skipped = [s["key"] for s in result["skipped"]]
    assert sorted(generated + skipped) == sorted(INSIGHTS_QUERY_KEYS)
    for key in INSIGHTS_QUERY_KEYS:
        missing = [f for f in INSIGHTS_QUERIES[key].required if f not in fields]
        assert (key in skipped) == bool(missing)
    for entry in result["skipped"]:
        assert entry["missing_fields"] == [f for f in INSIGHTS_QUERIES[entry["key"]].required if f not in fields]
        assert entry["reason"] == "the format has no " + ", ".join("${%s}" % f for f in entry["missing_fields"])


def test_expected_queries_per_format():
    def keys(name):
        return [q["key"] for q in insights_queries(FORMATS[name])["queries"]]

    assert keys("default") == ["top_talkers", "top_talkers_by_packets", "rejected_traffic", "rejected_by_source",
                               "traffic_by_protocol", "top_destination_ports", "ssh_rdp_traffic", "traffic_over_time"]
    assert keys("minimal") == ["rejected_traffic", "rejected_by_source"]
    assert keys("seed_001") == ["rejected_traffic", "rejected_by_source", "egress_by_account", "egress_by_interface",
                                "ssh_rdp_traffic"]
    assert keys("v5") == list(INSIGHTS_QUERY_KEYS)
    assert keys("everything") == list(INSIGHTS_QUERY_KEYS)
    assert "egress_by_interface" in keys("v7_ecs") and "egress_by_account" not in keys("v7_ecs")
    skipped = insights_queries(FORMATS["minimal"])["skipped"]
    assert skipped[0] == {"key": "top_talkers", "title": "Top talkers by bytes", "missing_fields": ["bytes"],
                          "reason": "the format has no ${bytes}"}


def test_default_format_queries_use_the_names_insights_discovers():
    # The seed's top-talkers query uses lower-case srcaddr/dstaddr, which are not the discovered
    # names (srcAddr, dstAddr); the generated queries use the discovered ones.
    for query in insights_queries(None)["queries"]:
        _clause, commands = split_query(query["query_string"])
        read = set(t for c in commands for t in _identifiers(c) if t in ALL_INSIGHTS_NAMES)
        assert read <= set(INSIGHTS_DISCOVERED_FIELDS)
    assert insights_queries(None)["parse_clause"].endswith(" as " + ", ".join(INSIGHTS_DISCOVERED_FIELDS))


def test_query_texts_for_the_default_format():
    queries = dict((q["key"], q["query_string"]) for q in insights_queries(None)["queries"])
    clause = insights_parse_clause(DEFAULT_FIELDS)
    assert queries["top_talkers"] == "\n| ".join([
        clause, "stats sum(bytes) as totalBytes, count(*) as flows by srcAddr, dstAddr", "sort totalBytes desc",
        "limit 10"])
    assert queries["rejected_traffic"] == "\n| ".join([
        clause, 'filter action = "REJECT"',
        "fields @timestamp, interfaceId, srcAddr, srcPort, dstAddr, dstPort, protocol, packets, bytes",
        "sort @timestamp desc", "limit 20"])
    assert queries["ssh_rdp_traffic"].endswith(
        "| filter dstPort = 22 or dstPort = 3389\n| stats count(*) as flows by srcAddr, dstAddr, dstPort, action"
        "\n| sort flows desc\n| limit 20")


def test_optional_fields_shape_the_query():
    with_bytes = dict((q["key"], q) for q in insights_queries(FORMATS["v5"])["queries"])
    without = dict((q["key"], q) for q in insights_queries(FORMATS["seed_001"])["queries"])
    assert "sum(bytes) as egressBytes, count(*) as flows by accountId" in with_bytes["egress_by_account"]["query_string"]
    assert "| sort egressBytes desc" in with_bytes["egress_by_account"]["query_string"]
    assert "stats count(*) as flows by accountId\n| sort flows desc" in without["egress_by_account"]["query_string"]
    top = insights_queries("${srcaddr} ${bytes}")["queries"][0]
    assert top["key"] == "top_talkers" and "by srcAddr\n" in top["query_string"]
    assert "count_distinct" not in dict((q["key"], q) for q in insights_queries(
        FORMATS["minimal"])["queries"])["rejected_by_source"]["query_string"]


def test_requested_keys_in_order_without_duplicates():
    result = insights_queries(None, ["ssh_rdp_traffic", "top_talkers", "ssh_rdp_traffic", "egress_by_account"])
    assert [q["key"] for q in result["queries"]] == ["ssh_rdp_traffic", "top_talkers"]
    assert [s["key"] for s in result["skipped"]] == ["egress_by_account"]
    assert [q["key"] for q in insights_queries(None, "top_talkers")["queries"]] == ["top_talkers"]
    assert insights_queries(None, [])["queries"] == []


def test_unknown_keys_are_rejected_with_the_valid_ones():
    with pytest.raises(FlowLogInsightsError) as error:
        insights_queries(None, ["top_talkers", "top_talker", "nope"])
    assert "'top_talker', 'nope'" in str(error.value)
    assert "top_talkers, top_talkers_by_packets" in str(error.value)
    with pytest.raises(FlowLogInsightsError):
        insights_queries(None, {"top_talkers": True})


def test_invalid_formats_raise_the_engines_error():
    with pytest.raises(FlowLogFormatError, match="did you mean"):
        insights_queries("${version} ${srcadr}")
    with pytest.raises(FlowLogFormatError):
        insights_queries([])
    with pytest.raises(FlowLogFormatError):
        insights_queries(["srcaddr", "bogus"])


def test_tag_fields_need_no_specification_to_be_queried():
    result = insights_queries("${srcaddr} ${instance-tag} ${action}")
    assert result["parse_clause"] == 'parse @message "* * *" as srcAddr, instanceTag, action'


def test_list_of_fields_is_accepted():
    assert insights_queries(["srcaddr", "dstaddr", "action"]) == insights_queries(FORMATS["minimal"])


def test_query_names():
    queries = insights_queries(None, ["top_talkers", "rejected_traffic"])["queries"]
    named = query_names(queries, "/flowlogs/prod/")
    assert [q["name"] for q in named] == ["flowlogs/prod/Top talkers by bytes", "flowlogs/prod/Rejected connections"]
    assert "name" not in queries[0]
    assert [q["name"] for q in query_names(queries)] == ["Top talkers by bytes", "Rejected connections"]
    assert [q["name"] for q in query_names(queries, "")] == ["Top talkers by bytes", "Rejected connections"]
    with pytest.raises(FlowLogInsightsError, match="longer than 255"):
        query_names(queries, "x" * 250)
    with pytest.raises(FlowLogInsightsError):
        query_names(queries, 7)


def test_every_catalogue_entry_names_real_fields():
    for spec in INSIGHTS_QUERIES.values():
        assert spec.required and set(spec.required) <= set(FIELDS)
        assert set(spec.optional) <= set(FIELDS)
        assert len(spec.title) <= 60 and spec.description.endswith(".")


# ---------------------------------------------------------------------------------------
# REJECT metric filter pattern
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_reject_pattern_matches_exactly_the_rejected_records(name):
    fields = _fields(name)
    pattern = reject_filter_pattern(FORMATS[name])
    records = sample_records(fields)
    assert any(action == "REJECT" for _line, action in records)
    assert any(action != "REJECT" for _line, action in records)
    for line, _action in records:
        engine = parse_record(line, fields)
        assert filter_pattern_matches(pattern, line) is (engine["action"] == "REJECT"), line


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_reject_pattern_puts_the_condition_at_the_action_position(name):
    fields = _fields(name)
    pattern = reject_filter_pattern(FORMATS[name])
    terms = [t.strip() for t in pattern[1:-1].split(",")]
    assert len(terms) == len(fields)
    assert terms[fields.index("action")] == 'action="REJECT"'
    assert sum('="REJECT"' in t for t in terms) == 1
    assert len(pattern) <= METRIC_FILTER_PATTERN_MAX


def test_reject_pattern_for_the_default_format_is_awss_shape():
    assert reject_filter_pattern(None) == (
        "[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, "
        'start, end, action="REJECT", log_status]')
    assert reject_filter_pattern(FORMATS["minimal"]) == '[srcaddr, dstaddr, action="REJECT"]'


def test_reject_pattern_is_specific_to_its_format():
    # A REJECT record of another format (another field count or position) must not count.
    default_rejects = [line for line, action in sample_records(list(DEFAULT_FIELDS)) if action == "REJECT"]
    for name in ("v3", "v5", "minimal", "seed_001"):
        pattern = reject_filter_pattern(FORMATS[name])
        assert not any(filter_pattern_matches(pattern, line) for line in default_rejects), name
    # Same field count, action elsewhere: the position decides.
    moved = "${action} ${srcaddr} ${dstaddr}"
    assert not filter_pattern_matches(reject_filter_pattern(moved), "203.0.113.1 10.0.0.1 REJECT")
    assert filter_pattern_matches(reject_filter_pattern(moved), "REJECT 203.0.113.1 10.0.0.1")


def test_reject_pattern_needs_the_action_field():
    with pytest.raises(FlowLogInsightsError, match=r"the format has no \$\{action\}"):
        reject_filter_pattern("${srcaddr} ${dstaddr} ${bytes}")


def test_long_formats_fall_back_to_positional_names():
    fields = list(FIELDS)
    long_names = [f for f in fields if len(f) > 20]
    assert long_names
    conditions = dict((f, "0123456789") for f in fields)
    pattern = space_delimited_filter_pattern(fields, conditions)
    assert pattern.startswith('[f1="0123456789", f2="0123456789"') and len(pattern) <= METRIC_FILTER_PATTERN_MAX
    line = " ".join(["0123456789"] * len(fields))
    assert filter_pattern_matches(pattern, line)


def test_filter_pattern_conditions_are_checked():
    with pytest.raises(FlowLogInsightsError, match="unknown field"):
        space_delimited_filter_pattern(None, {"acton": "REJECT"})
    with pytest.raises(FlowLogInsightsError, match="non-empty dict"):
        space_delimited_filter_pattern(None, {})
    for bad in ("two words", 'quo"te', "", True):
        with pytest.raises(FlowLogInsightsError, match="one token"):
            space_delimited_filter_pattern(None, {"action": bad})
    pattern = space_delimited_filter_pattern(None, {"dstport": 22, "protocol": 6, "action": "REJECT"})
    assert 'dstport="22", protocol="6"' in pattern
    lines = sample_records(list(DEFAULT_FIELDS), count=24)
    for line, _action in lines:
        record = parse_record(line, list(DEFAULT_FIELDS))
        expected = record["dstport"] == 22 and record["protocol"] == 6 and record["action"] == "REJECT"
        assert filter_pattern_matches(pattern, line) is expected


# ---------------------------------------------------------------------------------------
# Any format: random field subsets and orders
# ---------------------------------------------------------------------------------------
_NAMES = sorted(FIELDS)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=25, unique=True), st.booleans())
def test_any_format(fields, with_action):
    if with_action and "action" not in fields:
        fields = fields + ["action"]
    log_format = " ".join("${%s}" % f for f in fields)
    result = insights_queries(log_format)
    records = sample_records(fields, count=6)
    for query in result["queries"]:
        clause, _commands = split_query(query["query_string"])
        for line, _action in records:
            expected = parse_record(line, fields, typed=False)
            assert glob_parse(clause, line) == dict(
                (insights_field_name(f), "-" if v is None else v) for f, v in expected.items())
    if "action" in fields:
        pattern = reject_filter_pattern(log_format)
        for line, action in records:
            assert filter_pattern_matches(pattern, line) is (action == "REJECT")
    else:
        with pytest.raises(FlowLogInsightsError):
            reject_filter_pattern(log_format)
    specs = [{"resource_type": kind, "tag_keys": ["a", "b"]}
             for kind in ("instance", "network-interface", "auto-scaling-group")]
    assert parse_format(log_format, specs) == fields


@pytest.mark.parametrize("traffic_type, left_out", [
    ("ACCEPT", ["rejected_traffic", "rejected_by_source"]),
    ("REJECT", []),  # no Insights query keeps only accepted records
    ("ALL", []),
    (None, []),
])
def test_queries_that_can_only_return_nothing_for_the_traffic_type_are_skipped(traffic_type, left_out):
    result = insights_queries(None, traffic_type=traffic_type)
    # The default format lacks some queries' fields: those are skipped for that reason, with the fields named.
    by_traffic = [s for s in result["skipped"] if not s["missing_fields"]]
    assert [s["key"] for s in by_traffic] == left_out
    for skip in by_traffic:
        assert skip["missing_fields"] == []
        assert skip["reason"] == "the flow log captures only ACCEPT traffic, so a query of REJECT records returns nothing"
    assert not set(left_out) & set(q["key"] for q in result["queries"])


def test_a_bad_traffic_type_is_refused():
    with pytest.raises(FlowLogInsightsError, match="traffic_type must be one of ACCEPT, REJECT, ALL, got 'all'"):
        insights_queries(None, traffic_type="all")
