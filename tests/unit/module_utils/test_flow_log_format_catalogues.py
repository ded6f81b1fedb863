# -*- coding: utf-8 -*-
"""Unit tests for the record catalogues of the format engine: VPC and transit
gateway fields, formats per resource type, and tag field specifications."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import (
    CLOUD_WAN_RECORD_TYPES,
    DEFAULT_FORMAT,
    FIELDS,
    RESOURCE_TYPES,
    TAG_FIELD_RESOURCE_TYPES,
    TAG_FIELDS,
    TRANSIT_GATEWAY_DEFAULT_FIELDS,
    TRANSIT_GATEWAY_DEFAULT_FORMAT,
    TRANSIT_GATEWAY_FIELDS,
    TRANSIT_GATEWAY_RECORD_TYPES,
    FlowLogFormatError,
    athena_columns,
    catalogue,
    closest_field,
    default_format,
    insights_parse_clause,
    normalize_format,
    parse_format,
    parse_record,
    record_version,
    render_record,
    tag_field_specification_problems,
)

VPC_RECORD_TYPES = ("VPC", "Subnet", "NetworkInterface", "RegionalNatGateway")
ALL_TAG_SPECS = [{"resource_type": kind, "tag_keys": ["Name", "team"]}
                 for kind in ("instance", "network-interface", "auto-scaling-group")]


def fmt(*names):
    return " ".join("${%s}" % name for name in names)


# ---------------------------------------------------------------------------
# Resource types and their catalogues
# ---------------------------------------------------------------------------
def test_resource_types_are_the_api_enum():
    import botocore.session

    model = botocore.session.get_session().get_service_model("ec2")
    enum = model.operation_model("CreateFlowLogs").input_shape.members["ResourceType"].enum
    assert list(RESOURCE_TYPES) == list(enum)
    assert TRANSIT_GATEWAY_RECORD_TYPES == {"TransitGateway", "TransitGatewayAttachment"}
    assert CLOUD_WAN_RECORD_TYPES == {"CoreNetwork", "CoreNetworkEdge", "CoreNetworkAttachment"}
    assert not TRANSIT_GATEWAY_RECORD_TYPES & CLOUD_WAN_RECORD_TYPES


@pytest.mark.parametrize("resource_type", (None,) + VPC_RECORD_TYPES)
def test_vpc_types_use_the_vpc_catalogue(resource_type):
    assert default_format(resource_type) == DEFAULT_FORMAT
    assert parse_format(None, resource_type=resource_type)[-1] == "log-status"
    assert list(catalogue(resource_type)) == list(FIELDS)
    with pytest.raises(FlowLogFormatError, match=r"\$\{tgw-id\} exists only in transit gateway"):
        parse_format("${version} ${tgw-id}", resource_type=resource_type)


@pytest.mark.parametrize("resource_type", sorted(TRANSIT_GATEWAY_RECORD_TYPES))
def test_transit_gateway_types_use_the_transit_gateway_catalogue(resource_type):
    assert default_format(resource_type) == TRANSIT_GATEWAY_DEFAULT_FORMAT
    assert parse_format(None, resource_type=resource_type) == list(TRANSIT_GATEWAY_DEFAULT_FIELDS)
    assert normalize_format(None, resource_type) == TRANSIT_GATEWAY_DEFAULT_FORMAT
    assert list(catalogue(resource_type)) == list(TRANSIT_GATEWAY_FIELDS)
    custom = fmt("tgw-id", "srcaddr", "packets-lost-blackhole")
    assert parse_format(custom, resource_type=resource_type) == [
        "tgw-id", "srcaddr", "packets-lost-blackhole"]
    # VPC-only fields and tag fields are not transit gateway fields.
    with pytest.raises(FlowLogFormatError, match=r"\$\{action\} exists only in VPC"):
        parse_format(fmt("srcaddr", "action"), resource_type=resource_type)
    with pytest.raises(FlowLogFormatError, match=r"\$\{instance-tag\} exists only in VPC"):
        parse_format(fmt("instance-tag"), ALL_TAG_SPECS, resource_type)


def test_unknown_transit_gateway_field_suggests_a_transit_gateway_field():
    with pytest.raises(FlowLogFormatError) as error:
        parse_format("${tgw-atachment-id} ${packets-lost-no-rout}", resource_type="TransitGateway")
    assert error.value.problems == [
        "unknown field ${tgw-atachment-id}; did you mean ${tgw-attachment-id}?",
        "unknown field ${packets-lost-no-rout}; did you mean ${packets-lost-no-route}?",
    ]
    assert closest_field("TGW_ID", "TransitGatewayAttachment") == "tgw-id"
    # The VPC catalogue does not suggest transit gateway fields, nor the reverse.
    assert closest_field("tgw-idd") is None
    assert closest_field("interface-idd", "TransitGateway") is None


@pytest.mark.parametrize("resource_type", sorted(CLOUD_WAN_RECORD_TYPES))
def test_cloud_wan_types_are_refused_not_guessed(resource_type):
    # AWS documents Cloud WAN records on their own page; without a verified copy of its
    # field table the engine refuses every derivation instead of guessing fields.
    page = "https://docs.aws.amazon.com/network-manager/latest/cloudwan/cwan-flow-logs.html"
    for call in (lambda: parse_format(None, resource_type=resource_type),
                 lambda: normalize_format(None, resource_type),
                 lambda: default_format(resource_type),
                 lambda: catalogue(resource_type),
                 lambda: closest_field("version", resource_type)):
        with pytest.raises(FlowLogFormatError, match="Cloud WAN Flow Log records") as error:
            call()
        message = str(error.value)
        assert message.startswith("resource_type %s writes Cloud WAN flow log records" % resource_type)
        assert page in message and "Omit log_format" in message
    # A format given for Cloud WAN records: refused as a log_format problem, whatever its fields.
    for log_format in (DEFAULT_FORMAT, fmt("version", "tgw-id"), "${no-such-field}"):
        with pytest.raises(FlowLogFormatError) as error:
            parse_format(log_format, resource_type=resource_type)
        assert str(error.value).startswith("invalid log_format: resource_type %s writes Cloud WAN" % resource_type)
        assert len(error.value.problems) == 1


def test_cloud_wan_derivations_are_refused():
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import insights_queries
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import generate_queries

    with pytest.raises(FlowLogFormatError, match="Cloud WAN Flow Log records"):
        insights_queries(None, resource_type="CoreNetwork")
    with pytest.raises(FlowLogFormatError, match="Cloud WAN Flow Log records"):
        generate_queries(None, "db", "cwan", resource_type="CoreNetworkAttachment")


def test_unknown_resource_type():
    with pytest.raises(FlowLogFormatError, match="unknown resource_type 'Vpc'"):
        parse_format(None, resource_type="Vpc")
    with pytest.raises(FlowLogFormatError, match="unknown resource_type"):
        default_format("InternetGateway")


# ---------------------------------------------------------------------------
# The transit gateway catalogue
# ---------------------------------------------------------------------------
# Transit Gateway Flow Log records, "Available fields": name, version, Parquet type.
AWS_TGW_TABLE = [
    ("version", 2, "INT_32"), ("resource-type", 6, "STRING"), ("account-id", 2, "STRING"),
    ("tgw-id", 6, "STRING"), ("tgw-attachment-id", 6, "STRING"),
    ("tgw-src-vpc-account-id", 6, "STRING"), ("tgw-dst-vpc-account-id", 6, "STRING"),
    ("tgw-src-vpc-id", 6, "STRING"), ("tgw-dst-vpc-id", 6, "STRING"),
    ("tgw-src-subnet-id", 6, "STRING"), ("tgw-dst-subnet-id", 6, "STRING"),
    ("tgw-src-eni", 6, "STRING"), ("tgw-dst-eni", 6, "STRING"),
    ("tgw-src-az-id", 6, "STRING"), ("tgw-dst-az-id", 6, "STRING"),
    ("tgw-pair-attachment-id", 6, "STRING"), ("srcaddr", 2, "STRING"), ("dstaddr", 2, "STRING"),
    ("srcport", 2, "INT_32"), ("dstport", 2, "INT_32"), ("protocol", 2, "INT_32"),
    ("packets", 2, "INT_64"), ("bytes", 2, "INT_64"), ("start", 2, "INT_64"), ("end", 2, "INT_64"),
    ("log-status", 2, "STRING"), ("type", 3, "STRING"),
    ("packets-lost-no-route", 6, "INT_64"), ("packets-lost-blackhole", 6, "INT_64"),
    ("packets-lost-mtu-exceeded", 6, "INT_64"), ("packets-lost-ttl-expired", 6, "INT_64"),
    ("tcp-flags", 3, "INT_32"), ("region", 4, "STRING"), ("flow-direction", 5, "STRING"),
    ("pkt-src-aws-service", 5, "STRING"), ("pkt-dst-aws-service", 5, "STRING"),
]


def test_transit_gateway_catalogue_is_aws_table():
    assert [(f.name, f.version, f.parquet_type) for f in TRANSIT_GATEWAY_FIELDS.values()] == AWS_TGW_TABLE
    # The default format is every version 2 to 6 field in table order.
    assert TRANSIT_GATEWAY_DEFAULT_FORMAT.startswith(
        "${version} ${resource-type} ${account-id} ${tgw-id} ${tgw-attachment-id} ")
    assert len(TRANSIT_GATEWAY_DEFAULT_FIELDS) == 36
    assert record_version(list(TRANSIT_GATEWAY_DEFAULT_FIELDS)) == 6


def test_shared_field_names_mean_the_same_types():
    shared = set(FIELDS) & set(TRANSIT_GATEWAY_FIELDS)
    assert "srcaddr" in shared and "tcp-flags" in shared
    for name in shared:
        vpc, tgw = FIELDS[name], TRANSIT_GATEWAY_FIELDS[name]
        assert (vpc.version, vpc.athena_type, vpc.parquet_type, vpc.insights_name) == (
            tgw.version, tgw.athena_type, tgw.parquet_type, tgw.insights_name), name


def test_insights_names_are_unique_across_catalogues():
    names = {}
    for field in list(FIELDS.values()) + list(TRANSIT_GATEWAY_FIELDS.values()):
        assert names.setdefault(field.insights_name, field.name) == field.name


def test_derivations_take_transit_gateway_fields():
    fields = parse_format(fmt("tgw-id", "tgw-pair-attachment-id", "packets-lost-mtu-exceeded",
                              "protocol", "end"), resource_type="TransitGateway")
    assert athena_columns(fields) == [
        {"name": "tgw_id", "type": "string", "field": "tgw-id"},
        {"name": "tgw_pair_attachment_id", "type": "string", "field": "tgw-pair-attachment-id"},
        {"name": "packets_lost_mtu_exceeded", "type": "bigint", "field": "packets-lost-mtu-exceeded"},
        {"name": "protocol", "type": "bigint", "field": "protocol"},
        {"name": "end", "type": "bigint", "field": "end"},
    ]
    assert [c["type"] for c in athena_columns(fields, "parquet")] == [
        "string", "string", "bigint", "int", "bigint"]
    assert insights_parse_clause(fields) == (
        'parse @message "* * * * *" as tgwId, tgwPairAttachmentId, packetsLostMtuExceeded, '
        'protocol, endTime')
    record = parse_record("tgw-0a1 tgw-attach-0b2 3 6 1700000060", fields)
    assert record == {"tgw-id": "tgw-0a1", "tgw-pair-attachment-id": "tgw-attach-0b2",
                      "packets-lost-mtu-exceeded": 3, "protocol": 6, "end": 1700000060}
    assert render_record(record, fields) == "tgw-0a1 tgw-attach-0b2 3 6 1700000060"


def test_derivations_take_tag_fields():
    fields = parse_format(fmt("srcaddr", "instance-tag", "asg-tag-2"), ALL_TAG_SPECS)
    assert [c["name"] for c in athena_columns(fields)] == ["srcaddr", "instance_tag", "asg_tag_2"]
    assert insights_parse_clause(fields) == 'parse @message "* * *" as srcAddr, instanceTag, asgTag2'
    assert record_version(fields) == 11


# ---------------------------------------------------------------------------
# Tag field specifications
# ---------------------------------------------------------------------------
def test_tag_fields_map_to_resource_types():
    assert set(TAG_FIELD_RESOURCE_TYPES) == TAG_FIELDS
    assert TAG_FIELD_RESOURCE_TYPES["interface-tag-2"] == ("network-interface", 2)
    assert TAG_FIELD_RESOURCE_TYPES["asg-tag"] == ("auto-scaling-group", 1)


@pytest.mark.parametrize("log_format, specs", [
    (fmt("instance-tag"), [{"resource_type": "instance", "tag_keys": ["Name"]}]),
    (fmt("instance-tag", "instance-tag-2"), [{"resource_type": "instance", "tag_keys": ["a", "b"]}]),
    (fmt("interface-tag"), [{"ResourceType": "network-interface", "TagKeys": ["Name"]}]),
    (fmt("asg-tag", "interface-tag"), [
        {"resource_type": "auto-scaling-group", "tag_keys": ["x"]},
        {"resource_type": "network-interface", "tag_keys": ["y"]},
    ]),
    (fmt("srcaddr"), None),
    (None, None),
    (["instance-tag"], [{"resource_type": "instance", "tag_keys": ["k" * 128]}]),
    # The same key twice fills both fields alike: AWS documents no rule against it.
    (fmt("instance-tag", "instance-tag-2"), [{"resource_type": "instance", "tag_keys": ["a", "a"]}]),
])
def test_good_tag_field_specifications(log_format, specs):
    assert tag_field_specification_problems(log_format, specs) == []


@pytest.mark.parametrize("log_format, specs, expected", [
    (fmt("interface-tag"), [{"resource_type": "instance", "tag_keys": ["Name"]}],
     ["${interface-tag} in log_format needs a tag_field_specifications entry with resource_type "
      "network-interface"]),
    (fmt("instance-tag-2"), [{"resource_type": "instance", "tag_keys": ["Name"]}],
     ["${instance-tag-2} in log_format needs a second tag key in tag_field_specifications[0].tag_keys "
      "(the first key fills ${instance-tag})"]),
    (fmt("asg-tag"), None,
     ["${asg-tag} in log_format needs a tag_field_specifications entry with resource_type "
      "auto-scaling-group"]),
    (fmt("srcaddr"), {"resource_type": "instance"},
     ["tag_field_specifications must be a list of {resource_type, tag_keys} entries, got dict"]),
    (fmt("srcaddr"), [], ["tag_field_specifications is empty; give 1 to 3 entries, or omit it"]),
    (fmt("srcaddr"), [{"resource_type": "instance", "tag_keys": ["a"]},
                      {"resource_type": "network-interface", "tag_keys": ["a"]},
                      {"resource_type": "auto-scaling-group", "tag_keys": ["a"]},
                      {"resource_type": "instance", "tag_keys": ["b"]}],
     ["tag_field_specifications has 4 entries; AWS allows at most 3 (one per resource type)",
      "tag_field_specifications[3].resource_type instance repeats tag_field_specifications[0]; "
      "give each resource type once, with up to 2 tag_keys"]),
    (fmt("srcaddr"), ["instance"],
     ["tag_field_specifications[0] must be a dict with resource_type and tag_keys, got str"]),
    (fmt("srcaddr"), [{"resource_type": "vpc", "tag_keys": ["a"], "tags": 1}],
     ["tag_field_specifications[0] has unknown key tags; expected resource_type and tag_keys",
      "tag_field_specifications[0].resource_type 'vpc' is not one of: network-interface, instance, "
      "auto-scaling-group"]),
    (fmt("srcaddr"), [{"tag_keys": ["a"]}],
     ["tag_field_specifications[0].resource_type is required (one of: network-interface, instance, "
      "auto-scaling-group)"]),
    (fmt("srcaddr"), [{"resource_type": "instance"}],
     ["tag_field_specifications[0].tag_keys is required: 1 or 2 tag keys"]),
    (fmt("srcaddr"), [{"ResourceType": "instance", "TagKeys": "Name"}],
     ["tag_field_specifications[0].TagKeys must be a list of 1 or 2 tag keys, got str"]),
    (fmt("srcaddr"), [{"resource_type": "instance", "tag_keys": ["a", "b", "c"]}],
     ["tag_field_specifications[0].tag_keys has 3 keys; AWS takes 1 or 2"]),
    (fmt("srcaddr"), [{"resource_type": "instance", "tag_keys": []}],
     ["tag_field_specifications[0].tag_keys has 0 keys; AWS takes 1 or 2"]),
    (fmt("srcaddr"), [{"resource_type": "instance", "tag_keys": ["", "k" * 129]}],
     ["tag_field_specifications[0].tag_keys[0] must be a tag key of 1 to 128 characters, got ''",
      "tag_field_specifications[0].tag_keys[1] must be a tag key of 1 to 128 characters, got '%s'"
      % ("k" * 129)]),
])
def test_bad_tag_field_specifications(log_format, specs, expected):
    assert tag_field_specification_problems(log_format, specs) == expected


def test_tag_field_specification_problems_name_the_given_field():
    problems = tag_field_specification_problems(
        fmt("instance-tag"), [{"resource_type": "instance", "tag_keys": 3}],
        field="flow_logs[2].tag_field_specifications")
    assert problems == [
        "flow_logs[2].tag_field_specifications[0].tag_keys must be a list of 1 or 2 tag keys, got int"]


def test_parse_format_checks_real_specifications_but_trusts_true():
    with pytest.raises(FlowLogFormatError) as error:
        parse_format(fmt("srcaddr", "interface-tag"), [{"resource_type": "instance", "tag_keys": ["a"]}])
    assert error.value.problems == [
        "${interface-tag} in log_format needs a tag_field_specifications entry with resource_type "
        "network-interface"]
    # True stands for specifications AWS already accepted (reading DescribeFlowLogs).
    assert parse_format(fmt("srcaddr", "interface-tag-2"), True) == ["srcaddr", "interface-tag-2"]


@given(st.lists(st.sampled_from(sorted(TAG_FIELDS)), min_size=1, unique=True))
def test_full_specifications_cover_every_tag_field(tags):
    assert tag_field_specification_problems(fmt(*tags), ALL_TAG_SPECS) == []
    one_key = [{"resource_type": s["resource_type"], "tag_keys": ["k"]} for s in ALL_TAG_SPECS]
    problems = tag_field_specification_problems(fmt(*tags), one_key)
    assert len(problems) == len([t for t in tags if t.endswith("-2")])


# ---------------------------------------------------------------------------
# Modules that derive from a format: Glue table, Athena queries, Insights
# ---------------------------------------------------------------------------
def test_glue_table_for_transit_gateway_flow_logs():
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import (
        FlowLogTableError, build_desired, table_input)

    desired = build_desired("db", "tgw", None, {"file_format": "parquet"}, bucket="my-bucket",
                            account_ids=["123456789012"], regions=["us-east-1"],
                            start_date="2026-01-01", resource_type="TransitGateway")
    assert desired["fields"] == list(TRANSIT_GATEWAY_DEFAULT_FIELDS)
    assert desired["log_format"] == TRANSIT_GATEWAY_DEFAULT_FORMAT
    columns = table_input(desired)["StorageDescriptor"]["Columns"]
    assert [c["Name"] for c in columns][:5] == [
        "version", "resource_type", "account_id", "tgw_id", "tgw_attachment_id"]
    assert {c["Name"]: c["Type"] for c in columns}["packets_lost_blackhole"] == "bigint"
    # Without resource_type the same format is a VPC one, and tgw fields are refused.
    with pytest.raises(FlowLogTableError, match=r"\$\{tgw-id\} exists only in transit gateway"):
        build_desired("db", "t", "${tgw-id}", None, bucket="my-bucket")


def test_athena_queries_skip_what_transit_gateway_records_lack():
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import generate_queries

    result = generate_queries(None, "db", "tgw", resource_type="TransitGatewayAttachment")
    skipped = dict((s["key"], s["missing_fields"]) for s in result["skipped"])
    assert skipped and all(fields for fields in skipped.values())
    for query in result["queries"]:
        assert set(query["fields"]) <= set(TRANSIT_GATEWAY_FIELDS)


def test_insights_queries_for_transit_gateway_fields():
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import (
        format_fields, insights_queries, space_delimited_filter_pattern)

    assert format_fields(None, "TransitGateway") == list(TRANSIT_GATEWAY_DEFAULT_FIELDS)
    fields = ["tgw-id", "srcaddr", "packets-lost-no-route"]
    assert format_fields(fields) == fields
    result = insights_queries(fmt(*fields), resource_type="TransitGateway")
    assert result["parse_clause"] == 'parse @message "* * *" as tgwId, srcAddr, packetsLostNoRoute'
    assert space_delimited_filter_pattern(fields, {"tgw-id": "tgw-1"}) == (
        '[tgw_id="tgw-1", srcaddr, packets_lost_no_route]')


def test_user_guide_lists_every_field_with_its_version_and_types():
    import os
    import re

    guide = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "user-guide.md")
    with open(guide) as handle:
        text = handle.read()
    section = text[text.index("### Field catalogues"):text.index("### Tag fields and tag field specifications")]
    vpc_part, tgw_part = section.split("Transit gateway records (")
    for part, fields in ((vpc_part, FIELDS), (tgw_part, TRANSIT_GATEWAY_FIELDS)):
        rows = dict((m.group(1), m.group(2, 3, 4, 5)) for m in re.finditer(
            r"^\| `([a-z0-9-]+)` \| (\d+) \| (\w+) \| (\w+) \| `(\w+)` \|", part, re.M))
        assert list(rows) == list(fields)
        for name, field in fields.items():
            assert rows[name] == (str(field.version), field.athena_type, field.parquet_type,
                                  field.insights_name), name


def test_tag_field_specification_forms():
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import (
        api_tag_field_specifications, normalize_tag_field_specifications)

    user = [{"resource_type": "auto-scaling-group", "tag_keys": ["team"]},
            {"resource_type": "instance", "tag_keys": ["Name", "env"]}]
    described = [{"ResourceType": "instance", "TagKeys": ["Name", "env"]},
                 {"ResourceType": "auto-scaling-group", "TagKeys": ["team"]}]
    assert normalize_tag_field_specifications(user) == normalize_tag_field_specifications(described) == [
        {"resource_type": "instance", "tag_keys": ["Name", "env"]},
        {"resource_type": "auto-scaling-group", "tag_keys": ["team"]}]
    # Key order decides the field: swapping keys is a different specification.
    swapped = [{"resource_type": "instance", "tag_keys": ["env", "Name"]}]
    assert normalize_tag_field_specifications(swapped) != normalize_tag_field_specifications(described[:1])
    assert api_tag_field_specifications(user) == [
        {"ResourceType": "instance", "TagKeys": ["Name", "env"]},
        {"ResourceType": "auto-scaling-group", "TagKeys": ["team"]}]
    assert normalize_tag_field_specifications(None) == normalize_tag_field_specifications([]) == []
    with pytest.raises(FlowLogFormatError, match=r"tag_field_specifications\[0\]\.tag_keys has 3 keys"):
        api_tag_field_specifications([{"resource_type": "instance", "tag_keys": ["a", "b", "c"]}])


def test_api_form_is_what_botocore_accepts():
    import botocore.session
    from botocore.validate import ParamValidator

    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import api_tag_field_specifications

    model = botocore.session.get_session().get_service_model("ec2")
    shape = model.operation_model("CreateFlowLogs").input_shape
    params = {"ResourceIds": ["vpc-1"], "ResourceType": "VPC", "LogFormat": "${srcaddr} ${instance-tag}",
              "TagFieldSpecifications": api_tag_field_specifications(
                  [{"resource_type": "instance", "tag_keys": ["Name"]}])}
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), report.generate_report()


@given(st.lists(st.sampled_from(sorted(TRANSIT_GATEWAY_FIELDS)), min_size=1, max_size=20, unique=True))
def test_insights_parse_clause_reads_any_transit_gateway_record(fields):
    from insights_oracle import glob_parse, sample_records, split_query
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import insights_queries

    log_format = fmt(*fields)
    assert parse_format(log_format, resource_type="TransitGateway") == fields
    result = insights_queries(log_format, resource_type="TransitGateway")
    clauses = [result["parse_clause"]] + [split_query(q["query_string"])[0] for q in result["queries"]]
    for clause in clauses:
        for line, _action in sample_records(fields, count=4):
            expected = parse_record(line, fields, typed=False)
            assert glob_parse(clause, line) == dict(
                (TRANSIT_GATEWAY_FIELDS[f].insights_name, "-" if v is None else v) for f, v in expected.items())
    for line, _action in sample_records(fields, count=4):
        assert render_record(parse_record(line, fields), fields) == line
