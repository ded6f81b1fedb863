# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Athena queries for flow logs, generated from the fields a format has.

The catalogue mirrors the 16 named queries of the console's "Generate Athena
integration" (VpcFlowLogsAcceptedTraffic ... VpcFlowLogsTrafficToDstAddr) and
adds top talkers by packets and traffic by hour. Each query declares the fields
it needs; a format without them gets no such query, and the generator reports
which fields were missing. Queries use only columns of the table that
glue_flow_log_table builds for the same format and delivery options (names and
partition keys from the format engine), quote SELECT reserved words (``"end"``),
and restrict the projected date partitions to the last ``lookback_days`` days
so Athena reads only those objects.

Pure Python standard library (no ansible, no boto3).
"""

import ipaddress
from collections import OrderedDict, namedtuple

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import athena_columns
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import quote_identifier
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import s3_layout
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import TRAFFIC_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import traffic_type_skip_reason
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import GLUE_NAME

__all__ = ["QueryDefinition", "QUERIES", "QUERY_KEYS", "DEFAULT_ADDRESS", "ADMIN_PORTS",
           "FlowLogQueryError", "FlowLogFormatError", "generate_queries", "check_query_options"]

# An address from TEST-NET-1 (RFC 5737): a visible placeholder to replace before running.
DEFAULT_ADDRESS = "192.0.2.1"
DEFAULT_LOOKBACK_DAYS = 7
# Remote administration and database ports: FTP, SSH, Telnet, RPC, NetBIOS, SMB, MSSQL,
# Oracle, MySQL, RDP, PostgreSQL, WinRM, MongoDB.
ADMIN_PORTS = (20, 21, 22, 23, 135, 139, 445, 1433, 1521, 3306, 3389, 5432, 5985, 5986, 27017)
TCP, ROWS = 6, 100

QueryDefinition = namedtuple("QueryDefinition", "key console_name description fields")


# Invalid query generation options; ``problems`` lists them all. The same class as the
# named-query validation errors, which it was a copy of.
FlowLogQueryError = AthenaParameterError


_CATALOGUE = (
    ("accepted_traffic", "VpcFlowLogsAcceptedTraffic", "Recent accepted flows.", ("action",)),
    ("admin_port_traffic", "VpcFlowLogsAdminPortTraffic",
     "Flows to remote administration and database ports (%s)." % ", ".join(str(p) for p in ADMIN_PORTS),
     ("dstport",)),
    ("ipv4_traffic", "VpcFlowLogsIPv4Traffic", "Bytes of IPv4 traffic by source and destination.",
     ("type", "bytes")),
    ("ipv6_traffic", "VpcFlowLogsIPv6Traffic", "Bytes of IPv6 traffic by source and destination.",
     ("type", "bytes")),
    ("rejected_tcp_traffic", "VpcFlowLogsRejectedTCPTraffic", "Recent rejected TCP flows.",
     ("action", "protocol")),
    ("rejected_traffic", "VpcFlowLogsRejectedTraffic", "Recent rejected flows.", ("action",)),
    ("ssh_rdp_traffic", "VpcFlowLogsSshRdpTraffic", "Flows to SSH (22) and RDP (3389).", ("dstport",)),
    ("top_talkers", "VpcFlowLogsTopTalkers", "Source addresses sending the most bytes.",
     ("srcaddr", "bytes")),
    ("top_talkers_by_packets", "VpcFlowLogsTopTalkersByPackets", "Source addresses sending the most packets.",
     ("srcaddr", "packets")),
    ("top_talkers_packet_level", "VpcFlowLogsTopTalkersPacketLevel",
     "Original (packet-level) source addresses sending the most bytes, through NAT and load balancers.",
     ("pkt-srcaddr", "bytes")),
    ("top_talking_instances", "VpcFlowLogsTopTalkingInstances", "Instances sending or receiving the most bytes.",
     ("instance-id", "bytes")),
    ("top_talking_subnets", "VpcFlowLogsTopTalkingSubnets", "Subnets sending or receiving the most bytes.",
     ("subnet-id", "bytes")),
    ("top_tcp_traffic", "VpcFlowLogsTopTCPTraffic", "Source and destination pairs with the most TCP bytes.",
     ("protocol", "srcaddr", "dstaddr", "bytes")),
    ("total_bytes_transferred", "VpcFlowLogsTotalBytesTransferred",
     "Bytes transferred between each source and destination address.", ("srcaddr", "dstaddr", "bytes")),
    ("total_bytes_transferred_packet_level", "VpcFlowLogsTotalBytesTransferredPacketLevel",
     "Bytes transferred between each original (packet-level) source and destination address.",
     ("pkt-srcaddr", "pkt-dstaddr", "bytes")),
    ("traffic_by_hour", "VpcFlowLogsTrafficByHour", "Flows, packets and bytes per hour.", ("start", "bytes")),
    ("traffic_from_address", "VpcFlowLogsTrafficFrmSrcAddr",
     "Flows from one source address (replace the placeholder address).", ("srcaddr",)),
    ("traffic_to_address", "VpcFlowLogsTrafficToDstAddr",
     "Flows to one destination address (replace the placeholder address).", ("dstaddr",)),
)

QUERIES = OrderedDict((key, QueryDefinition(key, console, description, fields))
                      for key, console, description, fields in _CATALOGUE)
QUERY_KEYS = tuple(QUERIES)
# The queries that keep only the records of one action: they return nothing for a flow log of
# the other traffic type.
ACTION_OF = {"accepted_traffic": "ACCEPT", "rejected_tcp_traffic": "REJECT", "rejected_traffic": "REJECT"}

# Columns shown by the queries that list flows, when the format has them.
_LISTED = ("start", "end", "account-id", "interface-id", "instance-id", "srcaddr", "srcport", "dstaddr",
           "dstport", "protocol", "pkt-srcaddr", "pkt-dstaddr", "flow-direction", "packets", "bytes",
           "tcp-flags", "action", "reject-reason")


class _Table(object):
    """The columns of one table and how to name them in a query."""

    def __init__(self, fields, file_format, hive, per_hour):
        layout = s3_layout(file_format, hive, per_hour)
        self.partition_keys = [key["name"] for key in layout["partition_keys"]]
        self.columns = OrderedDict((c["field"], c["name"])
                                   for c in athena_columns(fields, file_format, layout["partition_keys"]))
        self.hive = hive

    def has(self, *fields):
        return all(field in self.columns for field in fields)

    def missing(self, fields):
        return [field for field in fields if field not in self.columns]

    def col(self, field):
        return quote_identifier(self.columns[field], "select")

    def key(self, name):
        return quote_identifier(name, "select")

    def listed(self):
        return [self.col(f) for f in _LISTED if f in self.columns] or [self.col(f) for f in self.columns]

    def date_filter(self, lookback_days):
        """A predicate on the projected date partitions only: the last ``lookback_days`` days (UTC)."""
        since = "date_format(date_add('day', -%d, current_date), '%%Y/%%m/%%d')" % lookback_days
        if self.hive:
            day = "concat(%s, '/', %s, '/', %s)" % (self.key("year"), self.key("month"), self.key("day"))
        else:
            day = self.key("day")
        return "%s >= %s" % (day, since)


def _select(source, columns, where, order=None, group=None, limit=ROWS):
    lines = ["SELECT %s" % ",\n       ".join(columns), "FROM %s" % source,
             "WHERE %s" % "\n  AND ".join(where)]
    if group:
        lines.append("GROUP BY %s" % ", ".join(group))
    if order:
        lines.append("ORDER BY %s" % ", ".join(order))
    lines.append("LIMIT %d" % limit)
    return "\n".join(lines)


def _sql(key, t, source, since, address):
    """The query text for one catalogue entry (its fields are known to exist)."""
    where = [since]
    order_recent = ["%s DESC" % t.col("start")] if t.has("start") else None
    if key in ("accepted_traffic", "rejected_traffic"):
        action = "ACCEPT" if key == "accepted_traffic" else "REJECT"
        return _select(source, t.listed(), where + ["%s = '%s'" % (t.col("action"), action)], order_recent)
    if key == "rejected_tcp_traffic":
        return _select(source, t.listed(), where + [
            "%s = '%s'" % (t.col("action"), "REJECT"), "%s = %d" % (t.col("protocol"), TCP)], order_recent)
    if key in ("ssh_rdp_traffic", "admin_port_traffic"):
        ports = (22, 3389) if key == "ssh_rdp_traffic" else ADMIN_PORTS
        return _select(source, t.listed(), where + [
            "%s IN (%s)" % (t.col("dstport"), ", ".join(str(p) for p in ports))], order_recent)
    if key in ("traffic_from_address", "traffic_to_address"):
        field = "srcaddr" if key == "traffic_from_address" else "dstaddr"
        column = "pkt-" + field
        match = "%s = '%s'" % (t.col(field), address)
        if t.has(column):
            # Through NAT gateways and load balancers the original address is only in pkt-*.
            match = "(%s OR %s = '%s')" % (match, t.col(column), address)
        return _select(source, t.listed(), where + [match], order_recent)
    if key in ("ipv4_traffic", "ipv6_traffic"):
        kind = "IPv4" if key == "ipv4_traffic" else "IPv6"
        pair = [t.col(f) for f in ("srcaddr", "dstaddr") if t.has(f)]
        columns = pair + ["count(*) AS flows", "sum(%s) AS total_bytes" % t.col("bytes")]
        return _select(source, columns, where + ["%s = '%s'" % (t.col("type"), kind)],
                       ["total_bytes DESC"], pair or None)
    if key in ("top_talkers", "top_talkers_packet_level", "top_talking_instances", "top_talking_subnets"):
        field = {"top_talkers": "srcaddr", "top_talkers_packet_level": "pkt-srcaddr",
                 "top_talking_instances": "instance-id", "top_talking_subnets": "subnet-id"}[key]
        columns = [t.col(field), "count(*) AS flows", "sum(%s) AS total_bytes" % t.col("bytes")]
        if t.has("packets"):
            columns.insert(2, "sum(%s) AS total_packets" % t.col("packets"))
        return _select(source, columns, where + ["%s IS NOT NULL" % t.col(field)],
                       ["total_bytes DESC"], [t.col(field)], 10)
    if key == "top_talkers_by_packets":
        columns = [t.col("srcaddr"), "count(*) AS flows", "sum(%s) AS total_packets" % t.col("packets")]
        return _select(source, columns, where + ["%s IS NOT NULL" % t.col("srcaddr")],
                       ["total_packets DESC"], [t.col("srcaddr")], 10)
    if key in ("top_tcp_traffic", "total_bytes_transferred", "total_bytes_transferred_packet_level"):
        src, dst = ("pkt-srcaddr", "pkt-dstaddr") if key.endswith("packet_level") else ("srcaddr", "dstaddr")
        group = [t.col(src), t.col(dst)]
        if key == "top_tcp_traffic":
            where = where + ["%s = %d" % (t.col("protocol"), TCP)]
            if t.has("dstport"):
                group.append(t.col("dstport"))
        columns = group + ["sum(%s) AS total_bytes" % t.col("bytes")]
        return _select(source, columns, where, ["total_bytes DESC"], group, 25 if key == "top_tcp_traffic" else ROWS)
    if key == "traffic_by_hour":
        hour = "date_trunc('hour', from_unixtime(%s))" % t.col("start")
        columns = ["%s AS hour_start" % hour, "count(*) AS flows", "sum(%s) AS total_bytes" % t.col("bytes")]
        if t.has("packets"):
            columns.insert(2, "sum(%s) AS total_packets" % t.col("packets"))
        return _select(source, columns, where + ["%s IS NOT NULL" % t.col("start")],
                       ["hour_start"], [hour], 24 * 31)
    raise FlowLogQueryError(["no query %r" % key])


def check_query_options(include=None, exclude=None, lookback_days=DEFAULT_LOOKBACK_DAYS, address=DEFAULT_ADDRESS):
    """Every problem with the generation options, as a list of messages (empty when fine)."""
    problems = []
    for name, keys in (("include", include), ("exclude", exclude)):
        if keys is None:
            continue
        if isinstance(keys, str) or not isinstance(keys, (list, tuple)):
            problems.append("%s must be a list of query names" % name)
            continue
        unknown = [k for k in keys if k not in QUERIES]
        if unknown:
            problems.append("%s: unknown quer%s %s; known: %s" % (
                name, "ies" if len(unknown) > 1 else "y", ", ".join(repr(k) for k in unknown), ", ".join(QUERY_KEYS)))
    if isinstance(lookback_days, bool) or not isinstance(lookback_days, int) or not 1 <= lookback_days <= 3660:
        problems.append("lookback_days must be an integer from 1 to 3660, got %r" % (lookback_days,))
    try:
        ipaddress.ip_address(address)
    except (ValueError, TypeError):
        problems.append("address must be an IPv4 or IPv6 address, got %r" % (address,))
    return problems


def generate_queries(log_format, database, table, file_format="plain-text", hive_compatible_partitions=False,
                     per_hour_partition=False, include=None, exclude=None, lookback_days=DEFAULT_LOOKBACK_DAYS,
                     address=DEFAULT_ADDRESS, name_prefix=None, resource_type=None, traffic_type=None):
    """Generate the named queries a table of this format and layout can answer.

    Returns ``{"queries": [...], "skipped": [...]}``. Each query is
    ``{"key", "name", "description", "database", "query_string", "fields"}``,
    named ``name_prefix + key`` (the prefix defaults to ``<table>_``). Each
    skipped one is ``{"key", "name", "missing_fields", "reason"}``. ``resource_type``
    selects the record catalogue of ``log_format`` (None: VPC). ``include`` limits the
    queries to those keys, ``exclude`` drops some. ``traffic_type`` (ACCEPT, REJECT, ALL or
    None) skips the queries of the action the flow log never records. Raises FlowLogQueryError
    (or FlowLogFormatError for the format) before generating anything.
    """
    problems = check_query_options(include, exclude, lookback_days, address)
    for kind, name in (("database", database), ("table", table)):
        if not isinstance(name, str) or not GLUE_NAME.match(name):
            problems.append("%s must be lowercase letters, digits and underscores, got %r" % (kind, name))
    if name_prefix is not None and not isinstance(name_prefix, str):
        problems.append("name_prefix must be a string")
    if traffic_type is not None and traffic_type not in TRAFFIC_TYPES:
        problems.append("traffic_type must be one of %s, got %r" % (", ".join(TRAFFIC_TYPES), traffic_type))
    if problems:
        raise FlowLogQueryError(problems)
    fields = parse_format(log_format, tag_field_specifications=True, resource_type=resource_type)
    t = _Table(fields, file_format, hive_compatible_partitions, per_hour_partition)
    prefix = "%s_" % table if name_prefix is None else name_prefix
    source = "%s.%s" % (quote_identifier(database, "select"), quote_identifier(table, "select"))
    since = t.date_filter(lookback_days)
    result = {"queries": [], "skipped": []}
    for key, definition in QUERIES.items():
        if include is not None and key not in include:
            continue
        if exclude and key in exclude:
            continue
        missing = t.missing(definition.fields)
        if missing:
            result["skipped"].append({"key": key, "name": prefix + key, "missing_fields": missing,
                                      "reason": "the format has no %s" % ", ".join("${%s}" % f for f in missing)})
            continue
        reason = traffic_type_skip_reason(ACTION_OF.get(key), traffic_type)
        if reason:
            result["skipped"].append({"key": key, "name": prefix + key, "missing_fields": [], "reason": reason})
            continue
        result["queries"].append({
            "key": key,
            "name": prefix + key,
            "description": "%s Last %d days. (console: %s)" % (definition.description, lookback_days,
                                                               definition.console_name),
            "database": database,
            "query_string": _sql(key, t, source, since, address),
            "fields": list(definition.fields),
        })
    return result
