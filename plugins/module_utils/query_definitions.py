# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CloudWatch Logs Insights query definitions: validation, planning and API calls.

Shared by cloudwatchlogs_query_definition and cloudwatchlogs_query_definition_info.

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

``plan`` is pure so that it can be unit-tested; the API helpers retry
throttling through the client made by ``logs_client``.
"""

import os
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

NAME_MAX = 255
QUERY_STRING_MAX = 10000
LOG_GROUP_NAME_RE = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
PAGE_SIZE = 1000


class QueryDefinitionError(ValueError):
    """Invalid parameters; ``problems`` lists every one found."""

    def __init__(self, problems):
        problems = list(problems)
        super(QueryDefinitionError, self).__init__("; ".join(problems))
        self.problems = problems


# CloudWatch Logs throttles with "ThrottlingException", which AWSRetry does not retry by
# default (its list has EC2's "Throttling" and "RequestLimitExceeded").
RETRY_CODES = ["ThrottlingException"]


def logs_client(module):
    """A CloudWatch Logs client whose aws_retry=True calls retry throttling with jittered backoff."""
    return module.client("logs", retry_decorator=AWSRetry.jittered_backoff(
        retries=10, delay=1, max_delay=30, catch_extra_error_codes=RETRY_CODES))


def _log_group_problems(where, names):
    problems = []
    if names is None:
        return problems
    seen = set()
    for name in names:
        if not isinstance(name, str) or not LOG_GROUP_NAME_RE.match(name):
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
            elif len(query_string) > QUERY_STRING_MAX:
                problems.append("%s: query_string has %d characters; AWS allows %d"
                                % (where, len(query_string), QUERY_STRING_MAX))
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


@AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30, catch_extra_error_codes=RETRY_CODES)
def _describe_page(client, **kwargs):
    return client.describe_query_definitions(**kwargs)


def describe_query_definitions(client, name_prefix=None):
    """Every query definition whose name starts with name_prefix (all of them for None)."""
    kwargs = {"maxResults": PAGE_SIZE}
    if name_prefix:
        kwargs["queryDefinitionNamePrefix"] = name_prefix
    found = []
    while True:
        page = _describe_page(client, **kwargs)
        found.extend(page.get("queryDefinitions", []))
        token = page.get("nextToken")
        if not token:
            return found
        kwargs["nextToken"] = token


def normalize(existing):
    """A DescribeQueryDefinitions item in the shape of a desired definition, plus its id."""
    return {
        "query_definition_id": existing.get("queryDefinitionId"),
        "name": existing.get("name"),
        "query_string": existing.get("queryString"),
        "log_group_names": sorted(existing.get("logGroupNames") or []),
    }


def _same(current, desired):
    return (current["query_string"] == desired["query_string"]
            and current["log_group_names"] == desired["log_group_names"])


def plan(existing, desired, purge=False, name_prefix=None):
    """What to do to reach ``desired`` from ``existing`` (DescribeQueryDefinitions items).

    Returns a dict with ``create`` (desired definitions), ``update`` (pairs
    ``(current, desired)``), ``unchanged`` (current definitions), ``delete``
    (current definitions: same-name duplicates, and with ``purge`` those under
    ``name_prefix`` that are not desired) and ``result`` (one entry per desired
    definition, in order; created ones have no id yet).
    """
    current = [normalize(item) for item in existing]
    by_name = {}
    for item in current:
        by_name.setdefault(item["name"], []).append(item)
    actions = {"create": [], "update": [], "unchanged": [], "delete": [], "result": []}
    for want in desired:
        candidates = by_name.get(want["name"], [])
        if not candidates:
            actions["create"].append(want)
            actions["result"].append(dict(want, query_definition_id=None))
            continue
        # Keep an identical one if there is one, so that an unchanged run never writes.
        keeper = next((c for c in candidates if _same(c, want)), candidates[0])
        if _same(keeper, want):
            actions["unchanged"].append(keeper)
        else:
            actions["update"].append((keeper, want))
        actions["delete"].extend(c for c in candidates if c is not keeper)
        actions["result"].append(dict(want, query_definition_id=keeper["query_definition_id"]))
    if purge and name_prefix:
        wanted = set(want["name"] for want in desired)
        actions["delete"].extend(c for c in current
                                 if c["name"].startswith(name_prefix) and c["name"] not in wanted)
    return actions


def plan_absent(existing, names=None, name_prefix=None):
    """The definitions to delete: those named (any number per name), else all under name_prefix."""
    current = [normalize(item) for item in existing]
    if names is not None:
        wanted = set(names)
        return [c for c in current if c["name"] in wanted]
    return [c for c in current if name_prefix and c["name"].startswith(name_prefix)]


def put_query_definition(client, definition, query_definition_id=None):
    """Create (no id) or replace (id) one definition; returns its id."""
    kwargs = {"name": definition["name"], "queryString": definition["query_string"]}
    if definition["log_group_names"]:
        kwargs["logGroupNames"] = definition["log_group_names"]
    if query_definition_id:
        kwargs["queryDefinitionId"] = query_definition_id
    return client.put_query_definition(aws_retry=True, **kwargs)["queryDefinitionId"]


def delete_query_definition(client, query_definition_id):
    """Delete one definition; one that is already gone counts as deleted."""
    try:
        client.delete_query_definition(aws_retry=True, queryDefinitionId=query_definition_id)
    except is_boto3_error_code("ResourceNotFoundException"):
        return False
    return True


def format_query_definition(item):
    """A DescribeQueryDefinitions item as a snake_case result (log_group_names always a list)."""
    result = camel_dict_to_snake_dict(item)
    result["log_group_names"] = list(item.get("logGroupNames") or [])
    return result
