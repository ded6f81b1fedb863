# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_glue.py: validation, Glue TableInput, DDL, comparison."""

import datetime
import itertools
import re

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import DEFAULT_FORMAT
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FILE_FORMATS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import athena_columns
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import s3_layout
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import s3_object_key
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import FlowLogTableError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import build_desired
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import check_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import create_table_ddl
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import parse_s3_destination
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import projection_start_date
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_input
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import update_input


def fmt(*names):
    return " ".join("${%s}" % name for name in names)


V2 = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
      "packets", "bytes", "start", "end", "action", "log-status"]
FORMATS = {
    "default": DEFAULT_FORMAT,
    "v3": fmt(*(V2 + ["vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr"])),
    "v5": fmt("version", "vpc-id", "subnet-id", "instance-id", "interface-id", "account-id", "type", "srcaddr",
              "dstaddr", "srcport", "dstport", "pkt-srcaddr", "pkt-dstaddr", "protocol", "bytes", "packets",
              "start", "end", "action", "tcp-flags", "log-status", "region", "az-id", "flow-direction",
              "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service"),
    "v7-ecs": fmt("version", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "bytes", "start", "end",
                  "action", "ecs-cluster-name", "ecs-service-name", "ecs-task-id", "ecs-container-id"),
    "minimal": fmt("srcaddr", "dstaddr", "bytes"),
}
LAYOUTS = list(itertools.product(FILE_FORMATS, (False, True), (False, True)))
ACCOUNTS = ["123456789012", "210987654321"]
REGIONS = ["us-east-1", "eu-west-1"]


def options(file_format="plain-text", hive=False, per_hour=False):
    return {"file_format": file_format, "hive_compatible_partitions": hive, "per_hour_partition": per_hour}


def desired(log_format=None, layout=("plain-text", False, False), **kwargs):
    args = dict(bucket="flow-bucket", prefix="prod/", account_ids=ACCOUNTS, regions=REGIONS,
                start_date="2024-02-03")
    args.update(kwargs)
    return build_desired("flow_db", "flow_table", log_format, options(*layout), **args)


def problems_of(**kwargs):
    args = dict(database="flow_db", table="flow_table", bucket="flow-bucket")
    args.update(kwargs)
    with pytest.raises(FlowLogTableError) as caught:
        build_desired(**args)
    return caught.value.problems


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------
def test_build_desired_normalises():
    d = build_desired("db", "t", None, None, log_destination="arn:aws:s3:::my-bucket/a/b",
                      account_ids=["123456789012", "123456789012"], regions="us-east-1", start_date="2024/01/02")
    assert d["bucket"] == "my-bucket" and d["prefix"] == "a/b/"
    assert d["account_ids"] == ["123456789012"] and d["regions"] == ["us-east-1"]
    assert d["start_date"] == datetime.date(2024, 1, 2)
    assert d["fields"] == list(V2) and d["log_format"] == DEFAULT_FORMAT
    assert (d["file_format"], d["hive_compatible_partitions"], d["per_hour_partition"]) == ("plain-text", False, False)


def test_bucket_as_s3_url_and_empty_defaults():
    d = build_desired("db", "t", bucket="s3://my-bucket/")
    assert d["bucket"] == "my-bucket" and d["prefix"] == ""
    assert d["account_ids"] == [] and d["regions"] == [] and d["start_date"] is None


@pytest.mark.parametrize("destination, expected", [
    ("arn:aws:s3:::b-1", ("b-1", "")),
    ("arn:aws:s3:::b-1/", ("b-1", "")),
    ("arn:aws-us-gov:s3:::b-1/x/y/", ("b-1", "x/y/")),
    ("s3://b-1/x", ("b-1", "x")),
])
def test_parse_s3_destination(destination, expected):
    assert parse_s3_destination(destination) == expected


def test_every_problem_is_reported_at_once():
    problems = problems_of(database="Flow-DB", table="", log_format="${srcadr} ${dstaddr}",
                           destination_options={"file_format": "json", "per_hour_partition": "yes", "x": 1},
                           bucket="Bad_Bucket", prefix="AWSLogs", account_ids=["12345"], regions=["useast1"],
                           start_date="2024-13-01")
    text = " | ".join(problems)
    for expected in ("database 'Flow-DB' may contain only lowercase letters", "(use 'flow_db')",
                     "table must be a non-empty string", "unknown field ${srcadr}; did you mean ${srcaddr}?",
                     "unknown option 'x'", "file_format must be one of plain-text, parquet, got 'json'",
                     "per_hour_partition must be a boolean, got 'yes'", "bucket must be an S3 bucket name",
                     "AWS reserves AWSLogs", "account_ids: account id must be 12 digits, got '12345'",
                     "regions: region must look like us-east-1, got 'useast1'",
                     "start_date must be a date written YYYY-MM-DD, got '2024-13-01'"):
        assert expected in text, expected
    assert len(problems) == 11


def test_destination_problems():
    assert problems_of(bucket=None) == [
        "give the flow logs' bucket (bucket, and prefix if any) or log_destination"]
    assert problems_of(log_destination="arn:aws:s3:::b-1/") == [
        "give either log_destination or bucket (and prefix), not both"]
    assert "is not an S3 bucket ARN" in problems_of(bucket=None, log_destination="arn:aws:logs:x")[0]


def test_tag_fields_do_not_need_specifications_for_a_table():
    d = desired(fmt("version", "instance-tag", "interface-type"))
    assert d["fields"] == ["version", "instance-tag", "interface-type"]


@pytest.mark.parametrize("name, ok", [("vpc_flow_logs", True), ("a", True), ("a" * 255, True), ("a" * 256, False),
                                      ("Vpc", False), ("vpc-flow", False), ("vpc flow", False), (None, False)])
def test_check_name(name, ok):
    assert (check_name("table", name) is None) is ok


# ---------------------------------------------------------------------------
# TableInput for all formats and layouts
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda v: "-".join(map(str, v)))
@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_table_input(format_name, layout):
    file_format, hive, per_hour = layout
    log_format = FORMATS[format_name]
    ti = table_input(desired(log_format, layout))
    sd = ti["StorageDescriptor"]
    keys = s3_layout(file_format, hive, per_hour)["partition_keys"]
    assert ti["Name"] == "flow_table" and ti["TableType"] == "EXTERNAL_TABLE"
    assert sd["Columns"] == [{"Name": c["name"], "Type": c["type"]}
                             for c in athena_columns(log_format, file_format, keys)]
    assert len(sd["Columns"]) == len(parse_format(log_format))
    assert ti["PartitionKeys"] == [{"Name": k["name"], "Type": "string"} for k in keys]
    names = [c["Name"] for c in sd["Columns"]] + [k["Name"] for k in ti["PartitionKeys"]]
    assert len(names) == len(set(names))
    assert sd["Location"] == "s3://flow-bucket/prod/AWSLogs/"
    params = ti["Parameters"]
    assert params["EXTERNAL"] == "TRUE" and params["projection.enabled"] == "true"
    assert params["projection.aws_account_id.values"] == ",".join(ACCOUNTS)
    assert params["projection.aws_region.values"] == ",".join(REGIONS)
    template = params["storage.location.template"]
    assert template.startswith(sd["Location"])
    # Every partition key appears in the template, once, and nothing else does.
    assert sorted(re.findall(r"\$\{(\w+)\}", template)) == sorted(k["name"] for k in keys)
    for key in keys:
        assert params["projection.%s.type" % key["name"]] in ("enum", "date", "integer")
    if file_format == "plain-text":
        assert params["skip.header.line.count"] == "1"
        assert sd["SerdeInfo"]["SerializationLibrary"].endswith("LazySimpleSerDe")
        assert sd["SerdeInfo"]["Parameters"]["field.delim"] == " "
        assert sd["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    else:
        assert "skip.header.line.count" not in params
        assert sd["SerdeInfo"]["SerializationLibrary"].endswith("ParquetHiveSerDe")
        assert sd["InputFormat"].endswith("MapredParquetInputFormat")
    protocol = [c["Type"] for c in sd["Columns"] if c["Name"] == "protocol"]
    if protocol:
        assert protocol == ["int" if file_format == "parquet" else "bigint"]
    if hive:
        assert params["projection.year.range"] == "2024,NOW"
        assert "aws-account-id=${aws_account_id}/aws-service=vpcflowlogs/aws-region=${aws_region}/" in template
    else:
        assert params["projection.day.range"] == "2024/02/03,NOW"
        assert params["projection.day.format"] == "yyyy/MM/dd"
    assert ("projection.hour.range" in params) is per_hour


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda v: "-".join(map(str, v)))
def test_template_expands_to_the_directory_of_every_object(layout):
    file_format, hive, per_hour = layout
    params = table_input(desired(None, layout))["Parameters"]
    when = datetime.datetime(2024, 3, 9, 7, 5, tzinfo=datetime.timezone.utc)
    values = {"aws_account_id": ACCOUNTS[1], "aws_region": REGIONS[1], "year": "2024", "month": "03",
              "day": "09" if hive else "2024/03/09", "hour": "07"}
    location = params["storage.location.template"]
    for name, value in values.items():
        location = location.replace("${%s}" % name, value)
    key = s3_object_key("prod/", ACCOUNTS[1], REGIONS[1], "fl-0abc1234", when, file_format, hive, per_hour)
    assert "s3://flow-bucket/" + key.rsplit("/", 1)[0] + "/" == location


def test_description_default_and_custom():
    assert table_input(desired(FORMATS["v5"], ("parquet", True, True)))["Description"] == (
        "VPC flow logs (record version 5, parquet, Hive-compatible, per hour) in s3://flow-bucket/prod/, "
        "managed by flowlogs.aws")
    assert table_input(desired(description="mine"))["Description"] == "mine"


def test_table_input_needs_resolved_accounts_regions_and_date():
    with pytest.raises(FlowLogTableError):
        table_input(build_desired("db", "t", bucket="b-1"))


# ---------------------------------------------------------------------------
# DDL
# ---------------------------------------------------------------------------
def parse_ddl(ddl):
    """Read back the parts of a CREATE EXTERNAL TABLE statement (enough to compare with the TableInput)."""
    head, rest = ddl.split("\n)\n", 1)
    columns = []
    for line in head.split("\n")[1:]:
        name, col_type = line.strip().rstrip(",").rsplit(" ", 1)
        columns.append((name.strip("`"), col_type))
    keys = re.search(r"PARTITIONED BY \((.*)\)", rest).group(1)
    props = dict(re.findall(r"^  '([^']+)'='((?:[^'\\]|\\.)*)',?$", rest.split("TBLPROPERTIES", 1)[1], re.M))
    return {
        "columns": columns,
        "keys": [tuple(k.strip().split(" ")) for k in keys.split(",")],
        "serde": re.search(r"ROW FORMAT SERDE '([^']+)'", rest).group(1),
        "input": re.search(r"STORED AS INPUTFORMAT '([^']+)'", rest).group(1),
        "output": re.search(r"OUTPUTFORMAT '([^']+)'", rest).group(1),
        "location": re.search(r"LOCATION '([^']+)'", rest).group(1),
        "properties": props,
    }


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda v: "-".join(map(str, v)))
@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_ddl_is_the_table_input(format_name, layout):
    ti = table_input(desired(FORMATS[format_name], layout))
    ddl = create_table_ddl("flow_db", ti)
    assert ddl.startswith("CREATE EXTERNAL TABLE IF NOT EXISTS flow_db.flow_table (\n")
    parsed = parse_ddl(ddl)
    sd = ti["StorageDescriptor"]
    assert parsed["columns"] == [(c["Name"], c["Type"]) for c in sd["Columns"]]
    assert parsed["keys"] == [(k["Name"], k["Type"]) for k in ti["PartitionKeys"]]
    assert parsed["serde"] == sd["SerdeInfo"]["SerializationLibrary"]
    assert (parsed["input"], parsed["output"]) == (sd["InputFormat"], sd["OutputFormat"])
    assert parsed["location"] == sd["Location"]
    expected = dict(ti["Parameters"])
    del expected["EXTERNAL"]
    assert parsed["properties"] == expected
    if layout[0] == "plain-text":
        assert "WITH SERDEPROPERTIES (\n  'field.delim'=' ',\n  'serialization.format'=' '\n)" in ddl
    else:
        assert "'field.delim'" not in ddl


def test_ddl_quotes_reserved_words():
    ddl = create_table_ddl("flow_db", table_input(desired(FORMATS["v5"])))
    assert "\n  `end` bigint,\n" in ddl and "\n  `start` bigint,\n" in ddl
    assert "\n  srcaddr string,\n" in ddl
    assert "\n  type string,\n" in ddl and "\n  region string,\n" in ddl


def test_ddl_escapes_quotes_in_literals():
    ddl = create_table_ddl("flow_db", table_input(desired(description="Bob's flows")))
    assert "COMMENT 'Bob\\'s flows'" in ddl


# ---------------------------------------------------------------------------
# Comparison and update
# ---------------------------------------------------------------------------
def as_glue(ti, **extra_parameters):
    """What GetTable returns for a table created from ``ti``."""
    table = dict(ti, DatabaseName="flow_db", CreateTime="now", VersionId="1", CatalogId="000000000000")
    table["Parameters"] = dict(ti["Parameters"], **extra_parameters)
    return table


def test_same_table_has_no_differences():
    ti = table_input(desired(FORMATS["v5"], ("parquet", True, True)))
    assert table_differences(as_glue(ti, transient_lastDdlTime="1700000000", comment="x"), ti) == []


def test_format_change_is_a_column_difference():
    old = table_input(desired(FORMATS["default"]))
    new = table_input(desired(FORMATS["v3"]))
    diffs = table_differences(as_glue(old), new)
    assert len(diffs) == 2  # columns and the description (record version 2 -> 3)
    assert diffs[0].startswith("columns: version int, account_id string") and "tcp_flags int" in diffs[0]


def test_layout_change_lists_every_difference():
    old = table_input(desired(None, ("plain-text", False, True)))
    new = table_input(desired(None, ("parquet", True, False)))
    text = "\n".join(table_differences(as_glue(old), new))
    for expected in ("columns:", "partition_keys:", "input_format:", "output_format:", "serde:",
                     "serde_parameters:", "parameters[projection.hour.type]: 'integer' -> None",
                     "parameters[skip.header.line.count]: '1' -> None",
                     "parameters[projection.year.type]: None -> 'date'", "parameters[storage.location.template]"):
        assert expected in text, expected


def test_type_case_and_missing_keys():
    ti = table_input(desired(FORMATS["minimal"]))
    current = as_glue(ti)
    current["StorageDescriptor"] = dict(current["StorageDescriptor"],
                                        Columns=[dict(c, Type=c["Type"].upper()) for c in ti["StorageDescriptor"]["Columns"]])
    assert table_differences(current, ti) == []
    assert "table_type: None -> 'EXTERNAL_TABLE'" in table_differences({}, ti)


def test_update_keeps_parameters_that_are_not_ours():
    old = table_input(desired(None, ("plain-text", False, True)))
    new = table_input(desired(None, ("parquet", False, False)))
    merged = update_input(as_glue(old, comment="keep me", **{"projection.stale.type": "enum"}), new)
    assert merged["Parameters"]["comment"] == "keep me"
    assert "projection.stale.type" not in merged["Parameters"]
    assert "projection.hour.type" not in merged["Parameters"]
    assert "skip.header.line.count" not in merged["Parameters"]
    assert merged["StorageDescriptor"] == new["StorageDescriptor"]
    assert set(merged) == set(new)


def test_projection_start_date_is_read_back():
    assert projection_start_date(table_input(desired())) == datetime.date(2024, 2, 3)
    assert projection_start_date(table_input(desired(layout=("parquet", True, False)))) == datetime.date(2024, 1, 1)
    assert projection_start_date({}) is None
    assert projection_start_date(None) is None
    assert projection_start_date({"Parameters": {"projection.day.type": "date", "projection.day.range": "x"}}) is None


def test_summary():
    summary = table_summary(table_input(desired(FORMATS["minimal"])))
    assert summary["columns"] == ["srcaddr string", "dstaddr string", "bytes bigint"]
    assert summary["partition_keys"] == ["aws_account_id string", "aws_region string", "day string"]
    assert "EXTERNAL" in summary["parameters"]
    assert table_summary(None) == {}
