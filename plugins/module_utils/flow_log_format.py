# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VPC Flow Logs format engine.

One catalogue of every flow-log record field (versions 2 to 11) and pure
functions on it: validate and normalise a ``log_format`` string, compute the
record version, derive Athena/Glue columns and CloudWatch Logs Insights parse
clauses, parse and render record lines, and describe the S3 key layout and the
Athena partition projection for every S3 delivery option.

Pure Python standard library only (no ansible, no boto3), so modules, filters,
roles and unit tests all understand a format the same way. Sources for every
fact are in docs and in /work/shared/reference/anchors-and-aws-facts.md
sections 2 and 3; the ones not confirmed by AWS documentation are marked
``type_inferred=True`` or commented as such below.
"""

import datetime
import difflib
import re
from collections import OrderedDict, namedtuple

__all__ = [
    "FlowLogFormatError",
    "Field",
    "FIELDS",
    "DEFAULT_FIELDS",
    "DEFAULT_FORMAT",
    "TAG_FIELDS",
    "FILE_FORMATS",
    "INSIGHTS_DISCOVERED_FIELDS",
    "parse_format",
    "normalize_format",
    "closest_field",
    "record_version",
    "athena_column_name",
    "athena_columns",
    "quote_identifier",
    "insights_field_name",
    "insights_parse_clause",
    "header_line",
    "parse_record",
    "render_record",
    "normalize_prefix",
    "s3_layout",
    "partition_values",
    "partition_projection",
    "s3_object_key",
]


class FlowLogFormatError(ValueError):
    """A flow-log format, record or layout request is invalid.

    The message is meant for users and names every offending token.
    ``problems`` holds the individual messages when several were found.
    """

    def __init__(self, message, problems=None):
        super(FlowLogFormatError, self).__init__(message)
        self.problems = list(problems) if problems else [message]


Field = namedtuple(
    "Field", "name version athena_type parquet_type insights_name description type_inferred"
)

# ---------------------------------------------------------------------------
# Field catalogue, in the order of the AWS "Available fields" table.
# athena_type: the type in AWS's plain-text Athena DDL (LazySimpleSerDe parses
#   the text, "-" becomes NULL in numeric columns).
# parquet_type: the physical/logical type in Parquet objects written by AWS.
# type_inferred=True: the Athena and/or Parquet type is NOT confirmed by an AWS
#   document (v7 ECS fields and everything from v8 on); check against a real
#   Parquet object before relying on it.
# insights_name: CloudWatch Logs Insights name. For the 14 default fields these
#   are the names Insights auto-discovers for default-format flow logs
#   (CWL_AnalyzeLogData-discoverable-fields: accountId, startTime, endTime, ...),
#   so queries written for the default format keep working with a custom one.
#   Other fields use camelCase (nextHopAzId), as in AWS's v11 examples.
# ---------------------------------------------------------------------------
_S, _I, _L = "STRING", "INT_32", "INT_64"
_CATALOGUE = (
    # name, version, athena (text DDL), parquet, insights, inferred, description
    ("version", 2, "int", _I, "version", False,
     "Record version: the highest version among the fields of the format."),
    ("account-id", 2, "string", _S, "accountId", False,
     "AWS account ID of the owner of the network interface."),
    ("interface-id", 2, "string", _S, "interfaceId", False,
     "ID of the network interface for which traffic is recorded."),
    ("srcaddr", 2, "string", _S, "srcAddr", False,
     "Source address of incoming traffic, or interface address of outgoing traffic."),
    ("dstaddr", 2, "string", _S, "dstAddr", False,
     "Destination address of outgoing traffic, or interface address of incoming traffic."),
    ("srcport", 2, "int", _I, "srcPort", False, "Source port."),
    ("dstport", 2, "int", _I, "dstPort", False, "Destination port."),
    # AWS DDL says bigint; Parquet objects carry INT_32 (opensearch-catalog#195).
    ("protocol", 2, "bigint", _I, "protocol", False, "IANA protocol number (6 TCP, 17 UDP, 1 ICMP)."),
    ("packets", 2, "bigint", _L, "packets", False, "Number of packets in the flow."),
    ("bytes", 2, "bigint", _L, "bytes", False, "Number of bytes in the flow."),
    ("start", 2, "bigint", _L, "startTime", False,
     "Unix seconds when the first packet of the flow was received in the interval."),
    ("end", 2, "bigint", _L, "endTime", False,
     "Unix seconds when the last packet of the flow was received in the interval."),
    ("action", 2, "string", _S, "action", False, "ACCEPT or REJECT."),
    ("log-status", 2, "string", _S, "logStatus", False, "OK, NODATA or SKIPDATA."),
    ("vpc-id", 3, "string", _S, "vpcId", False, "ID of the VPC of the network interface."),
    ("subnet-id", 3, "string", _S, "subnetId", False, "ID of the subnet of the network interface."),
    ("instance-id", 3, "string", _S, "instanceId", False,
     "ID of the instance attached to the interface, if you own it."),
    ("tcp-flags", 3, "int", _I, "tcpFlags", False,
     "Bitmask of TCP flags seen in the interval (FIN 1, SYN 2, RST 4, SYN-ACK 18)."),
    ("type", 3, "string", _S, "type", False, "Traffic type: IPv4, IPv6 or EFA."),
    ("pkt-srcaddr", 3, "string", _S, "pktSrcAddr", False, "Packet-level (original) source address."),
    ("pkt-dstaddr", 3, "string", _S, "pktDstAddr", False,
     "Packet-level (original) destination address."),
    ("region", 4, "string", _S, "region", False, "Region of the network interface."),
    ("az-id", 4, "string", _S, "azId", False, "Availability Zone ID of the network interface."),
    ("sublocation-type", 4, "string", _S, "sublocationType", False,
     "wavelength, outpost or localzone, when the interface is in a sublocation."),
    ("sublocation-id", 4, "string", _S, "sublocationId", False, "ID of the sublocation."),
    ("pkt-src-aws-service", 5, "string", _S, "pktSrcAwsService", False,
     "AWS service of pkt-srcaddr's IP range (S3, EC2, ROUTE53, AMAZON, ...)."),
    ("pkt-dst-aws-service", 5, "string", _S, "pktDstAwsService", False,
     "AWS service of pkt-dstaddr's IP range."),
    ("flow-direction", 5, "string", _S, "flowDirection", False,
     "ingress or egress, relative to the interface."),
    ("traffic-path", 5, "int", _I, "trafficPath", False,
     "Path egress traffic takes to the destination (1 to 8)."),
    ("ecs-cluster-arn", 7, "string", _S, "ecsClusterArn", True, "ARN of the ECS cluster."),
    ("ecs-cluster-name", 7, "string", _S, "ecsClusterName", True, "Name of the ECS cluster."),
    ("ecs-container-instance-arn", 7, "string", _S, "ecsContainerInstanceArn", True,
     "ARN of the ECS container instance."),
    ("ecs-container-instance-id", 7, "string", _S, "ecsContainerInstanceId", True,
     "ID of the ECS container instance."),
    ("ecs-container-id", 7, "string", _S, "ecsContainerId", True, "Docker ID of the container."),
    ("ecs-second-container-id", 7, "string", _S, "ecsSecondContainerId", True,
     "Docker ID of a second container of the task."),
    ("ecs-service-name", 7, "string", _S, "ecsServiceName", True, "Name of the ECS service."),
    ("ecs-task-definition-arn", 7, "string", _S, "ecsTaskDefinitionArn", True,
     "ARN of the ECS task definition."),
    ("ecs-task-arn", 7, "string", _S, "ecsTaskArn", True, "ARN of the ECS task."),
    ("ecs-task-id", 7, "string", _S, "ecsTaskId", True, "ID of the ECS task."),
    ("reject-reason", 8, "string", _S, "rejectReason", True,
     "Why traffic was rejected: BPA, EC, or '-'."),
    ("resource-id", 9, "string", _S, "resourceId", True,
     "ID of the resource, e.g. a regional NAT gateway."),
    # Text DDL: string-safe; Parquet: assumed INT_32 (values 0 to 3). Unconfirmed.
    ("encryption-status", 10, "string", _I, "encryptionStatus", True,
     "Encryption status of the traffic (0 to 3, or '-')."),
    ("instance-tag", 11, "string", _S, "instanceTag", True,
     "Value of the first instance tag key from the tag field specifications."),
    ("instance-tag-2", 11, "string", _S, "instanceTag2", True,
     "Value of the second instance tag key."),
    ("interface-tag", 11, "string", _S, "interfaceTag", True,
     "Value of the first network-interface tag key."),
    ("interface-tag-2", 11, "string", _S, "interfaceTag2", True,
     "Value of the second network-interface tag key."),
    ("asg-tag", 11, "string", _S, "asgTag", True, "Value of the first Auto Scaling group tag key."),
    ("asg-tag-2", 11, "string", _S, "asgTag2", True,
     "Value of the second Auto Scaling group tag key."),
    ("interface-type", 11, "string", _S, "interfaceType", True, "Type of the network interface."),
    ("next-hop-interface-id", 11, "string", _S, "nextHopInterfaceId", True,
     "ID of the next-hop network interface."),
    ("next-hop-subnet-id", 11, "string", _S, "nextHopSubnetId", True, "Subnet of the next hop."),
    ("next-hop-az-id", 11, "string", _S, "nextHopAzId", True, "Availability Zone ID of the next hop."),
    ("next-hop-vpc-id", 11, "string", _S, "nextHopVpcId", True, "VPC of the next hop."),
    ("next-hop-interface-type", 11, "string", _S, "nextHopInterfaceType", True,
     "Interface type of the next hop (nat_gateway, vpc-endpoint, ...)."),
)

FIELDS = OrderedDict(
    (name, Field(name, version, athena, parquet, insights, description, inferred))
    for name, version, athena, parquet, insights, inferred, description in _CATALOGUE
)

DEFAULT_FIELDS = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log-status",
)
DEFAULT_FORMAT = " ".join("${%s}" % name for name in DEFAULT_FIELDS)

TAG_FIELDS = frozenset(
    ("instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2", "asg-tag", "asg-tag-2")
)

FILE_FORMATS = ("plain-text", "parquet")

# Fields CloudWatch Logs Insights discovers by itself, for the default format only.
INSIGHTS_DISCOVERED_FIELDS = tuple(FIELDS[name].insights_name for name in DEFAULT_FIELDS)

_PARQUET_TO_ATHENA = {"INT_32": "int", "INT_64": "bigint", "STRING": "string"}

# Athena reserved keywords for DDL statements (escape with backticks), from the
# Athena user guide "Escape reserved keywords in queries".
_ATHENA_DDL_RESERVED = frozenset("""
all alter and array as authorization between bigint binary boolean both by case cashe cast
char column conf constraint commit create cross cube current current_date current_timestamp
cursor database date dayofweek decimal delete describe distinct div double drop else end
exchange exists extended external extract false fetch float floor following for foreign from
full function grant group grouping having if import in inner insert int integer intersect
interval into is join lateral left less like local macro map more none not null numeric of on
only or order out outer over partialscan partition percent preceding precision preserve primary
procedure range reads reduce regexp references revoke right rlike rollback rollup row rows
select set smallint start table tablesample then time timestamp to transform trigger true
truncate unbounded union uniquejoin update user using utc_tmestamp values varchar views when
where window with
""".split())

# Athena reserved keywords for SELECT statements (escape with double quotes).
_ATHENA_SELECT_RESERVED = frozenset("""
alter and as between by case cast constraint create cross cube current_catalog current_date
current_path current_role current_schema current_time current_timestamp current_user deallocate
delete describe distinct drop else end escape except execute exists extract false first for
from full group grouping having in inner insert intersect into is join json_array json_exists
json_object json_query json_table json_value last left like listagg localtime localtimestamp
natural normalize not null of on or order outer prepare recursive right rollup select skip
table then trim true uescape union unnest using values when where with
""".split())

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_TOKEN_RE = re.compile(r"^\$\{([^{}\s]*)\}$")
_REF_RE = re.compile(r"\$\{([^{}\s]*)\}")
_INTEGER_RE = re.compile(r"^[0-9]+$")
_ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------
def closest_field(name):
    """Return the valid field name nearest to ``name``, or None if none is close.

    Case and ``_``/``-`` differences are forgiven first (``Account_ID`` gives
    ``account-id``); otherwise difflib picks the best match above 0.6.
    """
    if not isinstance(name, str) or not name:
        return None
    folded = name.strip().lower().replace("_", "-")
    if folded in FIELDS:
        return folded
    matches = difflib.get_close_matches(folded, list(FIELDS), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _ref(name):
    return "${%s}" % name


def _unknown_field_message(name):
    message = "unknown field %s" % _ref(name)
    suggestion = closest_field(name)
    if suggestion:
        message += "; did you mean %s?" % _ref(suggestion)
    return message


def _bad_token_message(token):
    """Explain why ``token`` is not a single ``${field}`` reference."""
    refs = _REF_RE.findall(token)
    if token == "${}":
        return "token '${}' names no field"
    if len(refs) > 1:
        return ("token %r joins %d fields; separate fields with exactly one space"
                % (token, len(refs)))
    if len(refs) == 1:
        return ("token %r has text besides %s; separate fields with exactly one space "
                "and no other characters" % (token, _ref(refs[0])))
    if token.startswith("${"):
        message = "token %r is missing its closing brace '}'" % token
        suggestion = closest_field(token[2:])
        return message + ("; did you mean %s?" % _ref(suggestion) if suggestion else "")
    if token.startswith("{") or token.startswith("$"):
        return "token %r is not a field reference; write fields as ${field-name}" % token
    return ("token %r is not a field reference of the form ${field-name}; "
            "literal text is not allowed" % token)


def _split_tokens(log_format, problems):
    """Split on whitespace, reporting every separator that is not one space."""
    parts = re.split(r"(\s+)", log_format.strip())
    tokens = parts[0::2]
    for index, separator in enumerate(parts[1::2]):
        if separator != " ":
            problems.append("separator %r between %r and %r must be exactly one space"
                            % (separator, tokens[index], tokens[index + 1]))
    return tokens


def _field_names(tokens, problems):
    """Turn tokens into field names, reporting bad tokens, unknown fields and duplicates."""
    names, seen = [], {}
    for position, token in enumerate(tokens, start=1):
        match = _TOKEN_RE.match(token)
        if match and match.group(1):
            candidates = [match.group(1)]
        else:
            problems.append(_bad_token_message(token))
            candidates = [ref for ref in _REF_RE.findall(token) if ref]
        for name in candidates:
            if name not in FIELDS:
                problems.append(_unknown_field_message(name))
            elif name in seen:
                problems.append("duplicate field %s (positions %d and %d)"
                                % (_ref(name), seen[name], position))
            else:
                seen[name] = position
                names.append(name)
    return names


def _parse(log_format, tag_field_specifications, check_tags):
    if log_format is None:
        return list(DEFAULT_FIELDS)
    if not isinstance(log_format, str):
        raise FlowLogFormatError(_join_problems([
            "log_format must be a string of ${field} tokens, got %s" % type(log_format).__name__]))
    if not log_format.strip():
        raise FlowLogFormatError(_join_problems([
            "log_format is empty or blank (%r); give at least one ${field}, or omit it for "
            "the default format" % log_format]))
    problems = []
    if log_format != log_format.lstrip():
        problems.append("log_format has leading whitespace %r; AWS rejects it"
                        % log_format[:len(log_format) - len(log_format.lstrip())])
    if log_format != log_format.rstrip():
        problems.append("log_format has trailing whitespace %r; AWS rejects it"
                        % log_format[len(log_format.rstrip()):])
    names = _field_names(_split_tokens(log_format, problems), problems)
    tags = [name for name in names if name in TAG_FIELDS]
    if check_tags and tags and not tag_field_specifications:
        problems.append("tag field%s %s need%s tag_field_specifications (resource_type and "
                        "tag_keys for each tagged resource kind)"
                        % ("s" if len(tags) > 1 else "", ", ".join(_ref(t) for t in tags),
                           "" if len(tags) > 1 else "s"))
    if problems:
        raise FlowLogFormatError(_join_problems(problems), problems)
    return names


def _join_problems(problems):
    if len(problems) == 1:
        return "invalid log_format: " + problems[0]
    return "invalid log_format (%d problems): %s" % (
        len(problems), "; ".join("(%d) %s" % (i, p) for i, p in enumerate(problems, 1)))


def parse_format(log_format, tag_field_specifications=None):
    """Validate ``log_format`` and return its field names in order.

    ``None`` means the default format. Every problem found is reported in one
    FlowLogFormatError. Tag fields (``${instance-tag}``...) need a truthy
    ``tag_field_specifications`` (normally a list of dicts with
    ``resource_type`` and ``tag_keys``).
    """
    return _parse(log_format, tag_field_specifications, check_tags=True)


def normalize_format(log_format):
    """Return the canonical form of ``log_format`` (the default for None).

    Validates the syntax and field names like parse_format, but does not
    require tag field specifications: it normalises what DescribeFlowLogs
    returns as well as what a user asks for.
    """
    return " ".join(_ref(name) for name in _parse(log_format, None, check_tags=False))


def _fields_of(fields):
    """Accept a format string, None, a list of names or of Field tuples."""
    if fields is None or isinstance(fields, str):
        return _parse(fields, None, check_tags=False)
    if isinstance(fields, Field):
        fields = [fields]
    names = []
    for item in fields:
        name = item.name if isinstance(item, Field) else item
        if not isinstance(name, str) or name not in FIELDS:
            raise FlowLogFormatError(_unknown_field_message(str(name)))
        names.append(name)
    if not names:
        raise FlowLogFormatError("no fields given")
    return names


def _field(name):
    if isinstance(name, Field):
        return name
    if not isinstance(name, str) or name not in FIELDS:
        raise FlowLogFormatError(_unknown_field_message(str(name)))
    return FIELDS[name]


def record_version(fields):
    """Return the record version a format produces: the highest field version."""
    return max(FIELDS[name].version for name in _fields_of(fields))


# ---------------------------------------------------------------------------
# Athena / Glue
# ---------------------------------------------------------------------------
def _check_file_format(file_format):
    if file_format not in FILE_FORMATS:
        raise FlowLogFormatError("unknown file_format %r; expected one of: %s"
                                 % (file_format, ", ".join(FILE_FORMATS)))


def athena_column_name(field):
    """Athena/Glue column name of a field: hyphens become underscores."""
    return _field(field).name.replace("-", "_")


def _key_names(partition_keys):
    names = set()
    for key in partition_keys or ():
        name = key.get("name") if isinstance(key, dict) else key
        names.add(str(name).lower())
    return names


def athena_columns(fields, file_format="plain-text", partition_keys=()):
    """Athena/Glue columns for ``fields`` as ``{"name", "type", "field"}`` dicts.

    Plain text uses the types of AWS's DDL (``protocol`` bigint); Parquet uses
    the Parquet type (INT_32 int, INT_64 bigint, STRING string), so
    ``protocol`` is int. Columns whose name equals a partition key (any case)
    are dropped: Athena rejects a table with both.
    """
    _check_file_format(file_format)
    skip = _key_names(partition_keys)
    columns = []
    for name in _fields_of(fields):
        field = FIELDS[name]
        column = athena_column_name(field)
        if column.lower() in skip:
            continue
        if file_format == "parquet":
            column_type = _PARQUET_TO_ATHENA[field.parquet_type]
        else:
            column_type = field.athena_type
        columns.append({"name": column, "type": column_type, "field": name})
    return columns


def quote_identifier(name, dialect="ddl"):
    """Quote an Athena identifier when needed.

    ``dialect="ddl"`` (default): backticks for DDL reserved words (``end``,
    ``date``, ``start``...) and for names that are not plain
    ``[a-z_][a-z0-9_]*``. ``dialect="select"``: double quotes for the
    SELECT reserved words (``end``...) and such names.
    """
    if not isinstance(name, str) or not name:
        raise FlowLogFormatError("identifier must be a non-empty string, got %r" % (name,))
    if dialect == "ddl":
        reserved, quote = _ATHENA_DDL_RESERVED, "`"
    elif dialect == "select":
        reserved, quote = _ATHENA_SELECT_RESERVED, '"'
    else:
        raise FlowLogFormatError("unknown dialect %r; expected ddl or select" % (dialect,))
    if name.lower() in reserved or not _PLAIN_IDENTIFIER.match(name):
        return quote + name.replace(quote, quote * 2) + quote
    return name


# ---------------------------------------------------------------------------
# CloudWatch Logs Insights
# ---------------------------------------------------------------------------
def insights_field_name(field):
    """CloudWatch Logs Insights name of a field (``srcAddr``, ``nextHopAzId``...)."""
    return _field(field).insights_name


def insights_parse_clause(fields):
    """A ``parse @message "* * ..." as a, b, ...`` clause for any format.

    Insights discovers fields only for the default format; this clause gives
    custom formats the same names (the default-format ones where they exist).
    """
    names = _fields_of(fields)
    return 'parse @message "%s" as %s' % (
        " ".join(["*"] * len(names)), ", ".join(insights_field_name(n) for n in names))


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
def _is_integer(field):
    return field.parquet_type in ("INT_32", "INT_64")


def header_line(fields):
    """The header line of plain-text S3 objects: field names separated by spaces."""
    return " ".join(_fields_of(fields))


def parse_record(line, fields, typed=True):
    """Parse one record line into ``{field name: value}``.

    ``-`` becomes None. With ``typed``, integer fields become ints. Raises
    FlowLogFormatError when the number of values differs from the number of
    fields or an integer field holds something else.
    """
    names = _fields_of(fields)
    if not isinstance(line, str):
        raise FlowLogFormatError("record must be a string, got %s" % type(line).__name__)
    values = line.rstrip("\r\n").split(" ")
    if len(values) != len(names):
        raise FlowLogFormatError("record has %d values but the format has %d fields: %r"
                                 % (len(values), len(names), line))
    record = {}
    for name, value in zip(names, values):
        if value == "-":
            record[name] = None
        elif typed and _is_integer(FIELDS[name]):
            if not _INTEGER_RE.match(value):
                raise FlowLogFormatError("field %s expects an integer or '-', got %r"
                                         % (_ref(name), value))
            record[name] = int(value)
        else:
            record[name] = value
    return record


def render_record(record, fields):
    """Render ``record`` (a dict) as a record line; the inverse of parse_record."""
    names = _fields_of(fields)
    if not isinstance(record, dict):
        raise FlowLogFormatError("record must be a dict, got %s" % type(record).__name__)
    values = []
    for name in names:
        if name not in record:
            raise FlowLogFormatError("record has no value for %s" % _ref(name))
        value = record[name]
        if value is None:
            values.append("-")
            continue
        if isinstance(value, bool):
            raise FlowLogFormatError("field %s: booleans are not flow-log values" % _ref(name))
        text = str(value)
        if not text or re.search(r"\s", text):
            raise FlowLogFormatError("field %s: value %r is empty or contains whitespace"
                                     % (_ref(name), text))
        values.append(text)
    return " ".join(values)


# ---------------------------------------------------------------------------
# S3 layout and partition projection
# ---------------------------------------------------------------------------
# Confirmed by the VPC user guide (flow-logs-s3 "Flow log files"): the directory
# layouts, Hive key names, per-hour "HH/" or "hour=HH/", and the text file name
# {acct}_vpcflowlogs_{region}_{fl-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz.
# NOT confirmed by AWS documentation: the Parquet extension ".log.parquet"
# (seen in public examples of delivered objects). Athena reads every object
# under a partition location, so the extension does not affect queries.
_EXTENSIONS = {"plain-text": ".log.gz", "parquet": ".log.parquet"}
_SERDE = {
    "plain-text": {
        "serde_library": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "serde_parameters": {"field.delim": " ", "serialization.format": " "},
        "input_format": "org.apache.hadoop.mapred.TextInputFormat",
        "output_format": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "table_parameters": {"skip.header.line.count": "1"},
    },
    "parquet": {
        "serde_library": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "serde_parameters": {"serialization.format": "1"},
        "input_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "output_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "table_parameters": {},
    },
}
# Partition keys. Account and region are named aws_account_id / aws_region (as
# in the Hive prefixes) so they never hide the account_id / region columns of
# a format: the S3 path holds the flow log's account, the account-id field the
# interface owner's, and these differ for shared VPCs.
_ACCOUNT_KEY, _REGION_KEY = "aws_account_id", "aws_region"


def _partition_key_names(hive, per_hour):
    if hive:
        names = [_ACCOUNT_KEY, _REGION_KEY, "year", "month", "day"]
    else:
        names = [_ACCOUNT_KEY, _REGION_KEY, "day"]
    return names + (["hour"] if per_hour else [])


def _path_pattern(hive, per_hour):
    if hive:
        path = ("AWSLogs/aws-account-id={account_id}/aws-service=vpcflowlogs/"
                "aws-region={region}/year={year}/month={month}/day={day}/")
        return path + ("hour={hour}/" if per_hour else "")
    path = "AWSLogs/{account_id}/vpcflowlogs/{region}/{year}/{month}/{day}/"
    return path + ("{hour}/" if per_hour else "")


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise FlowLogFormatError("%s must be a boolean, got %r" % (name, value))


def s3_layout(file_format="plain-text", hive_compatible_partitions=False, per_hour_partition=False):
    """Describe how flow logs are laid out in S3 for one combination of options.

    Returns a dict with ``partition_keys`` (list of ``{"name", "type"}``),
    ``path_pattern`` / ``file_name_pattern`` / ``key_pattern`` (relative to
    the bucket prefix, with ``{account_id}``, ``{region}``, ``{year}``...
    placeholders), ``file_extension``, ``header_line`` (text only), and the
    Glue storage settings (``serde_library``, ``serde_parameters``,
    ``input_format``, ``output_format``, ``table_parameters``).
    """
    _check_file_format(file_format)
    _check_bool("hive_compatible_partitions", hive_compatible_partitions)
    _check_bool("per_hour_partition", per_hour_partition)
    extension = _EXTENSIONS[file_format]
    path = _path_pattern(hive_compatible_partitions, per_hour_partition)
    file_name = "{account_id}_vpcflowlogs_{region}_{flow_log_id}_{timestamp}_{hash}" + extension
    layout = {
        "file_format": file_format,
        "hive_compatible_partitions": hive_compatible_partitions,
        "per_hour_partition": per_hour_partition,
        "partition_keys": [{"name": name, "type": "string"}
                           for name in _partition_key_names(hive_compatible_partitions,
                                                            per_hour_partition)],
        "path_pattern": path,
        "file_name_pattern": file_name,
        "key_pattern": path + file_name,
        "timestamp_format": "YYYYMMDDTHHmmZ",
        "file_extension": extension,
        "compression": "gzip",
        "header_line": file_format == "plain-text",
    }
    serde = _SERDE[file_format]
    layout.update((key, dict(value) if isinstance(value, dict) else value)
                  for key, value in serde.items())
    return layout


def normalize_prefix(prefix):
    """Normalise an S3 key prefix: '' or 'a/b/' (one trailing slash, none leading)."""
    if prefix is None:
        return ""
    if not isinstance(prefix, str):
        raise FlowLogFormatError("prefix must be a string, got %s" % type(prefix).__name__)
    stripped = prefix.strip("/")
    if not stripped:
        return ""
    if "//" in stripped or re.search(r"\s", stripped):
        raise FlowLogFormatError("prefix %r has an empty segment or whitespace" % prefix)
    if stripped == "AWSLogs":
        raise FlowLogFormatError("prefix %r is not allowed: AWS reserves AWSLogs" % prefix)
    return stripped + "/"


def _to_utc(when):
    """datetime (naive = UTC), epoch seconds, or ISO 8601 string -> aware UTC datetime."""
    utc = datetime.timezone.utc
    if isinstance(when, bool):
        raise FlowLogFormatError("when must be a datetime, epoch seconds or ISO 8601 string")
    if isinstance(when, datetime.datetime):
        return when.replace(tzinfo=utc) if when.tzinfo is None else when.astimezone(utc)
    if isinstance(when, (int, float)):
        return datetime.datetime.fromtimestamp(when, tz=utc)
    if isinstance(when, str):
        text = when.strip()
        text = text[:-1] + "+00:00" if text.endswith("Z") else text
        try:
            return _to_utc(datetime.datetime.fromisoformat(text))
        except ValueError:
            pass
    raise FlowLogFormatError("when must be a datetime, epoch seconds or ISO 8601 string, got %r"
                             % (when,))


def _to_date(value):
    """date, datetime, or 'YYYY-MM-DD' / 'YYYY/MM/DD' string -> date."""
    if isinstance(value, datetime.datetime):
        return _to_utc(value).date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.strptime(value.strip().replace("/", "-"), "%Y-%m-%d").date()
        except ValueError:
            pass
    raise FlowLogFormatError("start_date must be a date or 'YYYY-MM-DD', got %r" % (value,))


def _check_account(account_id):
    if not isinstance(account_id, str) or not _ACCOUNT_RE.match(account_id):
        raise FlowLogFormatError("account id must be 12 digits, got %r" % (account_id,))
    return account_id


def _check_region(region):
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise FlowLogFormatError("region must look like us-east-1, got %r" % (region,))
    return region


def _placeholders(account_id, region, when):
    moment = _to_utc(when)
    return {
        "account_id": _check_account(account_id),
        "region": _check_region(region),
        "year": moment.strftime("%Y"),
        "month": moment.strftime("%m"),
        "day": moment.strftime("%d"),
        "hour": moment.strftime("%H"),
        "timestamp": moment.strftime("%Y%m%dT%H%MZ"),
    }


def partition_values(account_id, region, when, hive_compatible_partitions=False,
                     per_hour_partition=False):
    """Partition-key values (as partition_projection projects them) of objects at ``when``."""
    _check_bool("hive_compatible_partitions", hive_compatible_partitions)
    _check_bool("per_hour_partition", per_hour_partition)
    p = _placeholders(account_id, region, when)
    values = {_ACCOUNT_KEY: p["account_id"], _REGION_KEY: p["region"]}
    if hive_compatible_partitions:
        values.update(year=p["year"], month=p["month"], day=p["day"])
    else:
        values["day"] = "%s/%s/%s" % (p["year"], p["month"], p["day"])
    if per_hour_partition:
        values["hour"] = p["hour"]
    return values


def s3_object_key(prefix, account_id, region, flow_log_id, when, file_format="plain-text",
                  hive_compatible_partitions=False, per_hour_partition=False,
                  suffix_hash="00000000"):
    """The S3 key AWS gives an object delivered at ``when`` (UTC) for these options."""
    layout = s3_layout(file_format, hive_compatible_partitions, per_hour_partition)
    if not isinstance(flow_log_id, str) or not re.match(r"^fl-[0-9a-z]+$", flow_log_id):
        raise FlowLogFormatError("flow_log_id must look like fl-0123abcd, got %r" % (flow_log_id,))
    if not isinstance(suffix_hash, str) or not re.match(r"^[0-9a-zA-Z]+$", suffix_hash):
        raise FlowLogFormatError("suffix_hash must be alphanumeric, got %r" % (suffix_hash,))
    values = _placeholders(account_id, region, when)
    values.update(flow_log_id=flow_log_id, hash=suffix_hash)
    return normalize_prefix(prefix) + layout["key_pattern"].format(**values)


def _string_list(name, values, check):
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not values:
        raise FlowLogFormatError("%s must be a non-empty list, got %r" % (name, values))
    unique = []
    for value in values:
        if check(value) not in unique:
            unique.append(value)
    return unique


def _bucket_name(bucket):
    if isinstance(bucket, str) and bucket.startswith("s3://"):
        bucket = bucket[len("s3://"):].rstrip("/")
    if not isinstance(bucket, str) or not re.match(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket):
        raise FlowLogFormatError("bucket must be an S3 bucket name, got %r" % (bucket,))
    return bucket


def partition_projection(bucket, prefix, file_format, hive_compatible_partitions,
                         per_hour_partition, account_ids, regions, start_date):
    """Glue table location and partition-projection parameters for flow logs in S3.

    Returns ``{"location": "s3://bucket/prefix/AWSLogs/", "parameters": {...},
    "partition_keys": [...]}``. Account and region are ``enum`` projections
    (several accounts for a central bucket); dates project from
    ``start_date`` to ``NOW``: non-Hive as one ``day`` date partition
    (``yyyy/MM/dd``), Hive as ``year`` (date, ``yyyy``) plus two-digit integer
    ``month`` and ``day``; per-hour adds a two-digit integer ``hour``
    (00 to 23). The ``storage.location.template`` reproduces the key layout
    exactly, so Athena finds every object s3_object_key describes.
    """
    layout = s3_layout(file_format, hive_compatible_partitions, per_hour_partition)
    accounts = _string_list("account_ids", account_ids, _check_account)
    region_list = _string_list("regions", regions, _check_region)
    start = _to_date(start_date)
    root = "s3://%s/%s" % (_bucket_name(bucket), normalize_prefix(prefix))
    params = {"projection.enabled": "true"}
    params.update(_enum_projection(_ACCOUNT_KEY, accounts))
    params.update(_enum_projection(_REGION_KEY, region_list))
    if hive_compatible_partitions:
        params.update(_date_projection("year", "yyyy", start.strftime("%Y"), "YEARS"))
        params.update(_integer_projection("month", 1, 12))
        params.update(_integer_projection("day", 1, 31))
    else:
        params.update(_date_projection("day", "yyyy/MM/dd", start.strftime("%Y/%m/%d"), "DAYS"))
    if per_hour_partition:
        params.update(_integer_projection("hour", 0, 23))
    path = _template_path(hive_compatible_partitions, per_hour_partition)
    params["storage.location.template"] = root + path
    params.update(layout["table_parameters"])
    return {"location": root + "AWSLogs/", "parameters": params,
            "partition_keys": layout["partition_keys"]}


def _template_path(hive, per_hour):
    """The key layout of _path_pattern with projection variables in place of values."""
    if hive:
        return _path_pattern(True, per_hour).format(
            account_id="${%s}" % _ACCOUNT_KEY, region="${%s}" % _REGION_KEY,
            year="${year}", month="${month}", day="${day}", hour="${hour}")
    # A single date partition stands for the three directory levels yyyy/MM/dd.
    path = "AWSLogs/${%s}/vpcflowlogs/${%s}/${day}/" % (_ACCOUNT_KEY, _REGION_KEY)
    return path + ("${hour}/" if per_hour else "")


def _enum_projection(key, values):
    return [("projection.%s.type" % key, "enum"),
            ("projection.%s.values" % key, ",".join(values))]


def _date_projection(key, java_format, start, unit):
    return [("projection.%s.type" % key, "date"),
            ("projection.%s.format" % key, java_format),
            ("projection.%s.range" % key, "%s,NOW" % start),
            ("projection.%s.interval" % key, "1"),
            ("projection.%s.interval.unit" % key, unit)]


def _integer_projection(key, low, high):
    return [("projection.%s.type" % key, "integer"),
            ("projection.%s.range" % key, "%d,%d" % (low, high)),
            ("projection.%s.digits" % key, "2")]
