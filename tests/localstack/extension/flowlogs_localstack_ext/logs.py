"""CloudWatch Logs: Insights query definitions, and metric filters that AWS replaces.

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

Emulator gap, metric filters: moto's ``MetricFilters.add_filter`` appends, so a second
``PutMetricFilter`` with an existing filter name adds a second filter of that name
(``DescribeMetricFilters`` then lists both, and amazon.aws'
``cloudwatchlogs_log_group_metric_filter``, which expects one, reports a change on
every run).  AWS: "PutMetricFilter - Creates or updates a metric filter and associates
it with the specified log group" (CloudWatch Logs API reference); a filter is
identified by log group and name.  ``flowlogs_replace_metric_filters`` makes a put
replace the filter of that name in that group, and, as AWS does:

* ``PutMetricFilter`` and ``DescribeMetricFilters`` with a ``logGroupName`` that does
  not exist fail with ``ResourceNotFoundException`` "The specified log group does not
  exist." (moto stored the filter / answered an empty list);
* ``DeleteMetricFilter`` of a filter that does not exist fails with
  ``ResourceNotFoundException`` "The specified metric filter does not exist." (moto
  answered success; its loop also skipped the second of two same-named filters);
* deleting a log group deletes its metric filters (moto kept them, so a group made
  again under the same name showed the old filters);
* ``PutMetricFilter`` refuses a metric transformation whose ``metricName`` or
  ``metricNamespace`` is longer than 255 characters or holds ``:``, ``*`` or ``$``, or whose
  ``metricValue`` is longer than 100 characters, and ``DescribeMetricFilters`` a ``limit``
  outside 1 to 50, with InvalidParameterException (the constraints of the API reference's
  MetricTransformation and DescribeMetricFilters; moto checked neither).

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


def _require_group(backend, log_group_name):
    from moto.logs.exceptions import ResourceNotFoundException

    if log_group_name is not None and log_group_name not in backend.groups:
        raise ResourceNotFoundException("The specified log group does not exist.")


@hooks.on_infra_start(priority=50)
def flowlogs_replace_metric_filters():
    from localstack.utils.patch import patch
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.metric_filters import MetricFilters
    from moto.logs.models import LogsBackend
    from moto.logs.responses import LogsResponse
    from moto.logs.responses import validate_param

    if getattr(MetricFilters, "flowlogs_replaces", False):
        return  # already applied
    MetricFilters.flowlogs_replaces = True

    @patch(MetricFilters.add_filter)
    def add_filter(fn, self, filter_name, filter_pattern, log_group_name, metric_transformations):
        # Replace in place: the filter keeps its position in DescribeMetricFilters.
        for item in self.metric_filters:
            if item["filterName"] == filter_name and item["logGroupName"] == log_group_name:
                item.update(filterPattern=filter_pattern, metricTransformations=metric_transformations)
                return None
        return fn(self, filter_name, filter_pattern, log_group_name, metric_transformations)

    @patch(MetricFilters.delete_filter)
    def delete_filter(fn, self, filter_name=None, log_group_name=None):
        self.metric_filters[:] = [
            item for item in self.metric_filters
            if not (item["filterName"] == filter_name and item["logGroupName"] == log_group_name)]
        return self.metric_filters

    @patch(LogsBackend.put_metric_filter)
    def put_metric_filter(fn, self, filter_name, filter_pattern, log_group_name, metric_transformations):
        _require_group(self, log_group_name)
        return fn(self, filter_name, filter_pattern, log_group_name, metric_transformations)

    @patch(LogsBackend.describe_metric_filters)
    def describe_metric_filters(fn, self, prefix=None, log_group_name=None, metric_name=None,
                                metric_namespace=None):
        _require_group(self, log_group_name)
        return fn(self, prefix, log_group_name, metric_name, metric_namespace)

    @patch(LogsBackend.delete_metric_filter)
    def delete_metric_filter(fn, self, filter_name=None, log_group_name=None):
        _require_group(self, log_group_name)
        if not any(item["filterName"] == filter_name and item["logGroupName"] == log_group_name
                   for item in self.filters.metric_filters):
            raise ResourceNotFoundException("The specified metric filter does not exist.")
        return fn(self, filter_name, log_group_name)

    @patch(LogsResponse.put_metric_filter)
    def checked_put_metric_filter(fn, self):
        for item in self._get_param("metricTransformations") or []:
            for field in ("metricName", "metricNamespace"):
                validate_param("metricTransformations.member.1." + field, item.get(field),
                               "Minimum length of 1. Maximum length of 255.",
                               lambda x: x is not None and 1 <= len(x) <= 255, pattern="[^:*$]*")
            validate_param("metricTransformations.member.1.metricValue", item.get("metricValue"),
                           "Maximum length of 100.", lambda x: x is not None and len(x) <= 100)
        return fn(self)

    @patch(LogsResponse.describe_metric_filters)
    def checked_describe_metric_filters(fn, self):
        validate_param("limit", self._get_param("limit"), "Minimum value of 1. Maximum value of 50.",
                       lambda x: x is None or 1 <= int(x) <= 50)
        return fn(self)

    @patch(LogsBackend.delete_log_group)
    def delete_log_group(fn, self, log_group_name):
        result = fn(self, log_group_name)
        self.filters.metric_filters[:] = [
            item for item in self.filters.metric_filters if item["logGroupName"] != log_group_name]
        return result

    LOG.debug("flowlogs extension: metric filters replaced by name")
