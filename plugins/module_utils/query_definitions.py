# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs Insights query definitions: validation, planning and API calls.

Shared by cloudwatchlogs_query_definition, cloudwatchlogs_query_definition_info and
cloudwatchlogs_flow_log_insights (``QueryDefinitionManager`` does the work of the first and the
saved-query half of the last).

A query definition has an id, a name (not unique in AWS), a query string and
optional log group names. This collection identifies definitions by **name**:
the desired definitions are matched by name with what DescribeQueryDefinitions
lists under a name prefix (one paginated listing per task), and

* a missing one is created (PutQueryDefinition without id);
* a different one is updated in place (PutQueryDefinition with its id, which
  replaces name, query string and log groups: AWS keeps nothing of the old
  definition, so an update always sends the whole definition);
* an identical one is left alone (no write at all);
* extra definitions with the same name are deleted (names identify);
* with ``purge``, definitions under the prefix that are not desired are deleted.

Ownership: query definitions have no tags (PutQueryDefinition takes none), so the
collection marks the ones it writes with a last line ``# managed-by=flowlogs.aws``
in the query string, a Logs Insights comment ("Use aliases and comments in
queries", Amazon CloudWatch Logs User Guide): it changes nothing in what the query
does. Only marked definitions are updated, de-duplicated, purged or deleted. A
definition without the marker is foreign and left alone, except one identical to
what the collection would write (same name, query and log groups, as saved by a
release before the marker): taking it over changes nothing anyone wrote. With
``adopt`` foreign ones are taken over too.

``plan`` is pure so that it can be unit-tested; the API helpers retry
throttling through the client made by ``logs_client`` and raise AnsibleAWSError
naming the operation (query_aws.LogsErrors).
"""

import os

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import LOG_GROUP_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import MANAGED_BY_KEY
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import MANAGED_BY_VALUE
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import LogsErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client

NAME_MAX = 255
QUERY_STRING_MAX = 10000
MARKER_LINE = "# %s=%s" % (MANAGED_BY_KEY, MANAGED_BY_VALUE)
# What a query may use of QUERY_STRING_MAX: the marker takes a newline and its line.
QUERY_ROOM = QUERY_STRING_MAX - len(MARKER_LINE) - 1
PAGE_SIZE = 1000


# Invalid parameters; ``problems`` lists every one found (the class the Athena modules use).
QueryDefinitionError = AthenaParameterError


def logs_client(module):
    """A CloudWatch Logs client whose aws_retry=True calls retry throttling (ThrottlingException too)."""
    return client(module, "logs")


def _log_group_problems(where, names):
    problems = []
    if names is None:
        return problems
    seen = set()
    for name in names:
        if not isinstance(name, str) or not LOG_GROUP_NAME.match(name):
            problems.append("%s: %r is not a valid log group name (1 to 512 of A-Z a-z 0-9 . - _ / #)"
                            % (where, name))
        elif name in seen:
            problems.append("%s: log group %s is listed twice" % (where, name))
        seen.add(name)
    return problems


def desired_definitions(params):
    """Validate the module parameters and return the desired definitions (state present).

    Each is ``{"name", "query_string", "log_group_names"}`` (log groups sorted,
    defaulting to the module-level ``log_group_names``). Raises
    QueryDefinitionError listing every problem.
    """
    problems = []
    prefix = params.get("name_prefix")
    state = params.get("state") or "present"
    definitions = params.get("query_definitions")
    default_groups = params.get("log_group_names")
    if prefix is not None and (not prefix or len(prefix) > NAME_MAX):
        problems.append("name_prefix must be 1 to %d characters" % NAME_MAX)
    if params.get("purge") and not prefix:
        problems.append("purge needs name_prefix: only definitions under a prefix can be purged")
    if state == "absent" and definitions is None and not prefix:
        problems.append("state absent needs query_definitions or name_prefix")
    problems.extend(_log_group_problems("log_group_names", default_groups))
    desired, names = [], set()
    for index, item in enumerate(definitions or []):
        name = item.get("name")
        where = "query_definitions[%d]" % index
        if not isinstance(name, str) or not name or len(name) > NAME_MAX:
            problems.append("%s: name must be 1 to %d characters" % (where, NAME_MAX))
            continue
        where = "query_definitions[%s]" % name
        if name in names:
            problems.append("%s: the name is listed twice; names identify query definitions" % where)
        names.add(name)
        if prefix and not name.startswith(prefix):
            problems.append("%s: the name does not start with name_prefix %r" % (where, prefix))
        query_string = item.get("query_string")
        if state == "present":
            if not isinstance(query_string, str) or not query_string.strip():
                problems.append("%s: query_string is required and may not be blank" % where)
            elif len(query_string) > QUERY_ROOM:
                problems.append("%s: query_string has %d characters; AWS allows %d, of which the ownership "
                                "marker line takes %d" % (where, len(query_string), QUERY_STRING_MAX,
                                                          QUERY_STRING_MAX - QUERY_ROOM))
        groups = item.get("log_group_names")
        problems.extend(_log_group_problems(where + ".log_group_names", groups))
        if groups is None:
            groups = default_groups
        desired.append({"name": name, "query_string": query_string,
                        "log_group_names": sorted(set(groups or []))})
    if problems:
        raise QueryDefinitionError(problems)
    return desired


def listing_prefix(name_prefix, names):
    """The name prefix to list with: name_prefix, else the longest prefix common to every name."""
    if name_prefix:
        return name_prefix
    common = os.path.commonprefix(list(names)) if names else ""
    return common or None


@LogsErrors.common_error_handler("list query definitions (DescribeQueryDefinitions)")
def describe_query_definitions(client_, name_prefix=None):
    """Every query definition whose name starts with name_prefix (all of them for None)."""
    kwargs = {"maxResults": PAGE_SIZE}
    if name_prefix:
        kwargs["queryDefinitionNamePrefix"] = name_prefix
    found = []
    while True:
        page = client_.describe_query_definitions(aws_retry=True, **kwargs)
        found.extend(page.get("queryDefinitions", []))
        token = page.get("nextToken")
        if not token:
            return found
        kwargs["nextToken"] = token


def stored_query(query_string):
    """The query string as saved: the user's query, then the marker line."""
    return query_string.rstrip("\n") + "\n" + MARKER_LINE


def split_marker(stored):
    """(query string without the marker, whether it carried the marker)."""
    stored = stored or ""
    if stored == MARKER_LINE:
        return "", True
    if stored.endswith("\n" + MARKER_LINE):
        return stored[:-len(MARKER_LINE) - 1], True
    return stored, False


def normalize(existing):
    """A DescribeQueryDefinitions item in the shape of a desired definition, plus its id and ownership."""
    query_string, managed = split_marker(existing.get("queryString"))
    return {
        "query_definition_id": existing.get("queryDefinitionId"),
        "name": existing.get("name"),
        "query_string": query_string,
        "log_group_names": sorted(existing.get("logGroupNames") or []),
        "managed": managed,
    }


def _same(current, desired):
    return (current["query_string"] == desired["query_string"]
            and current["log_group_names"] == desired["log_group_names"])


def plan(existing, desired, purge=False, name_prefix=None, adopt=False):
    """What to do to reach ``desired`` from ``existing`` (DescribeQueryDefinitions items).

    Returns a dict with ``create`` (desired definitions), ``update`` (pairs
    ``(current, desired)``; an update of an unmarked definition adds the marker),
    ``unchanged`` (current definitions), ``delete`` (current definitions: marked
    same-name duplicates, and with ``purge`` marked ones under ``name_prefix``
    that are not desired), ``foreign`` (current definitions with a desired name
    that are not ours: left alone, and the desired one is not created beside
    them) and ``result`` (one entry per desired definition that is ours, in
    order; created ones have no id yet).
    """
    current = [normalize(item) for item in existing]
    by_name = {}
    for item in current:
        by_name.setdefault(item["name"], []).append(item)
    actions = {"create": [], "update": [], "unchanged": [], "delete": [], "foreign": [], "result": []}
    for want in desired:
        candidates = by_name.get(want["name"], [])
        ours = [c for c in candidates if c["managed"]]
        if not ours:
            # Unmarked: ours only when identical to what we would write, or when adopting.
            ours = [c for c in candidates if adopt or _same(c, want)][:1]
        if not ours and candidates:
            actions["foreign"].extend(candidates)
            continue
        if not ours:
            actions["create"].append(want)
            actions["result"].append(dict(want, query_definition_id=None))
            continue
        # Keep an identical marked one if there is one, so that an unchanged run never writes.
        keeper = next((c for c in ours if c["managed"] and _same(c, want)), ours[0])
        if keeper["managed"] and _same(keeper, want):
            actions["unchanged"].append(keeper)
        else:
            actions["update"].append((keeper, want))
        actions["delete"].extend(c for c in ours if c is not keeper)
        actions["result"].append(dict(want, query_definition_id=keeper["query_definition_id"]))
    if purge and name_prefix:
        wanted = set(want["name"] for want in desired)
        actions["delete"].extend(c for c in current if c["managed"]
                                 and c["name"].startswith(name_prefix) and c["name"] not in wanted)
    return actions


def plan_absent(existing, names=None, name_prefix=None, adopt=False):
    """The definitions to delete and the foreign ones to leave alone, as two lists.

    Those named (any number per name), else all under name_prefix; only marked
    ones unless ``adopt``.
    """
    current = [normalize(item) for item in existing]
    if names is not None:
        wanted = set(names)
        scope = [c for c in current if c["name"] in wanted]
    else:
        scope = [c for c in current if name_prefix and c["name"].startswith(name_prefix)]
    return ([c for c in scope if adopt or c["managed"]], [c for c in scope if not (adopt or c["managed"])])


@LogsErrors.common_error_handler("save a query definition (PutQueryDefinition)")
def put_query_definition(client_, definition, query_definition_id=None):
    """Create (no id) or replace (id) one definition, with the marker; returns its id."""
    kwargs = {"name": definition["name"], "queryString": stored_query(definition["query_string"])}
    if definition["log_group_names"]:
        kwargs["logGroupNames"] = definition["log_group_names"]
    if query_definition_id:
        kwargs["queryDefinitionId"] = query_definition_id
    return client_.put_query_definition(aws_retry=True, **kwargs)["queryDefinitionId"]


@LogsErrors.deletion_error_handler("delete a query definition (DeleteQueryDefinition)")
def delete_query_definition(client_, query_definition_id):
    """Delete one definition; one that is already gone counts as deleted (False)."""
    client_.delete_query_definition(aws_retry=True, queryDefinitionId=query_definition_id)
    return True


def format_query_definition(item):
    """A DescribeQueryDefinitions item as a snake_case result (log_group_names always a list, marker split off)."""
    result = camel_dict_to_snake_dict(item)
    result["query_string"], result["managed"] = split_marker(item.get("queryString"))
    result["log_group_names"] = list(item.get("logGroupNames") or [])
    return result


def public_definition(definition):
    """A definition as the modules return it."""
    return {
        "query_definition_id": definition.get("query_definition_id"),
        "name": definition["name"],
        "query_string": definition.get("query_string"),
        "log_group_names": list(definition.get("log_group_names") or []),
    }


def definition_reference(definition):
    """The name and id of a definition (the modules' ``deleted`` and ``foreign`` entries)."""
    return {"name": definition["name"], "query_definition_id": definition["query_definition_id"]}


class QueryDefinitionManager(StateManager):
    """Describe what exists, compute the change, stop in check mode, then act.

    ``params`` are those of cloudwatchlogs_query_definition (state, query_definitions,
    log_group_names, name_prefix, purge, adopt); by default the module's own. Invalid ones raise
    QueryDefinitionError, before any client is made. ``results`` (by default a new dict) receives
    ``changed``, ``query_definitions``, ``created``, ``updated``, ``deleted`` and ``foreign``,
    and the diff under ``query_definitions``: a module managing more than query definitions
    passes the one results dict of all its parts.
    """

    def __init__(self, module, params=None, results=None, client_=None):
        self.module = module
        self.params = module.params if params is None else params
        self.results = {"changed": False} if results is None else results
        self.results.update(query_definitions=[], created=[], updated=[], deleted=[], foreign=[])
        self.desired = desired_definitions(self.params)
        self.client = client_ or logs_client(module)

    def _existing(self):
        prefix = listing_prefix(self.params.get("name_prefix"), [d["name"] for d in self.desired])
        return describe_query_definitions(self.client, prefix)

    def _report_foreign(self, foreign):
        self.results["foreign"] = [definition_reference(d) for d in foreign]
        if foreign:
            self.module.warn("Query definitions {0} were not saved by flowlogs.aws (no '{1}' line): they are left "
                             "as they are; adopt: true takes them over".format(
                                 ", ".join(sorted(set(d["name"] for d in foreign))), MARKER_LINE))

    def _delete(self, definitions):
        for definition in definitions:
            delete_query_definition(self.client, definition["query_definition_id"])
            self.results["deleted"].append(definition_reference(definition))
            self.results["changed"] = True

    def ensure_present(self):
        actions = plan(self._existing(), self.desired, self.params.get("purge"), self.params.get("name_prefix"),
                       self.params.get("adopt"))
        self._report_foreign(actions["foreign"])
        changed = bool(actions["create"] or actions["update"] or actions["delete"])
        before = [public_definition(c) for c in actions["unchanged"]]
        before += [public_definition(c) for c, _w in actions["update"]] + [public_definition(c) for c in actions["delete"]]
        self._diff({"query_definitions": sorted(before, key=lambda d: d["name"])},
                   {"query_definitions": sorted((public_definition(r) for r in actions["result"]),
                                                key=lambda d: d["name"])})
        if self.module.check_mode or not changed:
            self.results["changed"] = self.results["changed"] or changed
            self.results["query_definitions"] = [public_definition(r) for r in actions["result"]]
            self.results["created"] = [d["name"] for d in actions["create"]]
            self.results["updated"] = [w["name"] for _c, w in actions["update"]]
            self.results["deleted"] = [definition_reference(d) for d in actions["delete"]]
            return
        ids = {}
        for current, want in actions["update"]:
            ids[want["name"]] = put_query_definition(self.client, want, current["query_definition_id"])
            self.results["updated"].append(want["name"])
            self.results["changed"] = True
        for want in actions["create"]:
            ids[want["name"]] = put_query_definition(self.client, want)
            self.results["created"].append(want["name"])
            self.results["changed"] = True
        self._delete(actions["delete"])
        self.results["query_definitions"] = [
            public_definition(dict(r, query_definition_id=ids.get(r["name"], r["query_definition_id"])))
            for r in actions["result"]
        ]

    def ensure_absent(self):
        names = None
        if self.params.get("query_definitions") is not None:
            names = [d["name"] for d in self.params["query_definitions"]]
        targets, foreign = plan_absent(self._existing(), names, self.params.get("name_prefix"),
                                       self.params.get("adopt"))
        self._report_foreign(foreign)
        self.results["query_definitions"] = [public_definition(t) for t in targets]
        self._diff({"query_definitions": self.results["query_definitions"]}, {"query_definitions": []})
        if self.module.check_mode:
            self.results["changed"] = self.results["changed"] or bool(targets)
            self.results["deleted"] = [definition_reference(t) for t in targets]
            return
        self._delete(targets)
