# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_format.py (the format engine)."""

import datetime
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import (
    DEFAULT_FIELDS,
    DEFAULT_FORMAT,
    FIELDS,
    FILE_FORMATS,
    INSIGHTS_DISCOVERED_FIELDS,
    TAG_FIELDS,
    Field,
    FlowLogFormatError,
    athena_column_name,
    athena_columns,
    closest_field,
    header_line,
    insights_field_name,
    insights_parse_clause,
    normalize_format,
    normalize_prefix,
    parse_format,
    parse_record,
    partition_projection,
    partition_values,
    quote_identifier,
    record_version,
    render_record,
    s3_layout,
    s3_object_key,
)

# One entry per taggable resource type, two keys each: every tag field has a key to show.
TAG_SPECS = [
    {"resource_type": "instance", "tag_keys": ["Name", "team"]},
    {"resource_type": "network-interface", "tag_keys": ["Name", "team"]},
    {"resource_type": "auto-scaling-group", "tag_keys": ["Name", "team"]},
]

# AWS "Available fields" table, version by version (VPC user guide; v8-v11
# from the 2026 record documentation). Version 6 is Transit Gateway only.
AWS_FIELDS_BY_VERSION = {
    2: ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
        "protocol", "packets", "bytes", "start", "end", "action", "log-status"],
    3: ["vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr"],
    4: ["region", "az-id", "sublocation-type", "sublocation-id"],
    5: ["pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path"],
    7: ["ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
        "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
        "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id"],
    8: ["reject-reason"],
    9: ["resource-id"],
    10: ["encryption-status"],
    11: ["instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2", "asg-tag",
         "asg-tag-2", "interface-type", "next-hop-interface-id", "next-hop-subnet-id",
         "next-hop-az-id", "next-hop-vpc-id", "next-hop-interface-type"],
}

# Confirmed types (AWS Athena DDL for v2-v5, Parquet types from the VPC guide).
CONFIRMED_TYPES = {
    "version": ("int", "INT_32"), "account-id": ("string", "STRING"),
    "interface-id": ("string", "STRING"), "srcaddr": ("string", "STRING"),
    "dstaddr": ("string", "STRING"), "srcport": ("int", "INT_32"), "dstport": ("int", "INT_32"),
    "protocol": ("bigint", "INT_32"), "packets": ("bigint", "INT_64"),
    "bytes": ("bigint", "INT_64"), "start": ("bigint", "INT_64"), "end": ("bigint", "INT_64"),
    "action": ("string", "STRING"), "log-status": ("string", "STRING"),
    "vpc-id": ("string", "STRING"), "subnet-id": ("string", "STRING"),
    "instance-id": ("string", "STRING"), "tcp-flags": ("int", "INT_32"),
    "type": ("string", "STRING"), "pkt-srcaddr": ("string", "STRING"),
    "pkt-dstaddr": ("string", "STRING"), "region": ("string", "STRING"),
    "az-id": ("string", "STRING"), "sublocation-type": ("string", "STRING"),
    "sublocation-id": ("string", "STRING"), "pkt-src-aws-service": ("string", "STRING"),
    "pkt-dst-aws-service": ("string", "STRING"), "flow-direction": ("string", "STRING"),
    "traffic-path": ("int", "INT_32"),
}
INTEGER_FIELDS = {"version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
                  "tcp-flags", "traffic-path", "encryption-status"}


def fmt(*names):
    return " ".join("${%s}" % name for name in names)


V3_FORMAT = fmt(*(AWS_FIELDS_BY_VERSION[2] + AWS_FIELDS_BY_VERSION[3]))
V5_FORMAT = fmt("version", "vpc-id", "subnet-id", "instance-id", "interface-id", "account-id",
                "type", "srcaddr", "dstaddr", "srcport", "dstport", "pkt-srcaddr", "pkt-dstaddr",
                "protocol", "bytes", "packets", "start", "end", "action", "tcp-flags",
                "log-status", "region", "az-id", "flow-direction", "traffic-path",
                "pkt-src-aws-service", "pkt-dst-aws-service")
V7_ECS_FORMAT = fmt("version", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "bytes",
                    "start", "end", "action", "ecs-cluster-name", "ecs-service-name",
                    "ecs-task-id", "ecs-container-id")
V11_FORMAT = fmt("version", "srcaddr", "dstaddr", "bytes", "instance-tag", "interface-type",
                 "next-hop-az-id", "next-hop-interface-id")
MINIMAL_FORMAT = fmt("srcaddr", "dstaddr", "bytes")
FORMATS = {
    "default": DEFAULT_FORMAT,
    "v3": V3_FORMAT,
    "v5": V5_FORMAT,
    "v7-ecs": V7_ECS_FORMAT,
    "minimal": MINIMAL_FORMAT,
}


def error_of(func, *args, **kwargs):
    with pytest.raises(FlowLogFormatError) as caught:
        func(*args, **kwargs)
    return str(caught.value)


# ---------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------
def test_catalogue_matches_aws_table_in_order():
    expected = [name for version in sorted(AWS_FIELDS_BY_VERSION)
                for name in AWS_FIELDS_BY_VERSION[version]]
    assert list(FIELDS) == expected
    assert len(FIELDS) == 54
    for version, names in AWS_FIELDS_BY_VERSION.items():
        assert [n for n, f in FIELDS.items() if f.version == version] == names


def test_no_field_has_version_6_and_versions_never_decrease():
    versions = [field.version for field in FIELDS.values()]
    assert 6 not in versions
    assert versions == sorted(versions)
    assert set(versions) == {2, 3, 4, 5, 7, 8, 9, 10, 11}


def test_field_tuple_shape():
    assert Field._fields == ("name", "version", "athena_type", "parquet_type", "insights_name",
                             "description", "type_inferred")
    for name, field in FIELDS.items():
        assert field.name == name
        assert field.description and field.description.endswith(".")


def test_default_format_and_fields():
    assert DEFAULT_FORMAT == (
        "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
        "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")
    assert DEFAULT_FIELDS == tuple(AWS_FIELDS_BY_VERSION[2])
    assert parse_format(None) == list(DEFAULT_FIELDS)
    assert parse_format(DEFAULT_FORMAT) == list(DEFAULT_FIELDS)
    # A fresh list each time: callers may mutate it.
    parse_format(None).append("x")
    assert parse_format(None) == list(DEFAULT_FIELDS)


def test_tag_fields():
    assert TAG_FIELDS == frozenset(["instance-tag", "instance-tag-2", "interface-tag",
                                    "interface-tag-2", "asg-tag", "asg-tag-2"])
    assert all(FIELDS[name].version == 11 for name in TAG_FIELDS)


def test_confirmed_types():
    for name, (athena, parquet) in CONFIRMED_TYPES.items():
        assert (FIELDS[name].athena_type, FIELDS[name].parquet_type) == (athena, parquet), name
        assert FIELDS[name].type_inferred is False, name


def test_types_from_v7_on_are_marked_inferred():
    inferred = {name for name, field in FIELDS.items() if field.type_inferred}
    assert inferred == {name for name, field in FIELDS.items() if field.version >= 7}
    assert FIELDS["encryption-status"].athena_type == "string"
    assert FIELDS["encryption-status"].parquet_type == "INT_32"


@pytest.mark.parametrize("name", list(FIELDS))
def test_every_field(name):
    field = FIELDS[name]
    specs = TAG_SPECS if name in TAG_FIELDS else None
    assert parse_format("${%s}" % name, specs) == [name]
    assert normalize_format("${%s}" % name) == "${%s}" % name
    assert 2 <= field.version <= 11 and field.version != 6
    assert record_version([name]) == field.version
    assert athena_column_name(name) == name.replace("-", "_")
    assert "-" not in athena_column_name(name)
    assert field.athena_type in ("int", "bigint", "string")
    assert field.parquet_type in ("INT_32", "INT_64", "STRING")
    # Text and Parquet agree except for protocol (bigint vs INT_32) and the
    # string-safe text type of encryption-status.
    parquet_athena = {"INT_32": "int", "INT_64": "bigint", "STRING": "string"}[field.parquet_type]
    if name not in ("protocol", "encryption-status"):
        assert field.athena_type == parquet_athena
    text_col, = athena_columns([name])
    parquet_col, = athena_columns([name], "parquet")
    assert text_col == {"name": name.replace("-", "_"), "type": field.athena_type, "field": name}
    assert parquet_col["type"] == parquet_athena
    assert re.match(r"^[a-z][A-Za-z0-9]*$", insights_field_name(name))
    assert (name in INTEGER_FIELDS) == (field.parquet_type != "STRING")


@pytest.mark.parametrize("name", sorted(TAG_FIELDS))
def test_tag_field_alone_needs_specifications(name):
    message = error_of(parse_format, "${%s}" % name)
    assert message == ("invalid log_format: tag field ${%s} needs tag_field_specifications "
                       "(resource_type and tag_keys for each tagged resource kind)" % name)
    assert parse_format("${%s}" % name, tag_field_specifications=True) == [name]


def test_tag_specifications_empty_list_is_not_enough():
    assert "needs tag_field_specifications" in error_of(parse_format, "${asg-tag}", [])
    assert "needs tag_field_specifications" in error_of(parse_format, "${asg-tag}", {})


def test_all_fields_at_once():
    everything = fmt(*FIELDS)
    assert parse_format(everything, TAG_SPECS) == list(FIELDS)
    assert record_version(everything) == 11
    assert len(athena_columns(everything)) == 54


# ---------------------------------------------------------------------------
# Validation errors
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("log_format, expected", [
    ("", "invalid log_format: log_format is empty or blank (''); give at least one ${field}, "
         "or omit it for the default format"),
    ("   ", "invalid log_format: log_format is empty or blank ('   ')"),
    ("\t\n", "log_format is empty or blank ('\\t\\n')"),
    (42, "invalid log_format: log_format must be a string of ${field} tokens, got int"),
    (["${srcaddr}"], "log_format must be a string of ${field} tokens, got list"),
    (" ${srcaddr}", "invalid log_format: log_format has leading whitespace ' '; AWS rejects it"),
    ("${srcaddr} ", "invalid log_format: log_format has trailing whitespace ' '; AWS rejects it"),
    ("${srcaddr}\n", "log_format has trailing whitespace '\\n'"),
    ("${srcaddr}  ${dstaddr}",
     "invalid log_format: separator '  ' between '${srcaddr}' and '${dstaddr}' must be "
     "exactly one space"),
    ("${srcaddr}\t${dstaddr}", "separator '\\t' between '${srcaddr}' and '${dstaddr}'"),
    ("${srcaddr},${dstaddr}",
     "invalid log_format: token '${srcaddr},${dstaddr}' joins 2 fields; separate fields with "
     "exactly one space"),
    ("${srcaddr}, ${dstaddr}",
     "invalid log_format: token '${srcaddr},' has text besides ${srcaddr}; separate fields "
     "with exactly one space and no other characters"),
    ("${version} ${interface-id",
     "invalid log_format: token '${interface-id' is missing its closing brace '}'; "
     "did you mean ${interface-id}?"),
    ("${version} ${zzzzzz", "token '${zzzzzz' is missing its closing brace '}'"),
    ("${version} srcaddr",
     "invalid log_format: token 'srcaddr' is not a field reference of the form ${field-name}; "
     "literal text is not allowed"),
    ("${version} $srcaddr",
     "invalid log_format: token '$srcaddr' is not a field reference; write fields as "
     "${field-name}"),
    ("${version} {srcaddr}", "token '{srcaddr}' is not a field reference"),
    ("${version} ${}", "invalid log_format: token '${}' names no field"),
    ("${version} ${srcadr}", "invalid log_format: unknown field ${srcadr}; did you mean ${srcaddr}?"),
    ("${version} ${frobnicate}", "invalid log_format: unknown field ${frobnicate}"),
    ("${srcaddr} ${dstaddr} ${srcaddr}",
     "invalid log_format: duplicate field ${srcaddr} (positions 1 and 3)"),
    ("${version} ${instance-tag} ${asg-tag-2}",
     "invalid log_format: tag fields ${instance-tag}, ${asg-tag-2} need "
     "tag_field_specifications"),
])
def test_validation_messages(log_format, expected):
    message = error_of(parse_format, log_format)
    assert expected in message
    # Exactly one problem for each of these inputs.
    assert "problems" not in message


def test_unknown_field_without_close_match_has_no_suggestion():
    message = error_of(parse_format, "${frobnicate}")
    assert message == "invalid log_format: unknown field ${frobnicate}"
    assert "did you mean" not in message


def test_all_problems_are_collected_in_one_error():
    log_format = " ${srcadr}  ${dstaddr} ${dstaddr} ${interface-id ${instance-tag} bogus "
    with pytest.raises(FlowLogFormatError) as caught:
        parse_format(log_format)
    error = caught.value
    assert len(error.problems) == 8
    message = str(error)
    assert message.startswith("invalid log_format (8 problems): (1) log_format has leading")
    for fragment in ["leading whitespace ' '", "trailing whitespace ' '",
                     "separator '  ' between '${srcadr}' and '${dstaddr}'",
                     "unknown field ${srcadr}; did you mean ${srcaddr}?",
                     "duplicate field ${dstaddr} (positions 2 and 3)",
                     "token '${interface-id' is missing its closing brace",
                     "token 'bogus' is not a field reference",
                     "tag field ${instance-tag} needs tag_field_specifications"]:
        assert fragment in message
    assert isinstance(error, ValueError)


def test_joined_token_fields_are_still_checked():
    message = error_of(parse_format, "${srcaddr},${srcadr}")
    assert "joins 2 fields" in message
    assert "unknown field ${srcadr}; did you mean ${srcaddr}?" in message


@pytest.mark.parametrize("typo, suggestion", [
    ("srcadr", "srcaddr"),
    ("dstadr", "dstaddr"),
    ("acount-id", "account-id"),
    ("account_id", "account-id"),
    ("Interface-ID", "interface-id"),
    ("log_status", "log-status"),
    ("logstatus", "log-status"),
    ("tcpflags", "tcp-flags"),
    ("protocl", "protocol"),
    ("byte", "bytes"),
    ("pkt-src-addr", "pkt-srcaddr"),
    ("flow-dir", "flow-direction"),
    ("next-hop-azid", "next-hop-az-id"),
    ("ecs-task-arm", "ecs-task-arn"),
    ("instance-tag2", "instance-tag-2"),
])
def test_did_you_mean(typo, suggestion):
    assert closest_field(typo) == suggestion
    if typo != suggestion:
        message = error_of(parse_format, "${%s}" % typo)
        assert message == "invalid log_format: unknown field ${%s}; did you mean ${%s}?" % (
            typo, suggestion)


@pytest.mark.parametrize("nonsense", ["zzzzzz", "foo", "", None, 5, "x"])
def test_closest_field_none(nonsense):
    assert closest_field(nonsense) is None


def test_closest_field_of_valid_name_is_itself():
    assert closest_field("srcaddr") == "srcaddr"


# ---------------------------------------------------------------------------
# Versions and normalisation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("log_format, version", [
    (None, 2),
    (DEFAULT_FORMAT, 2),
    (V3_FORMAT, 3),
    (fmt("srcaddr", "region"), 4),
    (V5_FORMAT, 5),
    (V7_ECS_FORMAT, 7),
    (fmt("version", "reject-reason"), 8),
    (fmt("resource-id", "srcaddr"), 9),
    (fmt("encryption-status"), 10),
    (V11_FORMAT, 11),
    (fmt("next-hop-az-id"), 11),
    (MINIMAL_FORMAT, 2),
])
def test_record_version(log_format, version):
    assert record_version(log_format) == version
    assert record_version(parse_format(log_format, TAG_SPECS)) == version


def test_record_version_rejects_unknown_and_empty():
    assert error_of(record_version, ["srcaddr", "srcadr"]) == (
        "unknown field ${srcadr}; did you mean ${srcaddr}?")
    assert error_of(record_version, []) == "no fields given"


def test_record_version_accepts_field_tuples():
    assert record_version([FIELDS["srcaddr"], FIELDS["traffic-path"]]) == 5


@pytest.mark.parametrize("log_format", [None, DEFAULT_FORMAT])
def test_normalize_default(log_format):
    assert normalize_format(log_format) == DEFAULT_FORMAT


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_normalize_is_identity_on_valid_formats(name):
    assert normalize_format(FORMATS[name]) == FORMATS[name]
    assert normalize_format(normalize_format(FORMATS[name])) == FORMATS[name]


def test_normalize_accepts_tag_fields_without_specifications():
    # What DescribeFlowLogs returns must normalise even without the specs.
    assert normalize_format(V11_FORMAT) == V11_FORMAT


@pytest.mark.parametrize("bad", ["", "${srcaddr} ", "${srcadr}", "${a}${b}"])
def test_normalize_rejects_invalid(bad):
    with pytest.raises(FlowLogFormatError):
        normalize_format(bad)


# ---------------------------------------------------------------------------
# Athena
# ---------------------------------------------------------------------------
def test_athena_columns_default_plain_text():
    columns = athena_columns(None)
    assert [(c["name"], c["type"]) for c in columns] == [
        ("version", "int"), ("account_id", "string"), ("interface_id", "string"),
        ("srcaddr", "string"), ("dstaddr", "string"), ("srcport", "int"), ("dstport", "int"),
        ("protocol", "bigint"), ("packets", "bigint"), ("bytes", "bigint"), ("start", "bigint"),
        ("end", "bigint"), ("action", "string"), ("log_status", "string")]
    assert [c["field"] for c in columns] == list(DEFAULT_FIELDS)


def test_athena_columns_default_parquet():
    types = {c["name"]: c["type"] for c in athena_columns(DEFAULT_FORMAT, "parquet")}
    assert types["protocol"] == "int"
    assert types["version"] == "int"
    assert types["packets"] == types["bytes"] == types["start"] == types["end"] == "bigint"
    assert types["srcport"] == "int"
    assert types["account_id"] == "string"


def test_athena_columns_v5_parquet_keeps_order_and_types():
    columns = athena_columns(V5_FORMAT, "parquet")
    assert [c["field"] for c in columns] == parse_format(V5_FORMAT)
    assert {c["name"]: c["type"] for c in columns}["traffic_path"] == "int"
    assert {c["name"]: c["type"] for c in columns}["pkt_src_aws_service"] == "string"


def test_athena_columns_drop_partition_keys_case_insensitively():
    names = [c["name"] for c in athena_columns(V5_FORMAT, partition_keys=("region", "day"))]
    assert "region" not in names and "az_id" in names
    assert len(names) == len(parse_format(V5_FORMAT)) - 1
    keys = [{"name": "REGION"}, {"name": "Account_Id"}]
    names = [c["name"] for c in athena_columns(V5_FORMAT, partition_keys=keys)]
    assert "region" not in names and "account_id" not in names


def test_athena_columns_unknown_file_format():
    assert error_of(athena_columns, None, "csv") == (
        "unknown file_format 'csv'; expected one of: plain-text, parquet")
    with pytest.raises(FlowLogFormatError):
        athena_columns(None, "Parquet")


def test_athena_columns_reject_unknown_field_list():
    assert "unknown field ${nope}" in error_of(athena_columns, ["srcaddr", "nope"])


@pytest.mark.parametrize("name, quoted", [
    ("end", "`end`"), ("date", "`date`"), ("start", "`start`"), ("END", "`END`"),
    ("srcaddr", "srcaddr"), ("log_status", "log_status"), ("protocol", "protocol"),
    ("aws-account-id", "`aws-account-id`"), ("1st", "`1st`"), ("we`ird", "`we``ird`"),
])
def test_quote_identifier_ddl(name, quoted):
    assert quote_identifier(name) == quoted


def test_quote_identifier_select():
    assert quote_identifier("end", "select") == '"end"'
    assert quote_identifier("start", "select") == "start"
    assert quote_identifier("aws-region", "select") == '"aws-region"'
    assert error_of(quote_identifier, "x", "mysql") == "unknown dialect 'mysql'; expected ddl or select"
    assert "non-empty string" in error_of(quote_identifier, "")


def test_only_start_and_end_columns_need_quoting():
    quoted = [c["name"] for c in athena_columns(fmt(*FIELDS))
              if quote_identifier(c["name"]) != c["name"]]
    assert quoted == ["start", "end"]


# ---------------------------------------------------------------------------
# CloudWatch Logs Insights
# ---------------------------------------------------------------------------
def test_insights_default_clause():
    assert insights_parse_clause(None) == (
        'parse @message "* * * * * * * * * * * * * *" as version, accountId, interfaceId, '
        "srcAddr, dstAddr, srcPort, dstPort, protocol, packets, bytes, startTime, endTime, "
        "action, logStatus")
    assert insights_parse_clause(DEFAULT_FORMAT) == insights_parse_clause(None)


def test_insights_names_of_default_fields_are_the_discovered_ones():
    # CloudWatch Logs documentation, discoverable fields for VPC flow logs.
    discovered = {"accountId", "endTime", "interfaceId", "logStatus", "startTime", "version",
                  "action", "bytes", "dstAddr", "dstPort", "packets", "protocol", "srcAddr",
                  "srcPort"}
    assert set(INSIGHTS_DISCOVERED_FIELDS) == discovered
    assert {insights_field_name(name) for name in DEFAULT_FIELDS} == discovered


@pytest.mark.parametrize("name, insights", [
    ("next-hop-az-id", "nextHopAzId"), ("pkt-srcaddr", "pktSrcAddr"), ("az-id", "azId"),
    ("tcp-flags", "tcpFlags"), ("instance-tag-2", "instanceTag2"),
    ("pkt-dst-aws-service", "pktDstAwsService"), ("ecs-task-definition-arn", "ecsTaskDefinitionArn"),
])
def test_insights_camel_case(name, insights):
    assert insights_field_name(name) == insights
    assert insights_field_name(FIELDS[name]) == insights


def test_insights_custom_clause():
    assert insights_parse_clause(V7_ECS_FORMAT) == (
        'parse @message "* * * * * * * * * * * * * *" as version, srcAddr, dstAddr, srcPort, '
        "dstPort, protocol, bytes, startTime, endTime, action, ecsClusterName, ecsServiceName, "
        "ecsTaskId, ecsContainerId")


@pytest.mark.parametrize("log_format", list(FORMATS.values()) + [V11_FORMAT, fmt(*FIELDS)])
def test_insights_clause_shape(log_format):
    clause = insights_parse_clause(log_format)
    match = re.match(r'^parse @message "([* ]+)" as (.+)$', clause)
    assert match
    stars, names = match.group(1).split(" "), match.group(2).split(", ")
    fields = parse_format(log_format, TAG_SPECS)
    assert stars == ["*"] * len(fields)
    assert len(names) == len(fields) == len(set(names))


def test_insights_unknown_field():
    assert error_of(insights_field_name, "srcadr") == (
        "unknown field ${srcadr}; did you mean ${srcaddr}?")


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
AWS_EXAMPLE = ("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 "
               "4249 1418530010 1418530070 ACCEPT OK")
NODATA = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"


def test_parse_default_record():
    record = parse_record(AWS_EXAMPLE, None)
    assert record == {
        "version": 2, "account-id": "123456789010", "interface-id": "eni-1235b8ca123456789",
        "srcaddr": "172.31.16.139", "dstaddr": "172.31.16.21", "srcport": 20641, "dstport": 22,
        "protocol": 6, "packets": 20, "bytes": 4249, "start": 1418530010, "end": 1418530070,
        "action": "ACCEPT", "log-status": "OK"}
    assert list(record) == list(DEFAULT_FIELDS)
    assert render_record(record, DEFAULT_FORMAT) == AWS_EXAMPLE


def test_parse_nodata_record():
    record = parse_record(NODATA + "\n", DEFAULT_FORMAT)
    assert record["srcaddr"] is None and record["bytes"] is None and record["action"] is None
    assert record["log-status"] == "NODATA" and record["start"] == 1431280876
    assert render_record(record, None) == NODATA


def test_parse_untyped_keeps_strings():
    record = parse_record(AWS_EXAMPLE, None, typed=False)
    assert record["srcport"] == "20641" and record["version"] == "2"
    assert parse_record(NODATA, None, typed=False)["bytes"] is None


def test_account_id_stays_a_string():
    record = parse_record("012345678901 7", fmt("account-id", "version"))
    assert record == {"account-id": "012345678901", "version": 7}


@pytest.mark.parametrize("line, expected", [
    ("2 1 2", "record has 3 values but the format has 14 fields: '2 1 2'"),
    (AWS_EXAMPLE + " extra", "record has 15 values but the format has 14 fields"),
    ("", "record has 1 values but the format has 14 fields"),
    (AWS_EXAMPLE.replace(" 22 ", "  22 "), "record has 15 values"),
    (AWS_EXAMPLE.replace(" 22 ", " ssh "), "field ${dstport} expects an integer or '-', got 'ssh'"),
    (AWS_EXAMPLE.replace(" 4249 ", " -4249 "), "field ${bytes} expects an integer or '-', got '-4249'"),
    (AWS_EXAMPLE.replace(" 4249 ", " 4_249 "), "field ${bytes} expects an integer or '-', got '4_249'"),
    (AWS_EXAMPLE.replace(" 4249 ", " 4.2 "), "got '4.2'"),
])
def test_parse_record_errors(line, expected):
    assert expected in error_of(parse_record, line, DEFAULT_FORMAT)


def test_parse_record_rejects_non_string():
    assert error_of(parse_record, 5, None) == "record must be a string, got int"


def test_header_line():
    assert header_line(None) == ("version account-id interface-id srcaddr dstaddr srcport "
                                 "dstport protocol packets bytes start end action log-status")
    assert header_line(MINIMAL_FORMAT) == "srcaddr dstaddr bytes"
    # The header line of a text object is not a record.
    with pytest.raises(FlowLogFormatError):
        parse_record(header_line(None), None)


@pytest.mark.parametrize("record, expected", [
    ({"srcaddr": "a b", "dstaddr": "x", "bytes": 1}, "field ${srcaddr}: value 'a b' is empty or contains whitespace"),
    ({"srcaddr": "", "dstaddr": "x", "bytes": 1}, "field ${srcaddr}: value '' is empty"),
    ({"srcaddr": "a\tb", "dstaddr": "x", "bytes": 1}, "contains whitespace"),
    ({"srcaddr": "a", "bytes": 1}, "record has no value for ${dstaddr}"),
    ({"srcaddr": "a", "dstaddr": "b", "bytes": True}, "field ${bytes}: booleans are not flow-log values"),
])
def test_render_record_errors(record, expected):
    assert expected in error_of(render_record, record, MINIMAL_FORMAT)


def test_render_record_rejects_non_dict():
    assert error_of(render_record, ["a"], MINIMAL_FORMAT) == "record must be a dict, got list"


# Property: random subsets and orders of fields, random records -> round trip.
_NON_TAG = [name for name in FIELDS if name not in TAG_FIELDS]
_TOKEN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")),
    min_size=1, max_size=12).filter(lambda text: text != "-")


def _value(name):
    if name in INTEGER_FIELDS:
        return st.none() | st.integers(min_value=0, max_value=2 ** 63 - 1)
    return st.none() | _TOKEN_TEXT


@st.composite
def formats_and_records(draw, pool):
    names = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True))
    record = dict((name, draw(_value(name))) for name in names)
    return names, record


def _check_round_trip(names, record, specs):
    log_format = fmt(*names)
    assert parse_format(log_format, specs) == names
    assert normalize_format(log_format) == log_format
    assert normalize_format(" ".join("${%s}" % n for n in parse_format(log_format, specs))) \
        == log_format
    line = render_record(record, names)
    assert line.count(" ") == len(names) - 1
    assert parse_record(line, log_format) == record
    assert parse_record(line, names, typed=False) == dict(
        (name, None if value is None else str(value)) for name, value in record.items())
    assert render_record(parse_record(line, names), names) == line
    assert record_version(names) == max(FIELDS[name].version for name in names)


@settings(max_examples=300, deadline=None)
@given(formats_and_records(_NON_TAG))
def test_round_trip_without_tag_fields(case):
    names, record = case
    _check_round_trip(names, record, None)


@settings(max_examples=200, deadline=None)
@given(formats_and_records(list(FIELDS)))
def test_round_trip_with_tag_fields_and_specifications(case):
    names, record = case
    _check_round_trip(names, record, TAG_SPECS)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list(FIELDS)), min_size=1, max_size=20, unique=True))
def test_insights_and_athena_track_any_format(names):
    clause = insights_parse_clause(names)
    assert clause.count("*") == len(names)
    columns = athena_columns(names, "parquet")
    assert [c["field"] for c in columns] == names
    assert len({c["name"] for c in columns}) == len(names)


# ---------------------------------------------------------------------------
# S3 layouts and partition projection
# ---------------------------------------------------------------------------
COMBINATIONS = list(itertools.product(FILE_FORMATS, (False, True), (False, True)))
WHEN = datetime.datetime(2024, 3, 9, 7, 5, tzinfo=datetime.timezone.utc)
ACCOUNT, OTHER_ACCOUNT = "123456789012", "210987654321"

EXPECTED_KEYS = {
    ("plain-text", False, False):
        "flows/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/03/09/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.gz",
    ("plain-text", False, True):
        "flows/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/03/09/07/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.gz",
    ("plain-text", True, False):
        "flows/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/"
        "year=2024/month=03/day=09/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.gz",
    ("plain-text", True, True):
        "flows/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/"
        "year=2024/month=03/day=09/hour=07/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.gz",
    ("parquet", False, False):
        "flows/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/03/09/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.parquet",
    ("parquet", False, True):
        "flows/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2024/03/09/07/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.parquet",
    ("parquet", True, False):
        "flows/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/"
        "year=2024/month=03/day=09/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.parquet",
    ("parquet", True, True):
        "flows/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/"
        "year=2024/month=03/day=09/hour=07/"
        "123456789012_vpcflowlogs_eu-west-1_fl-0abc1234_20240309T0705Z_9f8e7d6c.log.parquet",
}


def test_object_key_of_the_aws_documentation_example():
    key = s3_object_key("", "123456789012", "us-east-1", "fl-1234abcd",
                        datetime.datetime(2018, 6, 20, 16, 20), "plain-text", False, False,
                        "fe123456")
    assert key == ("AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/"
                   "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz")


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_object_keys_for_all_combinations(combination):
    file_format, hive, per_hour = combination
    for prefix in ("flows", "flows/", "/flows/"):
        key = s3_object_key(prefix, ACCOUNT, "eu-west-1", "fl-0abc1234", WHEN, file_format,
                            hive, per_hour, "9f8e7d6c")
        assert key == EXPECTED_KEYS[combination]


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_layout_for_all_combinations(combination):
    file_format, hive, per_hour = combination
    layout = s3_layout(file_format, hive, per_hour)
    keys = [k["name"] for k in layout["partition_keys"]]
    expected = (["aws_account_id", "aws_region"] + (["year", "month", "day"] if hive else ["day"])
                + (["hour"] if per_hour else []))
    assert keys == expected
    assert all(k["type"] == "string" for k in layout["partition_keys"])
    assert layout["file_extension"] == (".log.gz" if file_format == "plain-text" else ".log.parquet")
    assert layout["header_line"] is (file_format == "plain-text")
    assert layout["key_pattern"] == layout["path_pattern"] + layout["file_name_pattern"]
    assert layout["file_name_pattern"].endswith(layout["file_extension"])
    assert ("aws-service=vpcflowlogs" in layout["path_pattern"]) is hive
    assert (("{hour}" in layout["path_pattern"]) is per_hour)
    if file_format == "parquet":
        assert layout["serde_library"].endswith("ParquetHiveSerDe")
        assert "skip.header.line.count" not in layout["table_parameters"]
    else:
        assert layout["serde_library"].endswith("LazySimpleSerDe")
        assert layout["serde_parameters"]["field.delim"] == " "
        assert layout["table_parameters"] == {"skip.header.line.count": "1"}


def test_layout_is_a_fresh_copy():
    layout = s3_layout()
    layout["table_parameters"]["x"] = "y"
    assert "x" not in s3_layout()["table_parameters"]


def test_layout_rejects_bad_options():
    assert error_of(s3_layout, "json") == (
        "unknown file_format 'json'; expected one of: plain-text, parquet")
    assert error_of(s3_layout, "parquet", "yes") == (
        "hive_compatible_partitions must be a boolean, got 'yes'")
    assert error_of(s3_layout, "parquet", False, 1) == "per_hour_partition must be a boolean, got 1"


@pytest.mark.parametrize("combination", COMBINATIONS)
@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_columns_and_partition_keys_never_collide(combination, format_name):
    file_format, hive, per_hour = combination
    layout = s3_layout(file_format, hive, per_hour)
    columns = athena_columns(FORMATS[format_name], file_format, layout["partition_keys"])
    names = [c["name"] for c in columns] + [k["name"] for k in layout["partition_keys"]]
    assert len(names) == len(set(n.lower() for n in names))
    # The account and region partitions do not hide the format's own columns.
    assert len(columns) == len(parse_format(FORMATS[format_name]))
    assert {c["type"] for c in columns} <= {"int", "bigint", "string"}
    protocol = [c["type"] for c in columns if c["name"] == "protocol"]
    if protocol:
        assert protocol == ["int" if file_format == "parquet" else "bigint"]


# --- An independent model of Athena partition projection --------------------
_JAVA_DATE = {"yyyy/MM/dd": "%Y/%m/%d", "yyyy": "%Y"}


def _step(moment, unit):
    if unit == "DAYS":
        return moment + datetime.timedelta(days=1)
    if unit == "YEARS":
        return moment.replace(year=moment.year + 1)
    raise AssertionError("unexpected unit %s" % unit)


def projected_values(params, key, now):
    """Every value Athena projects for partition ``key`` (as documented for each type)."""
    kind = params["projection.%s.type" % key]
    if kind == "enum":
        return params["projection.%s.values" % key].split(",")
    if kind == "integer":
        low, high = (int(v) for v in params["projection.%s.range" % key].split(","))
        digits = int(params.get("projection.%s.digits" % key, "1"))
        return [str(i).zfill(digits) for i in range(low, high + 1)]
    assert kind == "date"
    pattern = _JAVA_DATE[params["projection.%s.format" % key]]
    start_text, end_text = params["projection.%s.range" % key].split(",")
    assert end_text == "NOW"
    assert params["projection.%s.interval" % key] == "1"
    unit = params["projection.%s.interval.unit" % key]
    moment, values = datetime.datetime.strptime(start_text, pattern), []
    while moment <= now:
        values.append(moment.strftime(pattern))
        moment = _step(moment, unit)
    return values


def projected_locations(projection, now):
    params = projection["parameters"]
    template = params["storage.location.template"]
    keys = [k["name"] for k in projection["partition_keys"]]
    domains = [projected_values(params, key, now) for key in keys]
    locations = set()
    for combo in itertools.product(*domains):
        location = template
        for key, value in zip(keys, combo):
            location = location.replace("${%s}" % key, value)
        locations.add(location)
    return locations


def object_directory(bucket, key):
    return "s3://%s/%s" % (bucket, key[:key.rindex("/") + 1])


@pytest.mark.parametrize("combination", COMBINATIONS)
@pytest.mark.parametrize("prefix", ["", "flows", "team/flows/"])
def test_projection_finds_every_object(combination, prefix):
    file_format, hive, per_hour = combination
    bucket, regions = "central-flow-logs", ["eu-west-1", "us-east-1"]
    projection = partition_projection(bucket, prefix, file_format, hive, per_hour,
                                      [ACCOUNT, OTHER_ACCOUNT], regions, "2024-03-07")
    params = projection["parameters"]
    template = params["storage.location.template"]
    assert params["projection.enabled"] == "true"
    assert projection["location"] == "s3://%s/%sAWSLogs/" % (bucket, normalize_prefix(prefix))
    assert template.startswith(projection["location"]) and template.endswith("/")
    keys = [k["name"] for k in projection["partition_keys"]]
    assert keys == [k["name"] for k in s3_layout(file_format, hive, per_hour)["partition_keys"]]
    # Every partition key is projected and appears once in the template; nothing else does.
    assert sorted(re.findall(r"\$\{([^}]+)\}", template)) == sorted(keys)
    for key in keys:
        assert "projection.%s.type" % key in params
    assert params["projection.aws_account_id.values"] == "%s,%s" % (ACCOUNT, OTHER_ACCOUNT)
    assert params["projection.aws_region.values"] == "eu-west-1,us-east-1"

    now = datetime.datetime(2024, 3, 10, 23, 59)
    locations = projected_locations(projection, now)
    found = 0
    for account, region in itertools.product([ACCOUNT, OTHER_ACCOUNT], regions):
        for when in [datetime.datetime(2024, 3, 7, 0, 0), datetime.datetime(2024, 3, 9, 7, 5),
                     datetime.datetime(2024, 3, 10, 23, 55)]:
            key = s3_object_key(prefix, account, region, "fl-0abc1234", when, file_format, hive,
                                per_hour, "9f8e7d6c")
            directory = object_directory(bucket, key)
            assert directory in locations, directory
            # The engine's own partition values expand the template to the same place.
            expanded = template
            for name, value in partition_values(account, region, when, hive, per_hour).items():
                assert value in projected_values(params, name, now)
                expanded = expanded.replace("${%s}" % name, value)
            assert expanded == directory
            found += 1
    assert found == 12
    # Objects outside the projection are not found: unknown account, before start_date.
    stranger = s3_object_key(prefix, "999999999999", "eu-west-1", "fl-0abc1234", WHEN,
                             file_format, hive, per_hour, "9f8e7d6c")
    assert object_directory(bucket, stranger) not in locations
    too_early = s3_object_key(prefix, ACCOUNT, "eu-west-1", "fl-0abc1234",
                              datetime.datetime(2023, 12, 31, 12), file_format, hive, per_hour,
                              "9f8e7d6c")
    assert object_directory(bucket, too_early) not in locations


@pytest.mark.parametrize("combination", COMBINATIONS)
def test_projection_parameters_exactly(combination):
    file_format, hive, per_hour = combination
    params = partition_projection("my-bucket", "p/", file_format, hive, per_hour,
                                  ACCOUNT, "us-east-1", datetime.date(2024, 1, 2))["parameters"]
    if hive:
        assert params["projection.year.type"] == "date"
        assert params["projection.year.format"] == "yyyy"
        assert params["projection.year.range"] == "2024,NOW"
        assert params["projection.year.interval.unit"] == "YEARS"
        for key in ("month", "day"):
            assert params["projection.%s.type" % key] == "integer"
            assert params["projection.%s.digits" % key] == "2"
        assert params["projection.month.range"] == "1,12"
        assert params["projection.day.range"] == "1,31"
        assert params["storage.location.template"] == (
            "s3://my-bucket/p/AWSLogs/aws-account-id=${aws_account_id}/aws-service=vpcflowlogs/"
            "aws-region=${aws_region}/year=${year}/month=${month}/day=${day}/"
            + ("hour=${hour}/" if per_hour else ""))
    else:
        assert params["projection.day.type"] == "date"
        assert params["projection.day.format"] == "yyyy/MM/dd"
        assert params["projection.day.range"] == "2024/01/02,NOW"
        assert params["projection.day.interval.unit"] == "DAYS"
        assert params["storage.location.template"] == (
            "s3://my-bucket/p/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}/"
            + ("${hour}/" if per_hour else ""))
    if per_hour:
        assert (params["projection.hour.type"], params["projection.hour.range"],
                params["projection.hour.digits"]) == ("integer", "0,23", "2")
    else:
        assert "projection.hour.type" not in params
    assert params["projection.aws_account_id.type"] == "enum"
    assert params["projection.aws_region.type"] == "enum"
    assert ("skip.header.line.count" in params) is (file_format == "plain-text")
    assert all(isinstance(v, str) for v in params.values())


@pytest.mark.parametrize("start_date", ["2024-01-02", "2024/01/02", datetime.date(2024, 1, 2),
                                        datetime.datetime(2024, 1, 2, 23, 59)])
def test_projection_start_date_forms(start_date):
    params = partition_projection("my-bucket", "", "plain-text", False, False, ACCOUNT,
                                  "us-east-1", start_date)["parameters"]
    assert params["projection.day.range"] == "2024/01/02,NOW"


def test_projection_deduplicates_and_accepts_s3_url():
    projection = partition_projection("s3://my-bucket/", None, "parquet", True, True,
                                      [ACCOUNT, ACCOUNT], ["us-east-1", "us-east-1"], "2024-01-01")
    assert projection["location"] == "s3://my-bucket/AWSLogs/"
    assert projection["parameters"]["projection.aws_account_id.values"] == ACCOUNT
    assert projection["parameters"]["projection.aws_region.values"] == "us-east-1"


@pytest.mark.parametrize("args, expected", [
    (("my-bucket", "", "plain-text", False, False, ["12345"], ["us-east-1"], "2024-01-01"),
     "account id must be 12 digits, got '12345'"),
    (("my-bucket", "", "plain-text", False, False, [], ["us-east-1"], "2024-01-01"),
     "account_ids must be a non-empty list, got []"),
    (("my-bucket", "", "plain-text", False, False, [ACCOUNT], ["US-EAST-1"], "2024-01-01"),
     "region must look like us-east-1, got 'US-EAST-1'"),
    (("my-bucket", "", "plain-text", False, False, [ACCOUNT], ["us-east-1"], "01/02/2024"),
     "start_date must be a date or 'YYYY-MM-DD', got '01/02/2024'"),
    (("my-bucket", "", "plain-text", False, False, [ACCOUNT], ["us-east-1"], None),
     "start_date must be a date or 'YYYY-MM-DD', got None"),
    (("My_Bucket", "", "plain-text", False, False, [ACCOUNT], ["us-east-1"], "2024-01-01"),
     "bucket must be an S3 bucket name, got 'My_Bucket'"),
    (("my-bucket", "AWSLogs", "plain-text", False, False, [ACCOUNT], ["us-east-1"], "2024-01-01"),
     "prefix 'AWSLogs' is not allowed: AWS reserves AWSLogs"),
    (("my-bucket", "", "orc", False, False, [ACCOUNT], ["us-east-1"], "2024-01-01"),
     "unknown file_format 'orc'"),
])
def test_projection_errors(args, expected):
    assert expected in error_of(partition_projection, *args)


@pytest.mark.parametrize("prefix, expected", [
    (None, ""), ("", ""), ("/", ""), ("flows", "flows/"), ("flows/", "flows/"),
    ("/flows/", "flows/"), ("a/b", "a/b/"), ("a/b//", "a/b/"),
])
def test_normalize_prefix(prefix, expected):
    assert normalize_prefix(prefix) == expected


@pytest.mark.parametrize("prefix, expected", [
    ("a//b", "prefix 'a//b' has an empty segment or whitespace"),
    ("a b", "has an empty segment or whitespace"),
    ("/AWSLogs/", "prefix '/AWSLogs/' is not allowed"),
    (3, "prefix must be a string, got int"),
])
def test_normalize_prefix_errors(prefix, expected):
    assert expected in error_of(normalize_prefix, prefix)


@pytest.mark.parametrize("when", [
    datetime.datetime(2024, 3, 9, 7, 5),
    datetime.datetime(2024, 3, 9, 7, 5, tzinfo=datetime.timezone.utc),
    datetime.datetime(2024, 3, 9, 9, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    "2024-03-09T07:05:00Z",
    "2024-03-09T08:05:00+01:00",
    1709967900,
    1709967900.0,
])
def test_object_key_times_are_utc(when):
    key = s3_object_key("", ACCOUNT, "eu-west-1", "fl-0abc1234", when, "plain-text", False, True,
                        "9f8e7d6c")
    assert "/2024/03/09/07/" in key and "_20240309T0705Z_" in key


def test_object_key_crosses_midnight_in_utc():
    when = datetime.datetime(2024, 3, 10, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    key = s3_object_key("", ACCOUNT, "eu-west-1", "fl-0abc1234", when, "parquet", True, True, "ab")
    assert "/year=2024/month=03/day=09/hour=20/" in key and "_20240309T2030Z_" in key


@pytest.mark.parametrize("kwargs, expected", [
    ({"flow_log_id": "vpc-123"}, "flow_log_id must look like fl-0123abcd, got 'vpc-123'"),
    ({"suffix_hash": "a/b"}, "suffix_hash must be alphanumeric, got 'a/b'"),
    ({"when": "yesterday"}, "when must be a datetime, epoch seconds or ISO 8601 string, got 'yesterday'"),
    ({"when": True}, "when must be a datetime"),
    ({"account_id": "12"}, "account id must be 12 digits, got '12'"),
    ({"region": "eu_west_1"}, "region must look like us-east-1, got 'eu_west_1'"),
    ({"file_format": "text"}, "unknown file_format 'text'"),
])
def test_object_key_errors(kwargs, expected):
    args = dict(prefix="", account_id=ACCOUNT, region="eu-west-1", flow_log_id="fl-0abc1234",
                when=WHEN, file_format="plain-text", hive_compatible_partitions=False,
                per_hour_partition=False, suffix_hash="9f8e7d6c")
    args.update(kwargs)
    assert expected in error_of(s3_object_key, **args)


def test_partition_values():
    assert partition_values(ACCOUNT, "eu-west-1", WHEN) == {
        "aws_account_id": ACCOUNT, "aws_region": "eu-west-1", "day": "2024/03/09"}
    assert partition_values(ACCOUNT, "eu-west-1", WHEN, True, True) == {
        "aws_account_id": ACCOUNT, "aws_region": "eu-west-1", "year": "2024", "month": "03",
        "day": "09", "hour": "07"}
