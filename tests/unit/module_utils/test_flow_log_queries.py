# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_queries.py (Athena queries generated from a format).

Every generated query is checked, for 5 formats and all 8 delivery layouts, by an
independent reader of its SQL: each identifier it references must be a column or a
partition key of the table glue_flow_log_table builds (athena_columns and the S3
layout's partition keys), reserved words must be quoted, and the WHERE clause must
restrict the projected date partitions.
"""

import itertools
import re

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import DEFAULT_FORMAT
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FILE_FORMATS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import athena_columns
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import s3_layout
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import build_desired
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import table_input
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import ADMIN_PORTS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import DEFAULT_ADDRESS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import QUERIES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import QUERY_KEYS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import FlowLogQueryError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import check_query_options
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import generate_queries


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
CONSOLE_QUERIES = {
    "VpcFlowLogsAcceptedTraffic", "VpcFlowLogsAdminPortTraffic", "VpcFlowLogsIPv4Traffic", "VpcFlowLogsIPv6Traffic",
    "VpcFlowLogsRejectedTCPTraffic", "VpcFlowLogsRejectedTraffic", "VpcFlowLogsSshRdpTraffic",
    "VpcFlowLogsTopTalkers", "VpcFlowLogsTopTalkersPacketLevel", "VpcFlowLogsTopTalkingInstances",
    "VpcFlowLogsTopTalkingSubnets", "VpcFlowLogsTopTCPTraffic", "VpcFlowLogsTotalBytesTransferred",
    "VpcFlowLogsTotalBytesTransferredPacketLevel", "VpcFlowLogsTrafficFrmSrcAddr", "VpcFlowLogsTrafficToDstAddr",
}

# ---------------------------------------------------------------------------
# An independent reader of the SQL the generator writes
# ---------------------------------------------------------------------------
# SQL words that are not identifiers in these queries.
SQL_KEYWORDS = {
    "select", "from", "where", "and", "or", "not", "in", "is", "null", "group", "by", "order", "desc", "asc",
    "limit", "as", "current_date",
}
# Athena (Trino) reserved words for SELECT statements: must be double-quoted when used as identifiers.
SELECT_RESERVED = {
    "alter", "and", "as", "between", "by", "case", "cast", "constraint", "create", "cross", "cube", "current_date",
    "current_time", "current_timestamp", "deallocate", "delete", "describe", "distinct", "drop", "else", "end",
    "escape", "except", "execute", "exists", "extract", "false", "for", "from", "full", "group", "grouping",
    "having", "in", "inner", "insert", "intersect", "into", "is", "join", "left", "like", "natural", "normalize",
    "not", "null", "on", "or", "order", "outer", "prepare", "recursive", "right", "rollup", "select", "table",
    "then", "true", "uescape", "union", "unnest", "using", "values", "when", "where", "with",
}
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(\S)""")


def tokens(sql):
    """(kind, value) tokens: string, quoted, word, number, punct."""
    out = []
    for match in _TOKEN.finditer(sql):
        if match.group(0).startswith("'"):
            out.append(("string", match.group(0)))
        elif match.group(1) is not None:
            out.append(("quoted", match.group(1).replace('""', '"')))
        elif match.group(2) is not None:
            out.append(("word", match.group(2)))
        elif match.group(3) is not None:
            out.append(("number", match.group(3)))
        else:
            out.append(("punct", match.group(4)))
    return out


def column_references(sql):
    """Identifiers a query uses as columns: not keywords, functions, aliases or the FROM table.

    Also returns the reserved words used unquoted (there must be none) and the aliases.
    """
    toks = tokens(sql)
    refs, aliases, unquoted_reserved = [], set(), []
    skip = set()
    for i, (kind, value) in enumerate(toks):
        if i in skip or kind not in ("word", "quoted"):
            continue
        prev = toks[i - 1] if i else ("", "")
        nxt = toks[i + 1] if i + 1 < len(toks) else ("", "")
        if prev == ("word", "AS") or (prev[0] == "word" and prev[1].lower() == "as"):
            aliases.add(value.lower())
            continue
        if prev[0] == "word" and prev[1].lower() == "from":
            # db.table: skip the dotted name
            j = i
            while j + 2 < len(toks) and toks[j + 1] == ("punct", "."):
                skip.add(j + 2)
                j += 2
            continue
        if kind == "word" and nxt == ("punct", "("):
            continue  # a function call
        if kind == "word" and value.lower() in SQL_KEYWORDS:
            continue
        if kind == "word" and value.lower() in SELECT_RESERVED:
            unquoted_reserved.append(value)
        refs.append(value.lower())
    return refs, aliases, unquoted_reserved


def table_names(log_format, file_format, hive, per_hour):
    """Column and partition-key names of the table glue_flow_log_table would build."""
    layout = s3_layout(file_format, hive, per_hour)
    columns = [c["name"] for c in athena_columns(log_format, file_format, layout["partition_keys"])]
    return set(columns), [k["name"] for k in layout["partition_keys"]]


# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------
def test_catalogue_mirrors_the_16_console_queries_plus_two():
    console = {q.console_name for q in QUERIES.values()}
    assert CONSOLE_QUERIES <= console
    assert console - CONSOLE_QUERIES == {"VpcFlowLogsTopTalkersByPackets", "VpcFlowLogsTrafficByHour"}
    assert len(QUERY_KEYS) == 18
    assert list(QUERY_KEYS) == sorted(QUERY_KEYS)


def test_every_required_field_is_a_known_field():
    for query in QUERIES.values():
        parse_format(fmt(*query.fields))


# ---------------------------------------------------------------------------
# Every query of every format and layout reads only table columns
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda v: "-".join(map(str, v)) if isinstance(v, tuple) else v)
@pytest.mark.parametrize("format_name", sorted(FORMATS))
def test_queries_reference_only_table_columns(format_name, layout):
    file_format, hive, per_hour = layout
    log_format = FORMATS[format_name]
    result = generate_queries(log_format, "flow_db", "flow_table", file_format, hive, per_hour)
    columns, keys = table_names(log_format, file_format, hive, per_hour)
    fields = set(parse_format(log_format))
    generated = {q["key"] for q in result["queries"]}
    skipped = {s["key"] for s in result["skipped"]}
    assert generated | skipped == set(QUERY_KEYS) and not generated & skipped
    for skip in result["skipped"]:
        assert skip["missing_fields"] and not set(skip["missing_fields"]) & fields
        assert set(skip["missing_fields"]) <= set(QUERIES[skip["key"]].fields)
    for query in result["queries"]:
        sql = query["query_string"]
        assert set(QUERIES[query["key"]].fields) <= fields
        refs, aliases, unquoted = column_references(sql)
        unknown = [r for r in refs if r not in columns and r not in keys and r not in aliases]
        assert not unknown, "%s references %s, not columns of the table\n%s" % (query["key"], unknown, sql)
        assert not unquoted, "%s leaves reserved words unquoted: %s" % (query["key"], unquoted)
        # Partition pruning: a predicate on the projected date partitions.
        assert "FROM flow_db.flow_table" in sql
        where = sql.split("WHERE", 1)[1]
        if hive:
            assert "concat(year, '/', month, '/', day) >=" in where
        else:
            assert re.search(r"\bday >= date_format\(date_add\('day', -7, current_date\), '%Y/%m/%d'\)", where)
        assert set(keys) & set(refs)
        assert '"end"' not in sql or "end" in columns
        assert re.search(r"(?<![\"\w])end(?![\"\w])", sql) is None, "end must always be quoted"
        assert query["name"] == "flow_table_" + query["key"]
        assert query["database"] == "flow_db"
        assert re.search(r"LIMIT \d+$", sql)


def test_references_reader_catches_a_bad_column():
    refs, aliases, unquoted = column_references(
        'SELECT srcaddr, sum(bytes) AS total FROM db.t WHERE nosuch = 1 AND end > 0 ORDER BY total')
    assert "nosuch" in refs and "total" in aliases and unquoted == ["end"]


# ---------------------------------------------------------------------------
# Which queries each format gets
# ---------------------------------------------------------------------------
def keys_of(result, part="queries"):
    return sorted(q["key"] for q in result[part])


def test_default_format_queries():
    result = generate_queries(None, "db", "t")
    assert keys_of(result, "skipped") == ["ipv4_traffic", "ipv6_traffic", "top_talkers_packet_level",
                                          "top_talking_instances", "top_talking_subnets",
                                          "total_bytes_transferred_packet_level"]
    missing = dict((s["key"], s["missing_fields"]) for s in result["skipped"])
    assert missing["top_talking_instances"] == ["instance-id"]
    assert missing["total_bytes_transferred_packet_level"] == ["pkt-srcaddr", "pkt-dstaddr"]
    assert len(result["queries"]) == 12


@pytest.mark.parametrize("format_name", ["v3", "v5"])
def test_v3_and_v5_formats_get_every_query(format_name):
    result = generate_queries(FORMATS[format_name], "db", "t", "parquet", True, True)
    assert result["skipped"] == []
    assert keys_of(result) == sorted(QUERY_KEYS)


def test_v7_ecs_format():
    result = generate_queries(FORMATS["v7-ecs"], "db", "t")
    assert "top_talkers" in keys_of(result) and "top_talkers_by_packets" in keys_of(result, "skipped")
    assert "ipv6_traffic" in keys_of(result, "skipped")


def test_minimal_format_gets_only_what_it_can_answer():
    result = generate_queries(FORMATS["minimal"], "db", "t")
    assert keys_of(result) == ["top_talkers", "total_bytes_transferred", "traffic_from_address",
                               "traffic_to_address"]
    listing = [q for q in result["queries"] if q["key"] == "traffic_from_address"][0]["query_string"]
    # Without start, the listing is not ordered by time; it shows the columns the format has.
    assert "ORDER BY" not in listing
    assert listing.startswith("SELECT srcaddr,\n       dstaddr,\n       bytes\n")


def test_queries_for_one_address_include_packet_level_addresses_when_present():
    v5 = dict((q["key"], q["query_string"]) for q in generate_queries(FORMATS["v5"], "db", "t")["queries"])
    assert "(srcaddr = '192.0.2.1' OR pkt_srcaddr = '192.0.2.1')" in v5["traffic_from_address"]
    default = dict((q["key"], q["query_string"]) for q in generate_queries(None, "db", "t")["queries"])
    assert "AND dstaddr = '192.0.2.1'" in default["traffic_to_address"]


def test_query_semantics():
    q = dict((x["key"], x["query_string"]) for x in generate_queries(FORMATS["v5"], "db", "t", "parquet")["queries"])
    assert "action = 'REJECT'" in q["rejected_traffic"] and "action = 'ACCEPT'" in q["accepted_traffic"]
    assert "action = 'REJECT'" in q["rejected_tcp_traffic"] and "protocol = 6" in q["rejected_tcp_traffic"]
    assert "dstport IN (22, 3389)" in q["ssh_rdp_traffic"]
    assert "dstport IN (%s)" % ", ".join(str(p) for p in ADMIN_PORTS) in q["admin_port_traffic"]
    assert "type = 'IPv4'" in q["ipv4_traffic"] and "type = 'IPv6'" in q["ipv6_traffic"]
    assert "ORDER BY total_bytes DESC" in q["top_talkers"] and "GROUP BY srcaddr" in q["top_talkers"]
    assert "ORDER BY total_packets DESC" in q["top_talkers_by_packets"]
    assert "GROUP BY pkt_srcaddr" in q["top_talkers_packet_level"]
    assert "GROUP BY instance_id" in q["top_talking_instances"]
    assert "GROUP BY subnet_id" in q["top_talking_subnets"]
    assert "date_trunc('hour', from_unixtime(start))" in q["traffic_by_hour"]
    assert "GROUP BY srcaddr, dstaddr, dstport" in q["top_tcp_traffic"]
    assert "GROUP BY pkt_srcaddr, pkt_dstaddr" in q["total_bytes_transferred_packet_level"]


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------
def test_include_exclude_prefix_lookback_and_address():
    result = generate_queries(None, "db", "t", include=["top_talkers", "rejected_traffic", "ipv6_traffic"],
                              exclude=["rejected_traffic"], lookback_days=30, address="2001:db8::1",
                              name_prefix="flows-")
    assert keys_of(result) == ["top_talkers"]
    assert keys_of(result, "skipped") == ["ipv6_traffic"]
    assert result["queries"][0]["name"] == "flows-top_talkers"
    assert "date_add('day', -30, current_date)" in result["queries"][0]["query_string"]
    assert "Last 30 days" in result["queries"][0]["description"]
    to_address = generate_queries(None, "db", "t", include=["traffic_to_address"], address="2001:db8::1")
    assert "'2001:db8::1'" in to_address["queries"][0]["query_string"]
    assert DEFAULT_ADDRESS == "192.0.2.1"


@pytest.mark.parametrize("kwargs, expected", [
    ({"include": ["top_talker"]}, "include: unknown query 'top_talker'"),
    ({"exclude": "top_talkers"}, "exclude must be a list of query names"),
    ({"lookback_days": 0}, "lookback_days must be an integer from 1 to 3660, got 0"),
    ({"lookback_days": True}, "lookback_days must be an integer"),
    ({"address": "10.0.0.300"}, "address must be an IPv4 or IPv6 address, got '10.0.0.300'"),
])
def test_bad_options(kwargs, expected):
    with pytest.raises(FlowLogQueryError) as caught:
        generate_queries(None, "db", "t", **kwargs)
    assert expected in str(caught.value)


def test_all_option_problems_at_once():
    problems = check_query_options(["x"], ["y"], -1, "nope")
    assert len(problems) == 4


def test_bad_names_and_format():
    with pytest.raises(FlowLogQueryError) as caught:
        generate_queries(None, "Flow-DB", "t-1")
    assert len(caught.value.problems) == 2
    with pytest.raises(FlowLogFormatError) as caught:
        generate_queries("${srcadr}", "db", "t")
    assert "did you mean ${srcaddr}?" in str(caught.value)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda v: "-".join(map(str, v)))
def test_queries_match_the_table_the_module_builds(layout):
    """Cross-check with flow_log_glue: the same columns and partition keys as the Glue TableInput."""
    file_format, hive, per_hour = layout
    desired = build_desired("db", "t", FORMATS["v5"], {"file_format": file_format,
                                                       "hive_compatible_partitions": hive,
                                                       "per_hour_partition": per_hour},
                            bucket="b-bucket", account_ids=["123456789012"], regions=["us-east-1"],
                            start_date="2024-01-01")
    glue = table_input(desired)
    names = {c["Name"] for c in glue["StorageDescriptor"]["Columns"]} | {k["Name"] for k in glue["PartitionKeys"]}
    for query in generate_queries(FORMATS["v5"], "db", "t", file_format, hive, per_hour)["queries"]:
        refs, aliases, _unquoted = column_references(query["query_string"])
        assert set(refs) - aliases <= names


@pytest.mark.parametrize("traffic_type, left_out", [
    ("REJECT", ["accepted_traffic"]),
    ("ACCEPT", ["rejected_tcp_traffic", "rejected_traffic"]),
    ("ALL", []),
    (None, []),
])
def test_queries_that_can_only_return_nothing_for_the_traffic_type_are_skipped_with_the_reason(traffic_type, left_out):
    result = generate_queries(DEFAULT_FORMAT, "flowlogs", "vpc", traffic_type=traffic_type)
    # The default format lacks some queries' fields: those are skipped for that reason, with the fields named.
    by_traffic = [s for s in result["skipped"] if not s["missing_fields"]]
    assert [s["key"] for s in by_traffic] == left_out
    for skip in by_traffic:
        assert skip["missing_fields"] == [] and skip["reason"] == (
            "the flow log captures only %s traffic, so a query of %s records returns nothing"
            % (traffic_type, "ACCEPT" if traffic_type == "REJECT" else "REJECT"))
    assert not set(left_out) & set(s["key"] for s in result["queries"])


def test_a_query_skipped_for_missing_fields_says_which_and_a_bad_traffic_type_is_refused():
    [skip] = generate_queries("${srcaddr} ${bytes} ${action}", "flowlogs", "vpc",
                              include=["top_talkers_by_packets"])["skipped"]
    assert skip["reason"] == "the format has no ${packets}"
    with pytest.raises(FlowLogQueryError) as error:
        generate_queries(DEFAULT_FORMAT, "flowlogs", "vpc", traffic_type="reject")
    assert error.value.problems == ["traffic_type must be one of ACCEPT, REJECT, ALL, got 'reject'"]
