# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs Insights queries and a REJECT metric filter pattern for any flow-log format.

Pure functions on the format engine (``flow_log_format``); no ansible, no boto3.

Queries. The catalogue holds the questions the seeds ask of flow logs in
CloudWatch Logs (top talkers, rejected connections, traffic by protocol, top
destination ports, egress by account and by interface, SSH/RDP traffic...).
Each entry names the fields it *requires* and the fields it *uses when
present*; a format without a required field gets no such query, and
``insights_queries`` reports it as skipped with the missing fields.

Every query starts with the ``parse @message "* * ..." as ...`` clause of the
format engine, **for the default format too**. Insights discovers the fields
of default-format flow logs by itself, but:

* one code path serves every format, so what the tests prove about the parse
  clause (it yields exactly what ``parse_record`` yields) holds for all of them;
* the engine names the 14 default fields exactly as Insights discovers them
  (``srcAddr``, ``dstPort``, ``startTime``...), so the parse clause changes no
  name and a query reads the same with or without it;
* a query never depends on whether Insights recognised the log group as
  default-format flow logs.

The price is one glob ``parse`` per event; it does not change which events a
query scans or bills. Limit (of the glob, and of discovery alike): a log group
should hold one format. A record with fewer values than the pattern has ``*``
does not match (its fields stay empty); one with more puts the surplus into the
last field. Regenerate the queries when the format changes (the ``log_insights``
role does).

Metric filter. ``reject_filter_pattern`` builds the space-delimited pattern
AWS documents for flow logs (``[version, account, eni, ..., action="REJECT",
flowlogstatus]``) from the positions of the format's fields: one term per
field, so the condition sits exactly where that format writes ``action``.
"""

from collections import OrderedDict
from collections import namedtuple

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import TRANSIT_GATEWAY_FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import field_names
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import insights_field_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import insights_parse_clause
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import TRAFFIC_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import traffic_type_skip_reason

__all__ = [
    "FlowLogInsightsError",
    "InsightsQuery",
    "INSIGHTS_QUERIES",
    "INSIGHTS_QUERY_KEYS",
    "METRIC_FILTER_PATTERN_MAX",
    "format_fields",
    "folder_prefix",
    "insights_queries",
    "named_insights_queries",
    "query_names",
    "space_delimited_filter_pattern",
    "reject_filter_pattern",
]

# PutMetricFilter: filterPattern is at most 1024 characters (botocore model).
METRIC_FILTER_PATTERN_MAX = 1024
# SSH and RDP, as in the console's VpcFlowLogsSshRdpTraffic query.
SSH_RDP_PORTS = (22, 3389)
# Rows of the "top" queries, and of the queries that list flows.
TOP, LISTED_ROWS = 10, 20


class FlowLogInsightsError(FlowLogFormatError):
    """Invalid query or pattern request; the message names every offending value."""


InsightsQuery = namedtuple("InsightsQuery", "key title description required optional")

# Columns shown by the queries that list flows, when the format has them.
_LISTED = ("interface-id", "srcaddr", "srcport", "dstaddr", "dstport", "protocol", "packets", "bytes",
           "flow-direction", "reject-reason")

_CATALOGUE = (
    # key, title (used in the definition's name), description, required fields, fields used when present
    ("top_talkers", "Top talkers by bytes",
     "Source and destination address pairs that moved the most bytes.",
     ("srcaddr", "bytes"), ("dstaddr",)),
    ("top_talkers_by_packets", "Top talkers by packets",
     "Source and destination address pairs that moved the most packets.",
     ("srcaddr", "packets"), ("dstaddr",)),
    ("rejected_traffic", "Rejected connections",
     "The most recent flows rejected by a security group or network ACL.",
     ("action",), _LISTED),
    ("rejected_by_source", "Rejected flows by source",
     "Source addresses with the most rejected flows, and how many destination ports they tried (scans).",
     ("action", "srcaddr"), ("dstport",)),
    ("traffic_by_protocol", "Traffic by protocol",
     "Bytes and flows per IANA protocol number (6 TCP, 17 UDP, 1 ICMP).",
     ("protocol", "bytes"), ()),
    ("top_destination_ports", "Top destination ports",
     "Destination ports that received the most bytes.",
     ("dstport", "bytes"), ()),
    ("egress_by_account", "Egress by account",
     "Outgoing (egress) flows, and bytes when the format has them, per interface owner account.",
     ("flow-direction", "account-id"), ("bytes",)),
    ("egress_by_interface", "Egress by interface",
     "Outgoing (egress) flows, and bytes when the format has them, per network interface.",
     ("flow-direction", "interface-id"), ("bytes",)),
    ("ssh_rdp_traffic", "SSH and RDP traffic",
     "Flows to SSH (22) and RDP (3389) by source, destination, port and action.",
     ("dstport",), ("srcaddr", "dstaddr", "action")),
    ("traffic_over_time", "Traffic over time",
     "Bytes (and packets when the format has them) in 5-minute bins.",
     ("bytes",), ("packets",)),
)

INSIGHTS_QUERIES = OrderedDict(
    (key, InsightsQuery(key, title, description, required, optional))
    for key, title, description, required, optional in _CATALOGUE
)
INSIGHTS_QUERY_KEYS = tuple(INSIGHTS_QUERIES)
# The queries that keep only the records of one action: they return nothing for a flow log of
# the other traffic type.
ACTION_OF = {"rejected_traffic": "REJECT", "rejected_by_source": "REJECT"}


def _ref(name):
    return "${%s}" % name


def format_fields(log_format, resource_type=None):
    """The field names of a format: a ``log_format`` string, None (default format) or a list of names.

    Strings and None are read for ``resource_type``'s records (None: VPC);
    a list may name fields of either catalogue (transit gateway fields too).
    Tag fields do not need tag field specifications here: queries and
    patterns only read records.
    """
    if isinstance(log_format, (list, tuple)) and not log_format:
        raise FlowLogInsightsError("no fields given")
    return field_names(log_format, resource_type)


def _check_keys(keys):
    if keys is None:
        return list(INSIGHTS_QUERY_KEYS)
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, (list, tuple)):
        raise FlowLogInsightsError("queries must be a list of query keys, got %r" % (keys,))
    unknown = [key for key in keys if key not in INSIGHTS_QUERIES]
    if unknown:
        raise FlowLogInsightsError("unknown Insights quer%s %s; valid keys: %s" % (
            "ies" if len(unknown) > 1 else "y", ", ".join(repr(k) for k in unknown),
            ", ".join(INSIGHTS_QUERY_KEYS)))
    unique = []
    for key in keys:
        if key not in unique:
            unique.append(key)
    return unique


class _Names(object):
    """The Insights names of the fields a format has."""

    def __init__(self, fields):
        self.fields = fields

    def has(self, field):
        return field in self.fields

    def __call__(self, field):
        return insights_field_name(field)

    def present(self, candidates):
        return [insights_field_name(f) for f in candidates if f in self.fields]


def _commands(key, n):
    """The commands after the parse clause for one query (its required fields exist)."""
    if key in ("top_talkers", "top_talkers_by_packets"):
        measure = "bytes" if key == "top_talkers" else "packets"
        total = "totalBytes" if measure == "bytes" else "totalPackets"
        stats = "stats sum(%s) as %s, count(*) as flows by %s" % (
            n(measure), total, ", ".join(n.present(("srcaddr", "dstaddr"))))
        return [stats, "sort %s desc" % total, "limit %d" % TOP]
    if key == "rejected_traffic":
        return ['filter %s = "REJECT"' % n("action"),
                "fields %s" % ", ".join(["@timestamp"] + n.present(_LISTED)),
                "sort @timestamp desc",
                "limit %d" % LISTED_ROWS]
    if key == "rejected_by_source":
        stats = "count(*) as rejectedFlows"
        if n.has("dstport"):
            stats += ", count_distinct(%s) as dstPorts" % n("dstport")
        return ['filter %s = "REJECT"' % n("action"),
                "stats %s by %s" % (stats, n("srcaddr")),
                "sort rejectedFlows desc",
                "limit %d" % LISTED_ROWS]
    if key in ("traffic_by_protocol", "top_destination_ports"):
        by = n("protocol") if key == "traffic_by_protocol" else n("dstport")
        commands = ["stats sum(%s) as totalBytes, count(*) as flows by %s" % (n("bytes"), by),
                    "sort totalBytes desc"]
        if key == "top_destination_ports":
            commands.append("limit %d" % TOP)
        return commands
    if key in ("egress_by_account", "egress_by_interface"):
        by = n("account-id") if key == "egress_by_account" else n("interface-id")
        if n.has("bytes"):
            stats, order = "sum(%s) as egressBytes, count(*) as flows" % n("bytes"), "egressBytes"
        else:
            stats, order = "count(*) as flows", "flows"
        return ['filter %s = "egress"' % n("flow-direction"),
                "stats %s by %s" % (stats, by),
                "sort %s desc" % order,
                "limit %d" % LISTED_ROWS]
    if key == "ssh_rdp_traffic":
        port = n("dstport")
        return ["filter %s" % " or ".join("%s = %d" % (port, p) for p in SSH_RDP_PORTS),
                "stats count(*) as flows by %s" % ", ".join(
                    n.present(("srcaddr", "dstaddr", "dstport", "action"))),
                "sort flows desc",
                "limit %d" % LISTED_ROWS]
    if key == "traffic_over_time":
        stats = "sum(%s) as totalBytes" % n("bytes")
        if n.has("packets"):
            stats += ", sum(%s) as totalPackets" % n("packets")
        return ["stats %s by bin(5m)" % stats]
    raise FlowLogInsightsError("no query text for %r" % key)  # pragma: no cover (catalogue and code agree)


def insights_queries(log_format=None, keys=None, resource_type=None, traffic_type=None):
    """CloudWatch Logs Insights queries for the flow logs of one format.

    ``log_format``: a ``log_format`` string, None for the default format (of
    ``resource_type``, default VPC), or a list of field names. ``keys``: the catalogue keys wanted, in order (None:
    all of them); an unknown key raises FlowLogInsightsError. ``traffic_type`` (ACCEPT,
    REJECT, ALL or None) skips the queries of the action the flow log never records.

    Returns ``{"fields": [...], "parse_clause": "parse @message ...",
    "queries": [{"key", "title", "description", "fields", "query_string"}],
    "skipped": [{"key", "title", "missing_fields", "reason"}]}``. ``fields`` of
    a query lists the format fields it reads; ``query_string`` is the parse
    clause followed by ``| command`` lines.
    """
    if traffic_type is not None and traffic_type not in TRAFFIC_TYPES:
        raise FlowLogInsightsError("traffic_type must be one of %s, got %r" % (", ".join(TRAFFIC_TYPES), traffic_type))
    fields = format_fields(log_format, resource_type)
    wanted = _check_keys(keys)
    names = _Names(fields)
    clause = insights_parse_clause(fields)
    queries, skipped = [], []
    for key in wanted:
        spec = INSIGHTS_QUERIES[key]
        missing = [f for f in spec.required if f not in fields]
        if missing:
            skipped.append({
                "key": key,
                "title": spec.title,
                "missing_fields": missing,
                "reason": "the format has no %s" % ", ".join(_ref(f) for f in missing),
            })
            continue
        reason = traffic_type_skip_reason(ACTION_OF.get(key), traffic_type)
        if reason:
            skipped.append({"key": key, "title": spec.title, "missing_fields": [], "reason": reason})
            continue
        used = [f for f in fields if f in spec.required or f in spec.optional]
        queries.append({
            "key": key,
            "title": spec.title,
            "description": spec.description,
            "fields": used,
            "query_string": "\n| ".join([clause] + _commands(key, names)),
        })
    return {"fields": fields, "parse_clause": clause, "queries": queries, "skipped": skipped}


def folder_prefix(folder):
    """The name prefix of a console folder: ``<folder>/`` without the folder's outer slashes ("" for none)."""
    if folder is not None and not isinstance(folder, str):
        raise FlowLogInsightsError("folder must be a string, got %r" % (folder,))
    return folder.strip("/") + "/" if folder and folder.strip("/") else ""


def query_names(queries, folder=None):
    """Give each generated query a definition name: ``<folder>/<title>`` (or the title alone).

    A ``/`` in a query definition name makes the CloudWatch console show the
    definition in that folder. Returns new dicts with a ``name`` key.
    """
    prefix = folder_prefix(folder)
    named = []
    for query in queries:
        item = dict(query)
        item["name"] = prefix + query["title"]
        if len(item["name"]) > 255:
            raise FlowLogInsightsError("query definition name %r is longer than 255 characters; "
                                       "use a shorter folder" % item["name"])
        named.append(item)
    return named


def named_insights_queries(log_format=None, keys=None, folder=None, resource_type=None, traffic_type=None):
    """``insights_queries`` with each query named in ``folder`` (``query_names``), plus
    ``query_definitions``: the ``name`` and ``query_string`` of each, as query definitions take them.

    Used by the ``flow_log_insights_queries`` filter and the cloudwatchlogs_flow_log_insights module.
    """
    result = insights_queries(log_format, keys, resource_type, traffic_type)
    result["queries"] = query_names(result["queries"], folder)
    result["query_definitions"] = [{"name": q["name"], "query_string": q["query_string"]} for q in result["queries"]]
    return result


def _condition_value(field, value):
    text = str(value)
    if isinstance(value, bool) or not text or any(c.isspace() or c in '"\\' for c in text):
        raise FlowLogInsightsError("condition on %s: value %r must be one token without quotes or "
                                   "backslashes" % (_ref(field), value))
    return '"%s"' % text


def _pattern(labels, fields, conditions):
    terms = []
    for label, field in zip(labels, fields):
        if field in conditions:
            terms.append("%s=%s" % (label, _condition_value(field, conditions[field])))
        else:
            terms.append(label)
    return "[%s]" % ", ".join(terms)


def space_delimited_filter_pattern(log_format, conditions):
    """A space-delimited metric/subscription filter pattern for a format.

    One term per field, in the format's order, named after the field
    (``log-status`` becomes ``log_status``); fields in ``conditions`` (a dict
    field name -> value) get ``name="value"``. A record matches only when it has
    exactly as many values as the format has fields and every condition holds at
    that field's position. When the named pattern would be longer than
    PutMetricFilter allows (1024), fields are named ``f1``, ``f2``... instead.
    """
    fields = format_fields(log_format)
    if not isinstance(conditions, dict) or not conditions:
        raise FlowLogInsightsError("conditions must be a non-empty dict of field name -> value")
    problems = []
    for field in conditions:
        if field not in FIELDS and field not in TRANSIT_GATEWAY_FIELDS:
            problems.append("unknown field %s" % _ref(field))
        elif field not in fields:
            problems.append("the format has no %s, which the pattern needs" % _ref(field))
    if problems:
        raise FlowLogInsightsError("; ".join(problems))
    pattern = _pattern([f.replace("-", "_") for f in fields], fields, conditions)
    if len(pattern) > METRIC_FILTER_PATTERN_MAX:
        pattern = _pattern(["f%d" % i for i in range(1, len(fields) + 1)], fields, conditions)
    return pattern


def reject_filter_pattern(log_format=None):
    """The metric filter pattern that matches this format's REJECT records (and nothing else)."""
    return space_delimited_filter_pattern(log_format, {"action": "REJECT"})
