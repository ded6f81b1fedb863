"""Proof that the Glue tables fit real flow-log records, since Athena runs no SQL in the emulator.

For each of the 8 S3 delivery option combinations (plain text or Parquet, Hive-compatible
prefixes or not, per hour or per day) and five formats (default, v3, v5, v7 ECS, a minimal
three-field one), this test:

1. creates the table with flowlogs.aws.glue_flow_log_table (one playbook, all 40 tables);
2. writes realistic flow-log objects into LocalStack S3, for two accounts, two regions and
   several delivery times, under the key layout AWS documents (gzip text with its header
   line, or Parquet with the types AWS documents), built here independently of the
   collection's format engine;
3. reads each table back from Glue, expands its partition projection (enum, integer and
   date projections, as Athena does) and checks that the directory of every object is the
   storage.location.template filled with projected values, and that those values are the
   object's own account, region, date and hour (so a query on the last N days finds it);
4. reads every object back and checks that each record fits the table's typed columns:
   text by position (LazySimpleSerDe), with integer columns holding 32- or 64-bit integers
   or '-' (NULL); Parquet by name, each file column's physical type matching the column
   type (int32 <-> int, int64 <-> bigint, string <-> string).
"""

import datetime
import gzip
import io
import itertools
import os
import re
import sys
import uuid

import pytest

from conftest import ROOT
from conftest import run_playbook

# The collection as ansible_collections.flowlogs.aws (tests/setup.sh links it there), for the
# cross-check of the key layout against the format engine.
_COLLECTIONS = os.path.join(ROOT, ".cache", "collections")
if _COLLECTIONS not in sys.path:
    sys.path.insert(0, _COLLECTIONS)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

pytestmark = pytest.mark.localstack

PLAYBOOK = os.path.join(ROOT, "tests", "integration", "targets", "schema_fits_records", "main.yml")
ACCOUNTS = ["111122223333", "444455556666"]
REGIONS = ["us-east-1", "eu-west-1"]


def fmt(*names):
    return " ".join("${%s}" % name for name in names)


V2 = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
      "bytes", "start", "end", "action", "log-status"]
FORMATS = {
    "default": None,
    "v3": fmt(*(V2 + ["vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr"])),
    "v5": fmt("version", "account-id", "vpc-id", "subnet-id", "instance-id", "interface-id", "srcaddr", "dstaddr",
              "srcport", "dstport", "pkt-srcaddr", "pkt-dstaddr", "protocol", "packets", "bytes", "start", "end",
              "action", "tcp-flags", "type", "log-status", "region", "az-id", "sublocation-type", "sublocation-id",
              "flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service"),
    "v7ecs": fmt("version", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "bytes", "start",
                 "end", "action", "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn",
                 "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id", "ecs-service-name",
                 "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id"),
    "minimal": fmt("srcaddr", "dstaddr", "bytes"),
}
LAYOUTS = list(itertools.product(("plain-text", "parquet"), (False, True), (False, True)))

# AWS's record documentation: the version each field appeared in, and the Parquet type AWS
# writes for it (v2-v5 documented; the v7 ECS fields are strings).
VERSION = dict([(f, 2) for f in V2]
               + [(f, 3) for f in ("vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr",
                                   "pkt-dstaddr")]
               + [(f, 4) for f in ("region", "az-id", "sublocation-type", "sublocation-id")]
               + [(f, 5) for f in ("flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service")])
INT32 = {"version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path"}
INT64 = {"packets", "bytes", "start", "end"}
# Fields that still have a value in a NODATA/SKIPDATA record.
KEPT_WITHOUT_DATA = {"version", "account-id", "interface-id", "start", "end", "log-status", "vpc-id", "subnet-id",
                     "instance-id", "region", "az-id"}


def fields_of(log_format):
    if log_format is None:
        return list(V2)
    return re.findall(r"\$\{([a-z0-9-]+)\}", log_format)


def record_version(fields):
    return max(VERSION.get(f, 7) for f in fields)


# ---------------------------------------------------------------------------
# Sample records, as AWS writes them
# ---------------------------------------------------------------------------
def sample_records(fields, account, region, when, count=6):
    """Realistic records for ``fields`` around ``when``: TCP/UDP/ICMP, IPv4/IPv6, ACCEPT/REJECT, NODATA."""
    base = int(when.timestamp())
    records = []
    for i in range(count):
        ipv6 = i == 3
        src = "2600:1f18:1234:5600::%x" % (i + 1) if ipv6 else "10.0.%d.%d" % (i, 10 + i)
        dst = "2600:1f18:1234:5601::1" if ipv6 else "172.31.16.%d" % (100 + i)
        protocol = (6, 17, 1, 6, 6, 6)[i]
        values = {
            "version": record_version(fields),
            "account-id": account,
            "interface-id": "eni-0a1b2c3d4e5f6%04d" % i,
            "srcaddr": src, "dstaddr": dst,
            "srcport": None if protocol == 1 else (443, 53, 0, 22, 3389, 49152)[i],
            "dstport": None if protocol == 1 else (49152, 53, 0, 22, 3389, 443)[i],
            "protocol": protocol,
            "packets": 10 + i * 1000, "bytes": 840 + i * 3000000000,  # > 2^31: bigint for real
            "start": base - 60 + i, "end": base + i,
            "action": "REJECT" if i in (2, 4) else "ACCEPT",
            "log-status": "OK",
            "vpc-id": "vpc-0f1e2d3c4b5a69788", "subnet-id": "subnet-0123456789abcdef%d" % (i % 3),
            "instance-id": "i-0abcdef123456789%d" % i,
            "tcp-flags": 19 if protocol == 6 else 0,
            "type": "IPv6" if ipv6 else "IPv4",
            "pkt-srcaddr": src, "pkt-dstaddr": "52.95.%d.7" % i if i == 0 else dst,
            "region": region, "az-id": "use1-az%d" % (i % 6 + 1),
            "sublocation-type": None, "sublocation-id": None,
            "flow-direction": "ingress" if i % 2 == 0 else "egress",
            "traffic-path": None if i % 2 == 0 else (1, 2, 8)[i % 3],
            "pkt-src-aws-service": "S3" if i == 0 else None, "pkt-dst-aws-service": "AMAZON" if i == 1 else None,
            "ecs-cluster-arn": "arn:aws:ecs:%s:%s:cluster/flows" % (region, account),
            "ecs-cluster-name": "flows",
            "ecs-container-instance-arn": "arn:aws:ecs:%s:%s:container-instance/flows/0a1b%d" % (region, account, i),
            "ecs-container-instance-id": "0a1b%d" % i,
            "ecs-container-id": "3f2e1d%d" % i, "ecs-second-container-id": None,
            "ecs-service-name": "web",
            "ecs-task-definition-arn": "arn:aws:ecs:%s:%s:task-definition/web:7" % (region, account),
            "ecs-task-arn": "arn:aws:ecs:%s:%s:task/flows/9c8b%d" % (region, account, i),
            "ecs-task-id": "9c8b%d" % i,
        }
        records.append([values[f] for f in fields])
    # An interval without traffic: most fields are '-'.
    nodata = dict(zip(fields, records[0]))
    for f in fields:
        if f not in KEPT_WITHOUT_DATA:
            nodata[f] = None
    nodata["log-status"] = "NODATA"
    records.append([nodata[f] for f in fields])
    return records


def text_object(fields, records):
    """A plain-text object: gzip, a header line of field names, one space-separated record per line."""
    lines = [" ".join(fields)] + [" ".join("-" if v is None else str(v) for v in r) for r in records]
    return gzip.compress(("\n".join(lines) + "\n").encode())


def parquet_object(fields, records):
    """A Parquet object with AWS's column names (hyphens as underscores) and types."""
    arrays, schema = [], []
    for index, field in enumerate(fields):
        kind = pa.int32() if field in INT32 else pa.int64() if field in INT64 else pa.string()
        column = [r[index] if r[index] is None or kind != pa.string() else str(r[index]) for r in records]
        arrays.append(pa.array(column, type=kind))
        schema.append(pa.field(field.replace("-", "_"), kind))
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(schema)), buffer)
    return buffer.getvalue()


def aws_key(prefix, account, region, when, file_format, hive, per_hour, flow_log_id="fl-0123abcd4567ef890",
            digest="a1b2c3d4"):
    """The S3 key AWS gives a delivered object (VPC user guide, "Flow log files")."""
    if hive:
        path = "AWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region=%s/year=%s/month=%s/day=%s/" % (
            account, region, when.strftime("%Y"), when.strftime("%m"), when.strftime("%d"))
        path += "hour=%s/" % when.strftime("%H") if per_hour else ""
    else:
        path = "AWSLogs/%s/vpcflowlogs/%s/%s/" % (account, region, when.strftime("%Y/%m/%d"))
        path += "%s/" % when.strftime("%H") if per_hour else ""
    extension = ".log.gz" if file_format == "plain-text" else ".log.parquet"
    name = "%s_vpcflowlogs_%s_%s_%s_%s%s" % (account, region, flow_log_id, when.strftime("%Y%m%dT%H%MZ"), digest,
                                             extension)
    return prefix + path + name


# ---------------------------------------------------------------------------
# Athena partition projection, modelled independently
# ---------------------------------------------------------------------------
_JAVA_TO_PYTHON = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"))


def projected_values(parameters, key, now):
    """Every value Athena projects for partition ``key`` (enum, integer and date projections)."""
    kind = parameters["projection.%s.type" % key]
    if kind == "enum":
        return parameters["projection.%s.values" % key].split(",")
    if kind == "integer":
        low, high = (int(v) for v in parameters["projection.%s.range" % key].split(","))
        digits = int(parameters.get("projection.%s.digits" % key, "1"))
        return ["%0*d" % (digits, v) for v in range(low, high + 1)]
    if kind == "date":
        java = parameters["projection.%s.format" % key]
        python = java
        for java_token, python_token in _JAVA_TO_PYTHON:
            python = python.replace(java_token, python_token)
        start_text, end_text = parameters["projection.%s.range" % key].split(",")
        assert end_text == "NOW"
        start = datetime.datetime.strptime(start_text, python).replace(tzinfo=datetime.timezone.utc)
        unit = parameters.get("projection.%s.interval.unit" % key, "DAYS")
        step = int(parameters.get("projection.%s.interval" % key, "1"))
        values, current = [], start
        while current <= now:
            values.append(current.strftime(python))
            if unit == "YEARS":
                current = current.replace(year=current.year + step)
            elif unit == "DAYS":
                current += datetime.timedelta(days=step)
            else:
                raise AssertionError("unexpected interval unit %s" % unit)
        return values
    raise AssertionError("unexpected projection type %s for %s" % (kind, key))


def template_regex(template, parameters, keys):
    """A regex that reads the partition values back out of a directory (a date value may span directories)."""
    pattern = re.escape(template)
    for key in keys:
        slashes = parameters.get("projection.%s.format" % key, "").count("/")
        value = "[^/]+" + "/[^/]+" * slashes
        pattern = pattern.replace(re.escape("${%s}" % key), "(?P<%s>%s)" % (key, value), 1)
    return re.compile("^%s$" % pattern)


# ---------------------------------------------------------------------------
# Reading records back into typed columns
# ---------------------------------------------------------------------------
INT_RANGES = {"int": (-2 ** 31, 2 ** 31 - 1), "bigint": (-2 ** 63, 2 ** 63 - 1)}
PARQUET_TYPES = {"int": pa.int32(), "bigint": pa.int64(), "string": pa.string()}


def typed_value(text, column_type):
    """What Athena reads from a text field for a column type; raises when it does not fit."""
    if text == "-":
        return None
    if column_type in INT_RANGES:
        assert re.match(r"^-?[0-9]+$", text), "%r is not an integer" % text
        value = int(text)
        low, high = INT_RANGES[column_type]
        assert low <= value <= high, "%d does not fit %s" % (value, column_type)
        return value
    assert column_type == "string", column_type
    return text


def check_text_object(body, columns, fields):
    lines = gzip.decompress(body).decode().splitlines()
    header = lines[0].split(" ")
    # skip.header.line.count=1 drops the header; columns are read by position.
    assert header == fields
    assert [c["Name"] for c in columns] == [f.replace("-", "_") for f in header]
    rows = []
    for line in lines[1:]:
        values = line.split(" ")
        assert len(values) == len(columns), "record %r has %d values for %d columns" % (line, len(values), len(columns))
        rows.append([typed_value(v, c["Type"]) for v, c in zip(values, columns)])
    return rows


def check_parquet_object(body, columns):
    table = pq.read_table(io.BytesIO(body))
    by_name = dict((f.name, f.type) for f in table.schema)
    # Athena reads Parquet columns by name: every table column is in the file with the matching type.
    assert sorted(by_name) == sorted(c["Name"] for c in columns)
    for column in columns:
        assert by_name[column["Name"]] == PARQUET_TYPES[column["Type"]], (
            "%s: file %s, table %s" % (column["Name"], by_name[column["Name"]], column["Type"]))
    return table.to_pylist()


# ---------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------
def _table_name(format_name, layout):
    file_format, hive, per_hour = layout
    return "fit_%s_%s_%s_%s" % (format_name, "parquet" if file_format == "parquet" else "text",
                                "hive" if hive else "plain", "hourly" if per_hour else "daily")


@pytest.fixture(scope="module")
def fit(aws):
    s3 = aws("s3")
    suffix = uuid.uuid4().hex[:8]
    bucket = "flowlogs-fit-" + suffix
    s3.create_bucket(Bucket=bucket)
    now = datetime.datetime.now(datetime.timezone.utc)
    tables = []
    for format_name, layout in itertools.product(sorted(FORMATS), LAYOUTS):
        name = _table_name(format_name, layout)
        tables.append({
            "name": name,
            "prefix": "%s/" % name.replace("_", "-"),
            "log_format": FORMATS[format_name] or fmt(*V2),
            "format_name": format_name,
            "layout": layout,
            "destination_options": {"file_format": layout[0], "hive_compatible_partitions": layout[1],
                                    "per_hour_partition": layout[2]},
        })
    extra = {
        "database": "flowlogs_fit_" + suffix,
        "bucket": bucket,
        "tables": [dict((k, t[k]) for k in ("name", "prefix", "log_format", "destination_options")) for t in tables],
        "account_ids": ACCOUNTS,
        "regions": REGIONS,
        # Three days back: the projection covers every object written below.
        "start_date": (now - datetime.timedelta(days=3)).strftime("%Y-%m-%d"),
        "table_state": "present",
    }
    proc = run_playbook(PLAYBOOK, extra)
    assert proc.returncode == 0, proc.stdout[-6000:]
    yield {"bucket": bucket, "database": extra["database"], "tables": tables, "now": now}
    extra["table_state"] = "absent"
    proc = run_playbook(PLAYBOOK, extra)
    assert proc.returncode == 0, proc.stdout[-6000:]
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=obj["Key"])
    s3.delete_bucket(Bucket=bucket)


def _delivery_times(now):
    """Recent delivery times: this hour, yesterday, across midnight, and an early-morning single-digit hour."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    yesterday = (hour - datetime.timedelta(days=1)).replace(hour=3, minute=5)
    midnight = (hour - datetime.timedelta(days=2)).replace(hour=23, minute=55)
    return [hour.replace(minute=min(now.minute, 55)), yesterday, midnight]


@pytest.mark.parametrize("format_name", sorted(FORMATS))
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda v: "-".join(map(str, v)))
def test_schema_fits_records(fit, aws, format_name, layout):
    from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import s3_object_key

    s3, glue = aws("s3"), aws("glue")
    spec = [t for t in fit["tables"] if t["format_name"] == format_name and t["layout"] == layout][0]
    file_format, hive, per_hour = layout
    fields = fields_of(spec["log_format"])

    # 1. Deliver objects the way AWS does: two accounts, two regions, three times.
    written = {}
    for account, region, when in itertools.product(ACCOUNTS, REGIONS, _delivery_times(fit["now"])):
        records = sample_records(fields, account, region, when)
        key = aws_key(spec["prefix"], account, region, when, file_format, hive, per_hour)
        # The format engine agrees with the documented layout.
        assert key == s3_object_key(spec["prefix"], account, region, "fl-0123abcd4567ef890", when, file_format,
                                    hive, per_hour, "a1b2c3d4")
        body = text_object(fields, records) if file_format == "plain-text" else parquet_object(fields, records)
        s3.put_object(Bucket=fit["bucket"], Key=key, Body=body)
        written[key] = (account, region, when, records)

    # 2. Read the table back from Glue.
    table = glue.get_table(DatabaseName=fit["database"], Name=spec["name"])["Table"]
    parameters = table["Parameters"]
    keys = [k["Name"] for k in table["PartitionKeys"]]
    columns = table["StorageDescriptor"]["Columns"]
    template = parameters["storage.location.template"]
    assert parameters["projection.enabled"] == "true"
    assert template.startswith(table["StorageDescriptor"]["Location"])
    projected = dict((key, set(projected_values(parameters, key, fit["now"]))) for key in keys)
    pattern = template_regex(template, parameters, keys)

    # 3. Every object is in a projected partition, the one of its own account, region and time.
    listed = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=fit["bucket"], Prefix=spec["prefix"]):
        listed.extend(obj["Key"] for obj in page.get("Contents", []))
    assert sorted(listed) == sorted(written)
    for key in listed:
        account, region, when, records = written[key]
        directory = "s3://%s/%s/" % (fit["bucket"], key.rsplit("/", 1)[0])
        match = pattern.match(directory)
        assert match, "%s does not match the location template %s" % (directory, template)
        values = match.groupdict()
        for name, value in values.items():
            assert value in projected[name], "%s=%s is not a projected value of %s" % (name, value, name)
        expanded = template
        for name, value in values.items():
            expanded = expanded.replace("${%s}" % name, value)
        assert expanded == directory
        assert values["aws_account_id"] == account and values["aws_region"] == region
        day = "%s/%s/%s" % (values["year"], values["month"], values["day"]) if hive else values["day"]
        # The generated queries compare this yyyy/MM/dd form with the last N days.
        assert day == when.strftime("%Y/%m/%d")
        if per_hour:
            assert values["hour"] == when.strftime("%H")

        # 4. Every record fits the table's typed columns.
        body = s3.get_object(Bucket=fit["bucket"], Key=key)["Body"].read()
        if file_format == "plain-text":
            rows = check_text_object(body, columns, fields)
            expected = [[None if v is None else typed_value(str(v), c["Type"]) for v, c in zip(r, columns)]
                        for r in records]
            assert rows == expected
        else:
            rows = check_parquet_object(body, columns)
            assert len(rows) == len(records)
            for row, record in zip(rows, records):
                assert [row[c["Name"]] for c in columns] == record
    assert len(columns) == len(fields)
    assert {c["Type"] for c in columns if c["Name"] == "protocol"} <= {"int" if file_format == "parquet" else "bigint"}
