# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Athena workgroups and named-query sets as data: validation, desired state, change plans.

Pure Python standard library (no ansible, no boto3): athena_workgroup and
athena_named_queries describe what exists, hand it here with what is wanted,
and get back the exact calls to make, so check mode, diff mode and the real
run share one computation, and the unit tests can cover it without AWS.
"""

import re

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import S3_BUCKET_PATTERN
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_glue import GLUE_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

__all__ = [
    "AthenaParameterError",
    "ENCRYPTION_OPTIONS",
    "MARKER_FORMAT",
    "check_workgroup_name",
    "check_output_location",
    "desired_workgroup",
    "workgroup_differences",
    "configuration_updates",
    "workgroup_summary",
    "marker",
    "managed_description",
    "has_marker",
    "check_queries",
    "plan_named_queries",
    "query_summary",
]

ENCRYPTION_OPTIONS = ("SSE_S3", "SSE_KMS", "CSE_KMS")
# Named queries carry no tags: the set a module call manages is recorded at the end of
# each query's description, so purge and state=absent touch only queries of that set.
MARKER_FORMAT = "[flowlogs.aws query set: %s]"
DESCRIPTION_MAX = 1024
QUERY_MAX = 262144
NAME_MAX = 128

WORKGROUP_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,128}$")
_S3_URL_RE = re.compile(r"^s3://(" + S3_BUCKET_PATTERN + r")(/.*)?$")
_SET_RE = re.compile(r"^[A-Za-z0-9._:/-]{1,64}$")


class AthenaParameterError(ProblemsError):
    """Invalid workgroup or named-query parameters; ``problems`` lists every one found."""


# ---------------------------------------------------------------------------
# Workgroups
# ---------------------------------------------------------------------------
def check_workgroup_name(name):
    if not isinstance(name, str) or not WORKGROUP_NAME.match(name):
        return "workgroup name %r must be 1 to 128 letters, digits, '.', '_' or '-'" % (name,)
    return None


def check_output_location(location):
    """The normalised ``s3://bucket/prefix/`` result location, or raise."""
    if not isinstance(location, str) or not _S3_URL_RE.match(location):
        raise AthenaParameterError(["output_location must be an S3 URL such as s3://bucket/prefix/, got %r"
                                    % (location,)])
    if "//" in location[len("s3://"):] or re.search(r"\s", location):
        raise AthenaParameterError(["output_location %r has an empty path segment or whitespace" % location])
    return location if location.endswith("/") else location + "/"


def desired_workgroup(name, output_location, encryption="SSE_S3", kms_key=None, enforce=True,
                      publish_metrics=True, bytes_scanned_cutoff=None, description=None, enabled=True):
    """Validate a workgroup request and return ``{"Name", "Description", "State", "Configuration"}``."""
    problems = []
    problem = check_workgroup_name(name)
    if problem:
        problems.append(problem)
    location = None
    try:
        location = check_output_location(output_location)
    except AthenaParameterError as error:
        problems.extend(error.problems)
    if encryption not in ENCRYPTION_OPTIONS:
        problems.append("encryption must be one of %s, got %r" % (", ".join(ENCRYPTION_OPTIONS), encryption))
    elif encryption in ("SSE_KMS", "CSE_KMS") and not kms_key:
        problems.append("encryption %s needs kms_key (a KMS key ARN)" % encryption)
    elif encryption == "SSE_S3" and kms_key:
        problems.append("kms_key is only for SSE_KMS or CSE_KMS encryption, not SSE_S3")
    if kms_key and not re.match(r"^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/\S+$", kms_key):
        problems.append("kms_key must be a KMS key ARN (arn:aws:kms:region:account:key/id), got %r" % kms_key)
    if bytes_scanned_cutoff is not None and (isinstance(bytes_scanned_cutoff, bool)
                                             or not isinstance(bytes_scanned_cutoff, int)
                                             or bytes_scanned_cutoff < 10000000):
        problems.append("bytes_scanned_cutoff must be an integer of at least 10000000 (10 MB), got %r"
                        % (bytes_scanned_cutoff,))
    if description is not None and len(description) > 1024:
        problems.append("description may have at most 1024 characters")
    if problems:
        raise AthenaParameterError(problems)
    encryption_configuration = {"EncryptionOption": encryption}
    if kms_key:
        encryption_configuration["KmsKey"] = kms_key
    configuration = {
        "ResultConfiguration": {"OutputLocation": location, "EncryptionConfiguration": encryption_configuration},
        "EnforceWorkGroupConfiguration": bool(enforce),
        "PublishCloudWatchMetricsEnabled": bool(publish_metrics),
    }
    if bytes_scanned_cutoff is not None:
        configuration["BytesScannedCutoffPerQuery"] = bytes_scanned_cutoff
    return {"Name": name, "Description": description or "", "State": "ENABLED" if enabled else "DISABLED",
            "Configuration": configuration}


def _result(configuration):
    return (configuration or {}).get("ResultConfiguration") or {}


def workgroup_differences(current, desired):
    """Messages naming what differs between GetWorkGroup's ``WorkGroup`` and a desired workgroup."""
    have, want = current.get("Configuration") or {}, desired["Configuration"]
    diffs = []
    pairs = [
        ("description", current.get("Description") or "", desired["Description"]),
        ("state", current.get("State"), desired["State"]),
        ("output_location", _result(have).get("OutputLocation"), _result(want).get("OutputLocation")),
        ("encryption", _result(have).get("EncryptionConfiguration") or None,
         _result(want).get("EncryptionConfiguration")),
        ("enforce_workgroup_configuration", have.get("EnforceWorkGroupConfiguration"),
         want["EnforceWorkGroupConfiguration"]),
        ("publish_cloudwatch_metrics", have.get("PublishCloudWatchMetricsEnabled"),
         want["PublishCloudWatchMetricsEnabled"]),
        ("bytes_scanned_cutoff", have.get("BytesScannedCutoffPerQuery"), want.get("BytesScannedCutoffPerQuery")),
    ]
    for label, old, new in pairs:
        if old != new:
            diffs.append("%s: %r -> %r" % (label, old, new))
    return diffs


def configuration_updates(current, desired):
    """The UpdateWorkGroup arguments (without WorkGroup) that turn ``current`` into ``desired``."""
    have, want = current.get("Configuration") or {}, desired["Configuration"]
    updates = {
        "EnforceWorkGroupConfiguration": want["EnforceWorkGroupConfiguration"],
        "PublishCloudWatchMetricsEnabled": want["PublishCloudWatchMetricsEnabled"],
        "ResultConfigurationUpdates": {
            "OutputLocation": _result(want)["OutputLocation"],
            "EncryptionConfiguration": _result(want)["EncryptionConfiguration"],
        },
    }
    if "BytesScannedCutoffPerQuery" in want:
        updates["BytesScannedCutoffPerQuery"] = want["BytesScannedCutoffPerQuery"]
    elif "BytesScannedCutoffPerQuery" in have:
        updates["RemoveBytesScannedCutoffPerQuery"] = True
    return {"Description": desired["Description"], "State": desired["State"], "ConfigurationUpdates": updates}


def workgroup_summary(workgroup, tags=None):
    """A snake_case view of a workgroup (GetWorkGroup's or a desired one) for results and diffs."""
    if not workgroup:
        return {}
    configuration = workgroup.get("Configuration") or {}
    encryption = _result(configuration).get("EncryptionConfiguration") or {}
    summary = {
        "name": workgroup.get("Name"),
        "description": workgroup.get("Description") or "",
        "state": workgroup.get("State"),
        "output_location": _result(configuration).get("OutputLocation"),
        "encryption": encryption.get("EncryptionOption"),
        "kms_key": encryption.get("KmsKey"),
        "enforce_workgroup_configuration": configuration.get("EnforceWorkGroupConfiguration"),
        "publish_cloudwatch_metrics": configuration.get("PublishCloudWatchMetricsEnabled"),
        "bytes_scanned_cutoff": configuration.get("BytesScannedCutoffPerQuery"),
    }
    if "EngineVersion" in configuration:
        summary["engine_version"] = (configuration["EngineVersion"] or {}).get("EffectiveEngineVersion")
    if workgroup.get("CreationTime") is not None:
        summary["creation_time"] = str(workgroup["CreationTime"])
    if tags is not None:
        summary["tags"] = tags
    return summary


# ---------------------------------------------------------------------------
# Named queries
# ---------------------------------------------------------------------------
def marker(query_set):
    return MARKER_FORMAT % query_set


def managed_description(description, query_set):
    """The description stored in Athena: the user's text, then the query-set marker."""
    tail = marker(query_set)
    text = (description or "").strip()
    room = DESCRIPTION_MAX - len(tail) - 1
    if len(text) > room:
        text = text[:max(room - 3, 0)].rstrip() + "..."
    return (text + " " + tail) if text else tail


def has_marker(description, query_set):
    return (description or "").rstrip().endswith(marker(query_set))


def check_queries(queries, default_database, query_set):
    """Validate and normalise a list of ``{name, query_string, description, database}``.

    Returns the list with ``database`` filled in and the stored ``description``.
    Names must be unique: Athena allows duplicates, which is exactly what this
    module exists to prevent.
    """
    problems = []
    if not isinstance(query_set, str) or not _SET_RE.match(query_set):
        problems.append("query_set must be 1 to 64 letters, digits or ._:/-, got %r" % (query_set,))
    normalised, seen = [], set()
    for index, query in enumerate(queries or []):
        label = "queries[%d]" % index
        if not isinstance(query, dict):
            problems.append("%s must be a dict" % label)
            continue
        name = query.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
            problems.append("%s.name must be a non-empty string of at most %d characters" % (label, NAME_MAX))
            continue
        label = "queries[%s]" % name
        if name in seen:
            problems.append("%s: the name is given twice" % label)
        seen.add(name)
        text = query.get("query_string")
        if not isinstance(text, str) or not text.strip():
            problems.append("%s.query_string must be a non-empty string" % label)
        elif len(text) > QUERY_MAX:
            problems.append("%s.query_string is longer than %d characters" % (label, QUERY_MAX))
        database = query.get("database") or default_database
        if not isinstance(database, str) or not GLUE_NAME.match(database):
            problems.append("%s.database (or database) must be lowercase letters, digits and underscores, got %r"
                            % (label, database))
        if query.get("description") is not None and not isinstance(query.get("description"), str):
            problems.append("%s.description must be a string" % label)
        if problems:
            continue
        normalised.append({
            "name": name,
            "query_string": text,
            "database": database,
            "description": managed_description(query.get("description"), query_set),
        })
    if problems:
        raise AthenaParameterError(problems)
    return normalised


def plan_named_queries(existing, desired, query_set, purge=False, absent=False, adopt=False):
    """Decide what to do with the named queries of a workgroup.

    ``existing`` are BatchGetNamedQuery entries (Name, Description, Database,
    QueryString, NamedQueryId); ``desired`` comes from check_queries.

    Returns a dict of lists:
      - ``unchanged``: (existing, desired) pairs that already match;
      - ``update``: (existing, desired) pairs whose text or description differ
        (UpdateNamedQuery);
      - ``replace``: (existing, desired) pairs whose database differs, which
        UpdateNamedQuery cannot change (delete, then create);
      - ``create``: desired queries with no existing query of that name;
      - ``delete``: existing queries to remove: extra copies of a managed name,
        with ``purge`` the set's queries that are no longer wanted, and with
        ``absent`` every query of the set;
      - ``foreign``: existing queries with a wanted name but without the set's
        marker (made by hand or by another tool): left alone, and the wanted
        query is not created beside them, unless ``adopt``, which takes them
        over (updated, with the marker).

    Named queries have no tags; a query of the set is recognised by the marker
    at the end of its description.
    """
    plan = {"unchanged": [], "update": [], "replace": [], "create": [], "delete": [], "foreign": []}
    ours = [q for q in existing if has_marker(q.get("Description"), query_set)]
    if absent:
        plan["delete"] = list(ours)
        return plan
    by_name = {}
    for query in existing:
        by_name.setdefault(query.get("Name"), []).append(query)
    used = set()
    for want in desired:
        candidates = by_name.get(want["name"], [])
        managed = [q for q in candidates if has_marker(q.get("Description"), query_set)]
        if not managed and candidates and not adopt:
            plan["foreign"].append(candidates[0])
            continue
        match = managed[0] if managed else (candidates[0] if candidates else None)
        for extra in managed[1:]:
            plan["delete"].append(extra)
            used.add(extra["NamedQueryId"])
        if match is None:
            plan["create"].append(want)
            continue
        used.add(match["NamedQueryId"])
        if match.get("Database") != want["database"]:
            plan["replace"].append((match, want))
        elif match.get("QueryString") != want["query_string"] or match.get("Description") != want["description"]:
            plan["update"].append((match, want))
        else:
            plan["unchanged"].append((match, want))
    if purge:
        plan["delete"].extend(q for q in ours if q["NamedQueryId"] not in used)
    return plan


def query_summary(query, status=None):
    """A snake_case view of an Athena named query (or of a desired one)."""
    summary = {
        "name": query.get("Name", query.get("name")),
        "named_query_id": query.get("NamedQueryId"),
        "database": query.get("Database", query.get("database")),
        "description": query.get("Description", query.get("description")),
        "query_string": query.get("QueryString", query.get("query_string")),
        "workgroup": query.get("WorkGroup"),
    }
    if status:
        summary["status"] = status
    return dict((k, v) for k, v in summary.items() if v is not None)
