"""No traceback from the query-side modules: an AWS error at any call is a clean failure.

Each module's main() runs with patched module arguments against a scripted client (a
stand-in for boto3, wrapped the way AnsibleAWSModule.client() wraps it). A scenario is
first run without error to record its API calls; then, for every call of it in turn, the
same run is repeated with a ClientError and with a botocore EndpointConnectionError
injected at that call. Each must end in fail_json (no exception escapes main()), with a
message naming the API operation and the resource, and with the writes done before the
failure reported (changed, and the module's lists of changes). No emulator can fail a
chosen call, which is why this uses a scripted client and not LocalStack.
"""

import copy
import json

import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import stored_query
from ansible_collections.flowlogs.aws.plugins.modules import athena_named_queries
from ansible_collections.flowlogs.aws.plugins.modules import athena_workgroup
from ansible_collections.flowlogs.aws.plugins.modules import cloudwatchlogs_flow_log_insights
from ansible_collections.flowlogs.aws.plugins.modules import cloudwatchlogs_query_definition
from ansible_collections.flowlogs.aws.plugins.modules import cloudwatchlogs_query_definition_info
from ansible_collections.flowlogs.aws.plugins.modules import glue_flow_log_table

ACCOUNT = "123456789012"
MARKER = {"managed-by": "flowlogs.aws"}
WRITES = ("create_", "update_", "delete_", "tag_", "untag_", "put_")


def camel(operation):
    return "".join(part.capitalize() for part in operation.split("_"))


def not_found(code, operation):
    return ClientError({"Error": {"Code": code, "Message": "not found"}}, camel(operation))


class Script:
    """Answers every call from a handler per operation, records the calls, fails the chosen one."""

    def __init__(self, handlers, fail_at=None, error=None):
        self.handlers = handlers
        self.fail_at = fail_at
        self.error = error
        self.calls = []

    def call(self, operation, kwargs):
        index = len(self.calls)
        self.calls.append(operation)
        if index == self.fail_at:
            if self.error == "client":
                raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "injected"}}, camel(operation))
            raise EndpointConnectionError(endpoint_url="https://injected.amazonaws.com")
        return self.handlers[operation](**kwargs)


class FakePaginator:
    def __init__(self, script, operation):
        self.script, self.operation = script, operation

    def paginate(self, **kwargs):
        return FakePages(self.script, self.operation, kwargs)


class FakePages:
    def __init__(self, script, operation, kwargs):
        self.script, self.operation, self.kwargs = script, operation, kwargs

    def __iter__(self):
        yield self.script.call(self.operation, self.kwargs)

    def build_full_result(self):
        return self.script.call(self.operation, self.kwargs)


class FakeClient:
    def __init__(self, script):
        self._script = script

    def get_paginator(self, operation):
        return FakePaginator(self._script, operation)

    def __getattr__(self, operation):
        if operation not in self._script.handlers:
            raise AttributeError(operation)
        return lambda **kwargs: self._script.call(operation, kwargs)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)


def run_module(monkeypatch, capsys, module, args, handlers, fail_at=None, error=None):
    script = Script(handlers, fail_at, error)

    def client(self, service, retry_decorator=None):
        return RetryingBotoClientWrapper(FakeClient(script), retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    with patch_module_args(dict(args, region="us-east-1")):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out), script.calls


def sts():
    return {"get_caller_identity": lambda: {"Account": ACCOUNT, "Arn": "arn:aws:iam::%s:user/test" % ACCOUNT,
                                            "UserId": "AIDA"}}


# ---------------------------------------------------------------------------------------
# Scenarios: a module, its arguments, and fresh handlers (state is per run).
# ---------------------------------------------------------------------------------------
def glue_handlers(database=True, table=None, database_tags=None, other_tables=()):
    state = {"database": database, "table": copy.deepcopy(table), "tags": dict(database_tags or {})}

    def get_database(Name):
        if not state["database"]:
            raise not_found("EntityNotFoundException", "get_database")
        return {"Database": {"Name": Name}}

    def get_table(DatabaseName, Name):
        if state["table"] is None:
            raise not_found("EntityNotFoundException", "get_table")
        return {"Table": dict(state["table"], DatabaseName=DatabaseName)}

    def create_table(DatabaseName, TableInput):
        state["table"] = TableInput

    handlers = dict(sts())
    handlers.update(
        get_database=get_database,
        get_table=get_table,
        get_tags=lambda ResourceArn: {"Tags": state["tags"]},
        get_tables=lambda DatabaseName: {"TableList": [{"Name": n} for n in other_tables]
                                         + ([{"Name": "flow_logs"}] if state["table"] else [])},
        create_database=lambda DatabaseInput, Tags: state.update(database=True, tags=Tags),
        tag_resource=lambda ResourceArn, TagsToAdd: state["tags"].update(TagsToAdd),
        create_table=create_table,
        update_table=create_table,
        delete_table=lambda DatabaseName, Name: state.update(table=None),
        delete_database=lambda Name: state.update(database=False),
    )
    return handlers


GLUE_ARGS = {"database": "flow_db", "name": "flow_logs", "bucket": "flow-bucket", "start_date": "2025-01-01"}
OLD_TABLE = {"Name": "flow_logs", "Parameters": dict(MARKER), "PartitionKeys": [],
             "StorageDescriptor": {"Columns": [{"Name": "version", "Type": "int"}]}}
FOREIGN_TABLE = dict(OLD_TABLE, Parameters={})


def workgroup_handlers(exists=True, tags=None, configuration=None):
    state = {"exists": exists, "tags": dict(tags or {}), "state": "ENABLED"}

    def get_work_group(WorkGroup):
        if not state["exists"]:
            raise not_found("InvalidRequestException", "get_work_group")
        return {"WorkGroup": {"Name": WorkGroup, "State": state["state"], "Description": "",
                              "Configuration": configuration or {}}}

    handlers = dict(sts())
    handlers.update(
        get_work_group=get_work_group,
        list_tags_for_resource=lambda ResourceARN: {"Tags": [{"Key": k, "Value": v} for k, v in state["tags"].items()]},
        create_work_group=lambda Name, Configuration, Description, Tags: state.update(
            exists=True, tags=dict((t["Key"], t["Value"]) for t in Tags)),
        update_work_group=lambda WorkGroup, **kwargs: state.update(state=kwargs.get("State", state["state"])),
        tag_resource=lambda ResourceARN, Tags: state["tags"].update((t["Key"], t["Value"]) for t in Tags),
        untag_resource=lambda ResourceARN, TagKeys: [state["tags"].pop(k, None) for k in TagKeys],
        delete_work_group=lambda WorkGroup, RecursiveDeleteOption: state.update(exists=False),
    )
    return handlers


WORKGROUP_ARGS = {"name": "flow-wg", "output_location": "s3://results-bucket/athena/"}


def named_query(query_id, name, text, database="flow_db", marked=True):
    suffix = " [flowlogs.aws query set: s1]"
    return {"NamedQueryId": query_id, "Name": name, "QueryString": text, "Database": database,
            "Description": suffix.strip() if marked else "", "WorkGroup": "flow-wg"}


def named_query_handlers(queries):
    state = {"queries": dict((q["NamedQueryId"], q) for q in copy.deepcopy(queries)), "next": 0}

    def create_named_query(Name, Database, QueryString, Description, WorkGroup):
        state["next"] += 1
        query_id = "new-%d" % state["next"]
        state["queries"][query_id] = {"NamedQueryId": query_id, "Name": Name, "Database": Database,
                                      "QueryString": QueryString, "Description": Description, "WorkGroup": WorkGroup}
        return {"NamedQueryId": query_id}

    def delete_named_query(NamedQueryId):
        del state["queries"][NamedQueryId]

    return {
        "get_work_group": lambda WorkGroup: {"WorkGroup": {"Name": WorkGroup}},
        "list_named_queries": lambda WorkGroup: {"NamedQueryIds": sorted(state["queries"])},
        "batch_get_named_query": lambda NamedQueryIds: {
            "NamedQueries": [state["queries"][i] for i in NamedQueryIds], "UnprocessedNamedQueryIds": []},
        "create_named_query": create_named_query,
        "update_named_query": lambda NamedQueryId, Name, QueryString, Description: state["queries"][
            NamedQueryId].update(Name=Name, QueryString=QueryString, Description=Description),
        "delete_named_query": delete_named_query,
    }


QUERIES = [named_query("q-a", "a", "SELECT 1"), named_query("q-b", "b", "SELECT 2", database="old_db"),
           named_query("q-old", "old", "SELECT 0")]
QUERY_ARGS = {"workgroup": "flow-wg", "database": "flow_db", "query_set": "s1", "purge": True,
              "queries": [{"name": "a", "query_string": "SELECT 10"}, {"name": "b", "query_string": "SELECT 2"},
                          {"name": "c", "query_string": "SELECT 3"}]}


def definition(query_id, name, text, marked=True):
    return {"queryDefinitionId": query_id, "name": name, "queryString": stored_query(text) if marked else text,
            "logGroupNames": ["/flow"]}


def definition_handlers(definitions):
    state = {"items": dict((d["queryDefinitionId"], d) for d in copy.deepcopy(definitions)), "next": 0}

    def put_query_definition(name, queryString, logGroupNames=None, queryDefinitionId=None):
        if queryDefinitionId is None:
            state["next"] += 1
            queryDefinitionId = "new-%d" % state["next"]
        state["items"][queryDefinitionId] = {"queryDefinitionId": queryDefinitionId, "name": name,
                                             "queryString": queryString, "logGroupNames": logGroupNames or []}
        return {"queryDefinitionId": queryDefinitionId}

    def describe_query_definitions(maxResults, queryDefinitionNamePrefix=None, nextToken=None):
        return {"queryDefinitions": [d for d in state["items"].values()
                                     if d["name"].startswith(queryDefinitionNamePrefix or "")]}

    return {
        "describe_query_definitions": describe_query_definitions,
        "put_query_definition": put_query_definition,
        "delete_query_definition": lambda queryDefinitionId: state["items"].pop(queryDefinitionId) and {"success": True},
    }


DEFINITIONS = [definition("d-a", "f/a", "fields 1"), definition("d-old", "f/old", "fields 0")]
DEFINITION_ARGS = {"name_prefix": "f/", "purge": True, "log_group_names": ["/flow"],
                   "query_definitions": [{"name": "f/a", "query_string": "fields 10"},
                                         {"name": "f/b", "query_string": "fields 2"}]}


def insights_handlers(definitions, metric_filter=None, alarm=None):
    """The query definitions, and one log group's metric filter and alarm (cloudwatchlogs_flow_log_insights)."""
    handlers = definition_handlers(definitions)
    state = {"filter": copy.deepcopy(metric_filter), "alarm": copy.deepcopy(alarm)}

    def put_metric_filter(**kwargs):
        state["filter"] = kwargs

    def put_metric_alarm(**kwargs):
        state["alarm"] = kwargs

    handlers.update(
        describe_metric_filters=lambda logGroupName, filterNamePrefix, limit: {
            "metricFilters": [state["filter"]] if state["filter"] else []},
        put_metric_filter=put_metric_filter,
        delete_metric_filter=lambda logGroupName, filterName: state.update(filter=None),
        describe_alarms=lambda AlarmNames: {"MetricAlarms": [state["alarm"]] if state["alarm"] else []},
        put_metric_alarm=put_metric_alarm,
        delete_alarms=lambda AlarmNames: state.update(alarm=None),
    )
    return handlers


INSIGHTS_ARGS = {"log_group_name": "/flow", "query_folder": "f", "queries": ["top_talkers", "traffic_over_time"],
                 "filter_name": "flow-rejected", "metric_name": "flow-rejected", "alarm_name": "flow-rejected"}
OLD_ALARM = {"AlarmName": "flow-rejected", "MetricName": "flow-rejected", "Namespace": "VPCFlowLogs", "Threshold": 1.0}
OLD_FILTER = {"filterName": "flow-rejected", "logGroupName": "/flow", "filterPattern": "[a]", "metricTransformations": []}

SCENARIOS = {
    "glue create": (glue_flow_log_table, GLUE_ARGS, lambda: glue_handlers(database=False), "flow_db.flow_logs"),
    "glue update": (glue_flow_log_table, GLUE_ARGS,
                    lambda: glue_handlers(table=OLD_TABLE, database_tags=MARKER), "flow_db.flow_logs"),
    "glue adopt": (glue_flow_log_table, dict(GLUE_ARGS, adopt=True),
                   lambda: glue_handlers(table=FOREIGN_TABLE), "flow_db.flow_logs"),
    "glue absent": (glue_flow_log_table, {"database": "flow_db", "name": "flow_logs", "state": "absent",
                                          "delete_database": True},
                    lambda: glue_handlers(table=OLD_TABLE, database_tags=MARKER), "flow_db.flow_logs"),
    "workgroup create": (athena_workgroup, dict(WORKGROUP_ARGS, enabled=False),
                         lambda: workgroup_handlers(exists=False), "flow-wg"),
    "workgroup update": (athena_workgroup, dict(WORKGROUP_ARGS, tags={"team": "net"}),
                         lambda: workgroup_handlers(tags=dict(MARKER, old="1")), "flow-wg"),
    "workgroup absent": (athena_workgroup, {"name": "flow-wg", "state": "absent"},
                         lambda: workgroup_handlers(tags=MARKER), "flow-wg"),
    "named queries present": (athena_named_queries, QUERY_ARGS, lambda: named_query_handlers(QUERIES), "flow-wg"),
    "named queries absent": (athena_named_queries, {"workgroup": "flow-wg", "query_set": "s1", "state": "absent"},
                             lambda: named_query_handlers(QUERIES), "flow-wg"),
    "query definitions present": (cloudwatchlogs_query_definition, DEFINITION_ARGS,
                                  lambda: definition_handlers(DEFINITIONS), "f/"),
    "query definitions absent": (cloudwatchlogs_query_definition, {"name_prefix": "f/", "state": "absent"},
                                 lambda: definition_handlers(DEFINITIONS), "f/"),
    "query definitions info": (cloudwatchlogs_query_definition_info, {"name_prefix": "f/"},
                               lambda: definition_handlers(DEFINITIONS), "f/"),
    # The saved queries and the REJECT alarm: everything written (alarm first, then the queries),
    # the alarm turned off (deleted), and everything removed.
    "flow-log insights present": (cloudwatchlogs_flow_log_insights, INSIGHTS_ARGS,
                                  lambda: insights_handlers(DEFINITIONS, OLD_FILTER), "flow-rejected"),
    "flow-log insights alarm off": (cloudwatchlogs_flow_log_insights, dict(INSIGHTS_ARGS, alarm_enabled=False),
                                    lambda: insights_handlers(DEFINITIONS, OLD_FILTER, OLD_ALARM), "/flow"),
    "flow-log insights absent": (cloudwatchlogs_flow_log_insights, dict(INSIGHTS_ARGS, state="absent"),
                                 lambda: insights_handlers(DEFINITIONS, OLD_FILTER, OLD_ALARM), "f, REJECT alarm"),
}

EXPECTED_CALLS = {
    # Every call site of each module appears in at least one scenario.
    glue_flow_log_table: {"GetDatabase", "GetTable", "GetTags", "GetTables", "GetCallerIdentity", "CreateDatabase",
                          "TagResource", "CreateTable", "UpdateTable", "DeleteTable", "DeleteDatabase"},
    athena_workgroup: {"GetWorkGroup", "GetCallerIdentity", "ListTagsForResource", "CreateWorkGroup",
                       "UpdateWorkGroup", "TagResource", "UntagResource", "DeleteWorkGroup"},
    athena_named_queries: {"GetWorkGroup", "ListNamedQueries", "BatchGetNamedQuery", "CreateNamedQuery",
                           "UpdateNamedQuery", "DeleteNamedQuery"},
    cloudwatchlogs_query_definition: {"DescribeQueryDefinitions", "PutQueryDefinition", "DeleteQueryDefinition"},
    cloudwatchlogs_query_definition_info: {"DescribeQueryDefinitions"},
    cloudwatchlogs_flow_log_insights: {"DescribeQueryDefinitions", "PutQueryDefinition", "DeleteQueryDefinition",
                                       "DescribeMetricFilters", "PutMetricFilter", "DeleteMetricFilter",
                                       "DescribeAlarms", "PutMetricAlarm", "DeleteAlarms"},
}


def recorded(monkeypatch, capsys, name):
    module, args, handlers, _resource = SCENARIOS[name]
    result, calls = run_module(monkeypatch, capsys, module, args, handlers())
    assert not result.get("failed"), result
    return calls


def test_the_scenarios_reach_every_call_site(monkeypatch, capsys):
    seen = {}
    for name, (module, _args, _handlers, _resource) in SCENARIOS.items():
        seen.setdefault(module, set()).update(camel(c) for c in recorded(monkeypatch, capsys, name))
    assert seen == EXPECTED_CALLS


def injections():
    for name in SCENARIOS:
        for error in ("client", "connection"):
            yield name, error


@pytest.mark.parametrize("name,error", list(injections()))
def test_an_error_at_every_call_fails_cleanly(monkeypatch, capsys, name, error):
    module, args, handlers, resource = SCENARIOS[name]
    calls = recorded(monkeypatch, capsys, name)
    assert calls
    for index, operation in enumerate(calls):
        result, made = run_module(monkeypatch, capsys, module, args, handlers(), fail_at=index, error=error)
        where = "{0}: {1} at call {2} ({3})".format(name, error, index, operation)
        assert made == calls[:index + 1], where  # nothing is called after the failure
        assert result.get("failed") is True, where
        message = result["msg"]
        assert "Traceback" not in message, where
        assert message.startswith("Failed to "), (where, message)
        assert "({0})".format(camel(operation)) in message, (where, message)
        assert resource in message, (where, message)
        assert ("injected" in message) if error == "client" else ("Could not connect" in message), (where, message)
        # What was written before the failure is reported, and nothing else.
        writes_before = [c for c in calls[:index] if c.startswith(WRITES)]
        assert result["changed"] is bool(writes_before), (where, result)
        done = (result.get("changes", []) + result.get("created", []) + result.get("updated", [])
                + result.get("deleted", []))
        assert bool(done) is bool(writes_before), (where, result)


# ---------------------------------------------------------------------------------------
# The error codes athena_named_queries handles instead of failing (no emulator answers them
# on demand: LocalStack, with the test extension, implements UpdateNamedQuery and deletes).
# ---------------------------------------------------------------------------------------
def _raising(code, message, operation):
    def handler(**_kwargs):
        raise ClientError({"Error": {"Code": code, "Message": message}}, camel(operation))
    return handler


@pytest.mark.parametrize("code", ["UnknownOperationException", "NotImplementedException"])
def test_named_query_update_unavailable_replaces_the_query(monkeypatch, capsys, code):
    handlers = named_query_handlers(QUERIES)
    handlers["update_named_query"] = _raising(code, "UpdateNamedQuery is not available", "update_named_query")
    result, calls = run_module(monkeypatch, capsys, athena_named_queries, QUERY_ARGS, handlers)
    assert not result.get("failed"), result
    # "a" changes its text: the update fails with code, so a new query is created and the old one deleted.
    assert calls.count("update_named_query") == 1
    after = calls[len(calls) - calls[::-1].index("update_named_query"):]
    assert after[:2] == ["create_named_query", "delete_named_query"], calls
    assert "a" in result["created"] and "a" in result["deleted"] and "a" not in result["updated"]
    statuses = dict((q["name"], q["status"]) for q in result["named_queries"])
    assert statuses == {"a": "replaced", "b": "replaced", "c": "created"}


@pytest.mark.parametrize("code, tries", [("InvalidRequestException", 1), ("InternalFailure", 10),
                                         ("InternalServerException", 1)])
def test_named_query_update_other_errors_still_fail(monkeypatch, capsys, code, tries):
    # A server error fails (InternalFailure after AWSRetry's 10 tries): it is not read as "no UpdateNamedQuery".
    handlers = named_query_handlers(QUERIES)
    handlers["update_named_query"] = _raising(code, "bad query", "update_named_query")
    result, calls = run_module(monkeypatch, capsys, athena_named_queries, QUERY_ARGS, handlers)
    assert result["failed"] is True
    assert calls.count("update_named_query") == tries, calls
    # "a" (whose text changed) is neither replaced nor reported as updated.
    assert "a" not in result.get("created", []) + result.get("updated", []) + result.get("deleted", [])
    assert result["msg"].startswith("Failed to update a named query (UpdateNamedQuery)"), result["msg"]
    assert "flow-wg" in result["msg"] and "bad query" in result["msg"]


def test_named_query_already_deleted_counts_as_deleted(monkeypatch, capsys):
    # Deleted by someone else between the listing and DeleteNamedQuery: Athena answers
    # InvalidRequestException; a "not found" message means the query is gone, as wanted.
    handlers = named_query_handlers(QUERIES)
    handlers["delete_named_query"] = _raising("InvalidRequestException", "Named query q-old was not found",
                                              "delete_named_query")
    args = {"workgroup": "flow-wg", "query_set": "s1", "state": "absent"}
    result, calls = run_module(monkeypatch, capsys, athena_named_queries, args, handlers)
    assert not result.get("failed"), result
    assert calls.count("delete_named_query") == 3
    assert sorted(result["deleted"]) == ["a", "b", "old"] and result["changed"] is True


def test_named_query_delete_refused_for_another_reason_fails(monkeypatch, capsys):
    handlers = named_query_handlers(QUERIES)
    handlers["delete_named_query"] = _raising("InvalidRequestException", "Query is in use", "delete_named_query")
    args = {"workgroup": "flow-wg", "query_set": "s1", "state": "absent"}
    result, calls = run_module(monkeypatch, capsys, athena_named_queries, args, handlers)
    assert calls.count("delete_named_query") == 1  # nothing is deleted after the failure
    assert result["failed"] is True and result["changed"] is False and result["deleted"] == []
    assert result["msg"].startswith("Failed to delete a named query (DeleteNamedQuery)"), result["msg"]
