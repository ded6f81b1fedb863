"""CloudWatch Logs Insights query definitions, which LocalStack 4.13.1 does not have.

Emulator gap: ``PutQueryDefinition``, ``DescribeQueryDefinitions`` and
``DeleteQueryDefinition`` answer ``InternalFailure: The put_query_definition action
has not been implemented`` (LocalStack's logs provider falls back to moto for them,
and moto-ext 5.1.54 has none).  The collection's ``cloudwatchlogs_query_definition``
module and ``log_insights`` role manage saved Insights queries, so the tests need the
three operations to exist.

LocalStack sends every logs operation its own provider does not implement to moto's
``LogsResponse`` (``MotoFallbackDispatcher``), which calls the method named after
the operation.  An ``on_infra_start`` hook adds the three methods to that class.
They follow the CloudWatch Logs API reference:

* PutQueryDefinition without ``queryDefinitionId`` creates a definition and returns
  a new id; with one, it replaces name, query string and log groups ("No current
  values are retained": omitted ``logGroupNames`` clears them) and fails with
  ``ResourceNotFoundException`` for an unknown id.  A repeated ``clientToken``
  returns the definition it created first.
* DescribeQueryDefinitions filters by ``queryDefinitionNamePrefix`` and pages with
  ``maxResults`` (1 to 1000) and ``nextToken``; ``logGroupNames`` is left out of an
  item without log groups.
* DeleteQueryDefinition answers ``{"success": true}`` and fails with
  ``ResourceNotFoundException`` for an unknown id.

Definitions live on moto's logs backend object (one per account and region).
Nothing here runs a query: Insights itself (``StartQuery``) stays as LocalStack has it.
Test infrastructure only; see the package docstring.
"""

import json
import logging
import time
import uuid

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

_LANGUAGES = ("CWLI", "SQL", "PPL")


def _definitions(backend) -> dict:
    """The query definitions of one account and region, by id, in creation order."""
    store = getattr(backend, "flowlogs_query_definitions", None)
    if store is None:
        store = backend.flowlogs_query_definitions = {}
        backend.flowlogs_query_definition_tokens = {}
    return store


def _invalid(message):
    from moto.logs.exceptions import InvalidParameterException

    return InvalidParameterException(msg=message)


def _not_found(query_definition_id):
    from moto.logs.exceptions import ResourceNotFoundException

    return ResourceNotFoundException(msg="Query definition %s does not exist." % query_definition_id)


def put_query_definition(self) -> str:
    backend = self.logs_backend
    store = _definitions(backend)
    name = self._get_param("name")
    query_string = self._get_param("queryString")
    language = self._get_param("queryLanguage") or "CWLI"
    log_group_names = self._get_param("logGroupNames") or []
    query_definition_id = self._get_param("queryDefinitionId")
    token = self._get_param("clientToken")
    if not name or len(name) > 255:
        raise _invalid("name must be 1 to 255 characters")
    if not query_string or len(query_string) > 10000:
        raise _invalid("queryString must be 1 to 10000 characters")
    if language not in _LANGUAGES:
        raise _invalid("queryLanguage must be one of %s" % ", ".join(_LANGUAGES))
    tokens = backend.flowlogs_query_definition_tokens
    if token and token in tokens and tokens[token] in store:
        return json.dumps({"queryDefinitionId": tokens[token]})
    if query_definition_id:
        if query_definition_id not in store:
            raise _not_found(query_definition_id)
    else:
        query_definition_id = str(uuid.uuid4())
    item = {
        "queryDefinitionId": query_definition_id,
        "name": name,
        "queryString": query_string,
        "queryLanguage": language,
        "lastModified": int(time.time() * 1000),
    }
    if log_group_names:
        item["logGroupNames"] = list(log_group_names)
    store[query_definition_id] = item
    if token:
        tokens[token] = query_definition_id
    return json.dumps({"queryDefinitionId": query_definition_id})


def describe_query_definitions(self) -> str:
    store = _definitions(self.logs_backend)
    prefix = self._get_param("queryDefinitionNamePrefix") or ""
    max_results = self._get_param("maxResults") or 1000
    if not 1 <= int(max_results) <= 1000:
        raise _invalid("maxResults must be 1 to 1000")
    start = int(self._get_param("nextToken") or 0)
    matching = [item for item in store.values() if item["name"].startswith(prefix)]
    page = matching[start:start + int(max_results)]
    response = {"queryDefinitions": page}
    if start + int(max_results) < len(matching):
        response["nextToken"] = str(start + int(max_results))
    return json.dumps(response)


def delete_query_definition(self) -> str:
    store = _definitions(self.logs_backend)
    query_definition_id = self._get_param("queryDefinitionId")
    if query_definition_id not in store:
        raise _not_found(query_definition_id)
    del store[query_definition_id]
    return json.dumps({"success": True})


@hooks.on_infra_start(priority=50)
def flowlogs_add_query_definitions():
    from moto.logs.responses import LogsResponse

    if getattr(LogsResponse, "put_query_definition", None) is not None:
        return  # moto has them (a newer version) or the patch is applied: leave it.
    LogsResponse.put_query_definition = put_query_definition
    LogsResponse.describe_query_definitions = describe_query_definitions
    LogsResponse.delete_query_definition = delete_query_definition
    LOG.debug("flowlogs extension: CloudWatch Logs query definitions added")
