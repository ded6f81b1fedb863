# -*- coding: utf-8 -*-
"""Test oracles for CloudWatch Logs Insights parse clauses and space-delimited filter patterns.

Neither LocalStack nor any offline tool evaluates these AWS languages (LocalStack 4.13.1
ignores ``parse`` in StartQuery, has no TestMetricFilter, and treats every filter pattern
as match-all). These small evaluators follow the AWS documentation instead, and are kept
apart from the code under test (plugins/module_utils/flow_log_insights.py) so that the
tests compare two independent readings of the same rules:

* ``glob_parse``: the glob form of the Insights ``parse`` command, as documented in the
  Logs Insights query syntax ("parse @message "user=*, method:*" as @user, @method"):
  literal text must match, each ``*`` captures the text up to the next literal. A
  message that does not match leaves the fields unset (None here).
* ``filter_pattern_matches``: space-delimited metric filter patterns, as documented in
  "Filter pattern syntax for metric filters" (``[ip, user, ..., status_code=4*, size]``):
  one term per field, ``...`` for any number of unnamed fields, conditions
  ``= != < <= > >=`` on a quoted string (``*`` wildcards) or a number. Events are split
  on spaces; text in double quotes or square brackets is one field. Without ``...`` an
  event matches only with exactly as many fields as terms.

``sample_records`` renders realistic records of any format with the format engine.
``test_flow_log_insights.py`` checks the oracles themselves against AWS's documented
flow-log example before using them.
"""

import re

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import TRANSIT_GATEWAY_FIELDS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import record_version
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import render_record

_PARSE_RE = re.compile(r'^parse @message "((?:[^"\\]|\\.)*)" as (.+)$')


def split_query(query_string):
    """(parse clause, [commands]) of a query written as ``clause\\n| command\\n| ...``."""
    lines = query_string.split("\n")
    commands = []
    for line in lines[1:]:
        assert line.startswith("| "), "every command line starts with '| ': %r" % line
        commands.append(line[2:])
    return lines[0], commands


def parse_clause_parts(clause):
    """(glob pattern, [field names]) of a ``parse @message "..." as a, b`` clause."""
    match = _PARSE_RE.match(clause)
    assert match, "not a glob parse clause: %r" % clause
    names = [name.strip() for name in match.group(2).split(",")]
    return match.group(1), names


def glob_to_regex(glob):
    """The regular expression a glob ``parse`` pattern stands for (``*`` captures lazily)."""
    parts = glob.split("*")
    return re.compile("^" + "(.*?)".join(re.escape(part) for part in parts[:-1]) +
                      ("(.*?)" if len(parts) > 1 else "") + re.escape(parts[-1]) + "$", re.S)


def glob_parse(clause, message):
    """The fields a glob parse clause extracts from ``message``, or None when it does not match."""
    glob, names = parse_clause_parts(clause)
    regex = glob_to_regex(glob)
    assert regex.groups == len(names), "the pattern has %d '*' for %d names" % (regex.groups, len(names))
    match = regex.match(message)
    if not match:
        return None
    return dict(zip(names, match.groups()))


# ---------------------------------------------------------------------------------------
# Space-delimited filter patterns
# ---------------------------------------------------------------------------------------
_TERM_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)\s*(?:(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s"]+))?$')


def _event_fields(message):
    """Split an event into fields: spaces separate, "quoted" and [bracketed] text stays whole."""
    fields, i, text = [], 0, message.strip()
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        closing = {'"': '"', "[": "]"}.get(text[i])
        if closing:
            end = text.find(closing, i + 1)
            end = len(text) if end < 0 else end
            fields.append(text[i + 1:end])
            i = end + 1
        else:
            end = text.find(" ", i)
            end = len(text) if end < 0 else end
            fields.append(text[i:end])
            i = end
    return fields


def _parse_pattern(pattern):
    text = pattern.strip()
    assert text.startswith("[") and text.endswith("]"), "not a space-delimited pattern: %r" % pattern
    terms = []
    for raw in text[1:-1].split(","):
        raw = raw.strip()
        if raw == "...":
            terms.append(None)
            continue
        match = _TERM_RE.match(raw)
        assert match, "bad term %r in %r" % (raw, pattern)
        terms.append((match.group(1), match.group(2), match.group(3)))
    assert terms.count(None) <= 1, "this oracle handles one ellipsis"
    return terms


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _holds(term, value):
    _name, op, expected = term
    if op is None:
        return True
    if expected.startswith('"') or _number(expected) is None:
        literal = expected[1:-1] if expected.startswith('"') else expected
        regex = re.compile("^" + ".*".join(re.escape(p) for p in literal.split("*")) + "$")
        equal = bool(regex.match(value))
        if op == "=":
            return equal
        if op == "!=":
            return not equal
        left, right = _number(value), _number(literal)
    else:
        left, right = _number(value), _number(expected)
    if left is None or right is None:
        return False
    return {"=": left == right, "!=": left != right, "<": left < right, "<=": left <= right,
            ">": left > right, ">=": left >= right}[op]


def filter_pattern_matches(pattern, message):
    """Whether a space-delimited filter pattern matches one log event."""
    terms = _parse_pattern(pattern)
    values = _event_fields(message)
    if None in terms:
        cut = terms.index(None)
        head, tail = terms[:cut], terms[cut + 1:]
        if len(values) < len(head) + len(tail):
            return False
        pairs = list(zip(head, values[:len(head)])) + list(zip(tail, values[len(values) - len(tail):]))
    else:
        if len(values) != len(terms):
            return False
        pairs = list(zip(terms, values))
    return all(_holds(term, value) for term, value in pairs)


# ---------------------------------------------------------------------------------------
# Sample records
# ---------------------------------------------------------------------------------------
def _value(field, i, action, version):
    """A realistic value of ``field`` for the i-th sample record (None renders as '-')."""
    port = (443, 22, 3389, 80, 53, 8080)[i % 6]
    ordinal = i + 1
    fixed = {
        "version": version,
        "account-id": "123456789012" if i % 2 else "210987654321",
        "interface-id": "eni-0a1b2c3d4e5f6%04d" % ordinal,
        "srcaddr": "203.0.113.%d" % (ordinal % 250 + 1),
        "dstaddr": "10.0.%d.%d" % (i % 4, ordinal % 250 + 1),
        "srcport": 49152 + i,
        "dstport": port,
        "protocol": 17 if port == 53 else 6,
        "packets": 3 + i,
        "bytes": 180 + 97 * i,
        "start": 1700000000 + 60 * i,
        "end": 1700000059 + 60 * i,
        "action": action,
        "log-status": "OK",
        "vpc-id": "vpc-0123456789abcdef0",
        "subnet-id": "subnet-0123456789abcde%02d" % (i % 3),
        "instance-id": "i-0123456789abcd%03d" % ordinal if i % 3 else None,
        "tcp-flags": 2 if action == "REJECT" else 19,
        "type": "IPv6" if i % 5 == 4 else "IPv4",
        "pkt-srcaddr": "198.51.100.%d" % (ordinal % 250 + 1),
        "pkt-dstaddr": "10.0.%d.%d" % (i % 4, ordinal % 250 + 1),
        "region": "us-east-1",
        "az-id": "use1-az%d" % (i % 3 + 1),
        "sublocation-type": None,
        "sublocation-id": None,
        "pkt-src-aws-service": "S3" if i % 4 == 1 else None,
        "pkt-dst-aws-service": "AMAZON" if i % 4 == 2 else None,
        "flow-direction": "egress" if i % 2 else "ingress",
        "traffic-path": (i % 8) + 1 if i % 2 else None,
        "ecs-cluster-arn": "arn:aws:ecs:us-east-1:123456789012:cluster/web",
        "ecs-cluster-name": "web",
        "ecs-task-id": "%032x" % (0xabc000 + i),
        "reject-reason": "EC" if action == "REJECT" and i % 2 else None,
        "encryption-status": i % 4,
    }
    if field in fixed:
        return fixed[field]
    if (FIELDS.get(field) or TRANSIT_GATEWAY_FIELDS[field]).parquet_type in ("INT_32", "INT_64"):
        return 100 + i
    return "%s-%d" % (field.replace("-", ""), ordinal)


def sample_records(fields, count=12, nodata=True):
    """Record lines of a format: alternating ACCEPT/REJECT, plus a NODATA record.

    Returns a list of ``(line, expected_action)``. The NODATA record has '-' for
    every field except version, account and interface ids, start, end and log-status,
    as AWS writes it.
    """
    version = record_version(fields)
    records = []
    for i in range(count):
        action = "REJECT" if i % 2 else "ACCEPT"
        record = dict((f, _value(f, i, action, version)) for f in fields)
        records.append((render_record(record, fields), action))
    if nodata:
        keep = ("version", "account-id", "interface-id", "start", "end")
        record = dict((f, _value(f, 0, None, version) if f in keep else None) for f in fields)
        if "log-status" in fields:
            record["log-status"] = "NODATA"
        records.append((render_record(record, fields), None))
    return records
