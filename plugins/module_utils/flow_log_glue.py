# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Glue table of VPC flow logs in S3, as data: validation, TableInput, DDL, comparison.

Pure Python standard library (no ansible, no boto3), so the module
glue_flow_log_table, the athena role and the unit tests share it. Every
schema fact (columns and their types, S3 layout, SerDe, partition projection)
comes from the format engine, flow_log_format.py; this file only assembles
them into a Glue ``TableInput``, the equivalent ``CREATE EXTERNAL TABLE``
statement, and the differences between a table that exists and the one wanted.
"""

import datetime
import re

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import S3_BUCKET_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FILE_FORMATS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import athena_columns
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import normalize_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import normalize_prefix
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import partition_projection
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import partition_values
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import quote_identifier
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import record_version
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import s3_layout
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

__all__ = [
    "FlowLogTableError",
    "DEFAULT_OPTIONS",
    "check_name",
    "parse_s3_destination",
    "build_desired",
    "table_input",
    "create_table_ddl",
    "table_differences",
    "update_input",
    "projection_start_date",
    "table_summary",
]

TABLE_TYPE = "EXTERNAL_TABLE"
DEFAULT_OPTIONS = {"file_format": "plain-text", "hive_compatible_partitions": False, "per_hour_partition": False}
# Table parameters this collection owns. Others (set by users, Athena or Glue) are kept on update.
_OWNED_PARAMETERS = ("EXTERNAL", "storage.location.template", "skip.header.line.count")
_OWNED_PREFIXES = ("projection.",)

# Athena accepts only lowercase letters, digits and underscores in database and table names
# (it lowercases anything else, and hyphens need quoting everywhere): ask for that.
# A Glue database or table name as Athena can query it ("Names for databases, tables, and columns").
GLUE_NAME = re.compile(r"^[a-z0-9_]{1,255}$")
_S3_ARN_RE = re.compile(r"^arn:aws[a-zA-Z-]*:s3:::([^/]+)(/.*)?$")
_S3_URL_RE = re.compile(r"^s3://([^/]+)(/.*)?$")


class FlowLogTableError(ProblemsError):
    """Invalid table parameters; ``problems`` lists every one found."""

    @staticmethod
    def describe(problems):
        return problems[0] if len(problems) == 1 else "%d problems: %s" % (
            len(problems), "; ".join("(%d) %s" % (i, p) for i, p in enumerate(problems, 1)))


def check_name(kind, name):
    """A problem message when ``name`` is not a good Athena database or table name, else None."""
    if not isinstance(name, str) or not name:
        return "%s must be a non-empty string" % kind
    if not GLUE_NAME.match(name):
        hint = " (use %r)" % re.sub(r"[^a-z0-9_]", "_", name.lower())[:255] if name.strip() else ""
        return ("%s %r may contain only lowercase letters, digits and underscores, at most 255 "
                "characters, as Athena requires%s" % (kind, name, hint))
    return None


def parse_s3_destination(destination):
    """``arn:aws:s3:::bucket/prefix/`` or ``s3://bucket/prefix/`` -> (bucket, prefix)."""
    if not isinstance(destination, str):
        raise FlowLogTableError(["log_destination must be a string, got %r" % (destination,)])
    match = _S3_ARN_RE.match(destination) or _S3_URL_RE.match(destination)
    if not match:
        raise FlowLogTableError([
            "log_destination %r is not an S3 bucket ARN (arn:aws:s3:::bucket/prefix/) or s3:// URL"
            % destination])
    return match.group(1), (match.group(2) or "").lstrip("/")


def _check_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.match(r"^\d{4}[-/]\d{2}[-/]\d{2}$", value.strip()):
        try:
            return datetime.datetime.strptime(value.strip().replace("/", "-"), "%Y-%m-%d").date()
        except ValueError:
            pass
    raise FlowLogTableError(["start_date must be a date written YYYY-MM-DD, got %r" % (value,)])


def _options(destination_options, problems):
    options = dict(DEFAULT_OPTIONS)
    for key, value in (destination_options or {}).items():
        if key not in DEFAULT_OPTIONS:
            problems.append("destination_options: unknown option %r; expected %s"
                            % (key, ", ".join(sorted(DEFAULT_OPTIONS))))
        elif value is not None:
            options[key] = value
    if options["file_format"] not in FILE_FORMATS:
        problems.append("destination_options.file_format must be one of %s, got %r"
                        % (", ".join(FILE_FORMATS), options["file_format"]))
    for key in ("hive_compatible_partitions", "per_hour_partition"):
        if not isinstance(options[key], bool):
            problems.append("destination_options.%s must be a boolean, got %r" % (key, options[key]))
    return options


def build_desired(database, table, log_format=None, destination_options=None, bucket=None, prefix=None,
                  log_destination=None, account_ids=None, regions=None, start_date=None, description=None,
                  resource_type=None):
    """Validate every table parameter at once and return the normalised request.

    ``account_ids`` and ``regions`` may be empty here (the module fills in the
    caller's account and region); ``start_date`` may be None (the module keeps
    the current table's, or uses today). ``resource_type`` names the kind of
    flow log that writes the objects (None: VPC); TransitGateway and
    TransitGatewayAttachment formats use the transit gateway fields (and
    their default format when log_format is None). Raises FlowLogTableError listing every
    problem, so nothing is called before the whole request is known good.
    """
    problems = []
    for kind, name in (("database", database), ("table", table)):
        problem = check_name(kind, name)
        if problem:
            problems.append(problem)
    fields = None
    try:
        # Tag fields are fine in a table: the tag field specifications only matter to CreateFlowLogs.
        fields = parse_format(log_format, tag_field_specifications=True, resource_type=resource_type)
    except FlowLogFormatError as error:
        problems.extend(error.problems)
    options = _options(destination_options, problems)
    if log_destination is not None:
        if bucket is not None or prefix is not None:
            problems.append("give either log_destination or bucket (and prefix), not both")
        else:
            try:
                bucket, prefix = parse_s3_destination(log_destination)
            except FlowLogTableError as error:
                problems.extend(error.problems)
                bucket = None
    elif bucket is None:
        problems.append("give the flow logs' bucket (bucket, and prefix if any) or log_destination")
    if isinstance(bucket, str) and bucket.startswith("s3://"):
        bucket = bucket[len("s3://"):].rstrip("/")
    if bucket is not None and (not isinstance(bucket, str) or not S3_BUCKET_NAME.match(bucket)):
        problems.append("bucket must be an S3 bucket name (3 to 63 lowercase letters, digits, dots, "
                        "hyphens), got %r" % (bucket,))
    try:
        prefix = normalize_prefix(prefix)
    except FlowLogFormatError as error:
        problems.append(str(error))
    accounts = _unique(account_ids)
    region_list = _unique(regions)
    # partition_values checks account ids (12 digits) and regions (us-east-1 style) one by one.
    for account in accounts:
        try:
            partition_values(account, "us-east-1", 0)
        except FlowLogFormatError as error:
            problems.append("account_ids: %s" % error)
    for region in region_list:
        try:
            partition_values("000000000000", region, 0)
        except FlowLogFormatError as error:
            problems.append("regions: %s" % error)
    start = None
    if start_date is not None:
        try:
            start = _check_date(start_date)
        except FlowLogTableError as error:
            problems.extend(error.problems)
    if description is not None and (not isinstance(description, str) or len(description) > 2048):
        problems.append("description must be a string of at most 2048 characters")
    if problems:
        raise FlowLogTableError(problems)
    return {
        "database": database,
        "table": table,
        "fields": fields,
        "log_format": normalize_format(log_format, resource_type),
        "file_format": options["file_format"],
        "hive_compatible_partitions": options["hive_compatible_partitions"],
        "per_hour_partition": options["per_hour_partition"],
        "bucket": bucket,
        "prefix": prefix,
        "account_ids": accounts,
        "regions": region_list,
        "start_date": start,
        "description": description,
    }


def _unique(values):
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    unique = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique


def default_description(desired):
    return "VPC flow logs (record version %d, %s%s%s) in s3://%s/%s, managed by flowlogs.aws" % (
        record_version(desired["fields"]), desired["file_format"],
        ", Hive-compatible" if desired["hive_compatible_partitions"] else "",
        ", per hour" if desired["per_hour_partition"] else ", per day",
        desired["bucket"], desired["prefix"])


def _projection(desired):
    if not desired["account_ids"] or not desired["regions"] or desired["start_date"] is None:
        raise FlowLogTableError(["account_ids, regions and start_date must be resolved before building the table"])
    return partition_projection(
        desired["bucket"], desired["prefix"], desired["file_format"], desired["hive_compatible_partitions"],
        desired["per_hour_partition"], desired["account_ids"], desired["regions"], desired["start_date"])


def table_input(desired):
    """The Glue ``TableInput`` (CreateTable/UpdateTable) for a resolved request."""
    projection = _projection(desired)
    layout = s3_layout(desired["file_format"], desired["hive_compatible_partitions"], desired["per_hour_partition"])
    columns = athena_columns(desired["fields"], desired["file_format"], projection["partition_keys"])
    parameters = {"EXTERNAL": "TRUE"}
    parameters.update(projection["parameters"])
    return {
        "Name": desired["table"],
        "Description": desired["description"] or default_description(desired),
        "TableType": TABLE_TYPE,
        "Parameters": parameters,
        "PartitionKeys": [{"Name": key["name"], "Type": key["type"]} for key in projection["partition_keys"]],
        "StorageDescriptor": {
            "Columns": [{"Name": column["name"], "Type": column["type"]} for column in columns],
            "Location": projection["location"],
            "InputFormat": layout["input_format"],
            "OutputFormat": layout["output_format"],
            "SerdeInfo": {
                "SerializationLibrary": layout["serde_library"],
                "Parameters": dict(layout["serde_parameters"]),
            },
        },
    }


def _literal(text):
    """A single-quoted Athena DDL string literal."""
    return "'%s'" % str(text).replace("\\", "\\\\").replace("'", "\\'")


def _properties(mapping):
    return ",\n".join("  %s=%s" % (_literal(key), _literal(mapping[key])) for key in sorted(mapping))


def create_table_ddl(database, table_input_):
    """The Athena ``CREATE EXTERNAL TABLE`` statement equivalent to a Glue TableInput.

    Identifiers are quoted with backticks where Athena DDL needs it (``end``,
    ``start``...); table properties carry the partition projection.
    """
    sd = table_input_["StorageDescriptor"]
    serde = sd["SerdeInfo"]
    columns = ",\n".join("  %s %s" % (quote_identifier(c["Name"], "ddl"), c["Type"]) for c in sd["Columns"])
    keys = ", ".join("%s %s" % (quote_identifier(k["Name"], "ddl"), k["Type"]) for k in table_input_["PartitionKeys"])
    properties = dict((k, v) for k, v in table_input_["Parameters"].items() if k != "EXTERNAL")
    lines = [
        "CREATE EXTERNAL TABLE IF NOT EXISTS %s.%s (" % (
            quote_identifier(database, "ddl"), quote_identifier(table_input_["Name"], "ddl")),
        columns,
        ")",
    ]
    if table_input_.get("Description"):
        lines.append("COMMENT %s" % _literal(table_input_["Description"]))
    if keys:
        lines.append("PARTITIONED BY (%s)" % keys)
    lines.append("ROW FORMAT SERDE %s" % _literal(serde["SerializationLibrary"]))
    if serde.get("Parameters"):
        lines.append("WITH SERDEPROPERTIES (\n%s\n)" % _properties(serde["Parameters"]))
    lines.append("STORED AS INPUTFORMAT %s" % _literal(sd["InputFormat"]))
    lines.append("OUTPUTFORMAT %s" % _literal(sd["OutputFormat"]))
    lines.append("LOCATION %s" % _literal(sd["Location"]))
    if properties:
        lines.append("TBLPROPERTIES (\n%s\n)" % _properties(properties))
    return "\n".join(lines)


def _owned(key):
    return key in _OWNED_PARAMETERS or key.startswith(_OWNED_PREFIXES)


def _columns(columns):
    return [(c.get("Name"), (c.get("Type") or "").lower()) for c in columns or []]


def _show(columns):
    return ", ".join("%s %s" % pair for pair in columns) or "(none)"


def table_differences(current, desired_input):
    """What differs between a Glue table (GetTable's ``Table``) and a TableInput, as messages.

    Compared: columns (names, types and order, since plain-text columns are
    read by position), partition keys, table type, description, location,
    input/output formats, SerDe and its parameters, and the table parameters
    this collection owns (projection.*, storage.location.template,
    skip.header.line.count, EXTERNAL). Other parameters are not ours and are
    ignored. An empty list means the table is up to date.
    """
    diffs = []
    sd = current.get("StorageDescriptor") or {}
    want_sd = desired_input["StorageDescriptor"]
    have, want = _columns(sd.get("Columns")), _columns(want_sd["Columns"])
    if have != want:
        diffs.append("columns: %s -> %s" % (_show(have), _show(want)))
    have, want = _columns(current.get("PartitionKeys")), _columns(desired_input["PartitionKeys"])
    if have != want:
        diffs.append("partition_keys: %s -> %s" % (_show(have), _show(want)))
    for label, have, want in (
        ("table_type", current.get("TableType"), desired_input["TableType"]),
        ("description", current.get("Description"), desired_input.get("Description")),
        ("location", sd.get("Location"), want_sd["Location"]),
        ("input_format", sd.get("InputFormat"), want_sd["InputFormat"]),
        ("output_format", sd.get("OutputFormat"), want_sd["OutputFormat"]),
        ("serde", (sd.get("SerdeInfo") or {}).get("SerializationLibrary"),
         want_sd["SerdeInfo"]["SerializationLibrary"]),
        ("serde_parameters", (sd.get("SerdeInfo") or {}).get("Parameters") or {},
         want_sd["SerdeInfo"]["Parameters"]),
    ):
        if have != want:
            diffs.append("%s: %r -> %r" % (label, have, want))
    have = dict((k, v) for k, v in (current.get("Parameters") or {}).items() if _owned(k))
    want = desired_input["Parameters"]
    for key in sorted(set(have) | set(want)):
        if have.get(key) != want.get(key):
            diffs.append("parameters[%s]: %r -> %r" % (key, have.get(key), want.get(key)))
    return diffs


def update_input(current, desired_input):
    """The TableInput for UpdateTable: the desired table, keeping parameters that are not ours."""
    merged = dict(desired_input)
    parameters = dict((k, v) for k, v in (current.get("Parameters") or {}).items() if not _owned(k))
    parameters.update(desired_input["Parameters"])
    merged["Parameters"] = parameters
    return merged


def projection_start_date(table):
    """The start date of an existing table's date projection (None when it has none).

    Non-Hive tables project ``day`` (yyyy/MM/dd); Hive tables project ``year``
    (yyyy), whose start is read as 1 January of that year.
    """
    parameters = (table or {}).get("Parameters") or {}
    day = parameters.get("projection.day.range", "")
    if parameters.get("projection.day.type") == "date" and day:
        try:
            return datetime.datetime.strptime(day.split(",")[0], "%Y/%m/%d").date()
        except ValueError:
            return None
    year = parameters.get("projection.year.range", "")
    if parameters.get("projection.year.type") == "date" and year:
        try:
            return datetime.date(int(year.split(",")[0]), 1, 1)
        except ValueError:
            return None
    return None


def table_summary(table_input_):
    """A compact, comparable view of a table for diff mode and results."""
    if not table_input_:
        return {}
    sd = table_input_.get("StorageDescriptor") or {}
    parameters = table_input_.get("Parameters") or {}
    return {
        "name": table_input_.get("Name"),
        "description": table_input_.get("Description"),
        "columns": ["%s %s" % pair for pair in _columns(sd.get("Columns"))],
        "partition_keys": ["%s %s" % pair for pair in _columns(table_input_.get("PartitionKeys"))],
        "location": sd.get("Location"),
        "serde": (sd.get("SerdeInfo") or {}).get("SerializationLibrary"),
        "parameters": dict((k, v) for k, v in parameters.items() if _owned(k)),
    }
