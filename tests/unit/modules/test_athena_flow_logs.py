"""athena_flow_logs: the workgroup, the Glue table and the saved queries in one module run.

A scripted Athena, Glue and STS (the stateful handlers of test_query_modules_errors, one set per
service, each request checked against botocore's model) records every call of a run, so that the
order of the steps, the calls an unchanged run makes (reads only, one GetCallerIdentity and one
GetWorkGroup for the three steps) and an error at every call can be checked; no emulator can fail
a chosen call. LocalStack runs the module in tests/integration/targets/athena_flow_logs.
"""

import json

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError
from botocore.validate import validate_parameters

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import desired_workgroup
from ansible_collections.flowlogs.aws.plugins.modules import athena_flow_logs

from test_query_modules_errors import MARKER
from test_query_modules_errors import FakeClient
from test_query_modules_errors import camel
from test_query_modules_errors import glue_handlers
from test_query_modules_errors import named_query
from test_query_modules_errors import named_query_handlers
from test_query_modules_errors import sts

SESSION = botocore.session.get_session()
WRITES = ("Create", "Update", "Delete", "Tag", "Untag")
ARGS = {"workgroup": "flow-wg", "output_location": "s3://results-bucket/athena/", "database": "flow_db",
        "table": "flow_logs", "bucket": "flow-bucket", "start_date": "2025-01-01", "purge": True,
        "flow_log_queries": {"include": ["top_talkers", "rejected_traffic"]}}
ABSENT = {"state": "absent", "workgroup": "flow-wg", "database": "flow_db", "table": "flow_logs",
          "force_delete": True, "delete_database": True}
# An unchanged run: the three steps' reads, with one GetCallerIdentity and one GetWorkGroup between them.
UNCHANGED_READS = [("athena", "GetWorkGroup"), ("sts", "GetCallerIdentity"), ("athena", "ListTagsForResource"),
                   ("glue", "GetDatabase"), ("glue", "GetTable"), ("glue", "GetTags"),
                   ("athena", "ListNamedQueries"), ("athena", "BatchGetNamedQuery")]


class Services:
    """Athena, Glue and STS from per-service handlers; one call log; fails the chosen call."""

    def __init__(self, handlers, fail_at=None, error=None):
        self.handlers = handlers
        self.fail_at = fail_at
        self.error = error
        self.calls = []

    def client(self, service):
        return FakeClient(_ServiceScript(self, service))

    def call(self, service, operation, kwargs):
        name = camel(operation)
        validate_parameters(kwargs, SESSION.get_service_model(service).operation_model(name).input_shape)
        index = len(self.calls)
        self.calls.append((service, name))
        if index == self.fail_at:
            if self.error == "client":
                raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "injected"}}, name)
            raise EndpointConnectionError(endpoint_url="https://injected.amazonaws.com")
        return self.handlers[service][operation](**kwargs)


class _ServiceScript:
    """What FakeClient needs: the service's handlers, and calls logged in the shared script."""

    def __init__(self, services, service):
        self.services, self.service = services, service
        self.handlers = services.handlers[service]

    def call(self, operation, kwargs):
        return self.services.call(self.service, operation, kwargs)


def workgroup_handlers(tags=None, configuration=None):
    """A workgroup that keeps what CreateWorkGroup and UpdateWorkGroup set (tags None: no workgroup)."""
    state = {"workgroup": None if tags is None else {
        "State": "ENABLED", "Description": "", "Configuration": dict(configuration or {})}, "tags": dict(tags or {})}

    def get_work_group(WorkGroup):
        if state["workgroup"] is None:
            raise ClientError({"Error": {"Code": "InvalidRequestException", "Message": "not found"}}, "GetWorkGroup")
        return {"WorkGroup": dict(state["workgroup"], Name=WorkGroup)}

    def create_work_group(Name, Configuration, Description, Tags):
        state["workgroup"] = {"State": "ENABLED", "Description": Description, "Configuration": Configuration}
        state["tags"] = dict((t["Key"], t["Value"]) for t in Tags)

    def update_work_group(WorkGroup, Description=None, State=None, ConfigurationUpdates=None):
        workgroup, updates = state["workgroup"], dict(ConfigurationUpdates or {})
        workgroup.update((k, v) for k, v in (("Description", Description), ("State", State)) if v is not None)
        result = updates.pop("ResultConfigurationUpdates", None)
        if updates.pop("RemoveBytesScannedCutoffPerQuery", False):
            workgroup["Configuration"].pop("BytesScannedCutoffPerQuery", None)
        workgroup["Configuration"].update(updates)
        if result:
            workgroup["Configuration"]["ResultConfiguration"] = result

    return {
        "get_work_group": get_work_group,
        "list_tags_for_resource": lambda ResourceARN: {"Tags": [{"Key": k, "Value": v} for k, v in state["tags"].items()]},
        "create_work_group": create_work_group,
        "update_work_group": update_work_group,
        "tag_resource": lambda ResourceARN, Tags: state["tags"].update((t["Key"], t["Value"]) for t in Tags),
        "untag_resource": lambda ResourceARN, TagKeys: [state["tags"].pop(k, None) for k in TagKeys],
        "delete_work_group": lambda WorkGroup, RecursiveDeleteOption: state.update(workgroup=None),
    }


# What ARGS wants of the workgroup: an existing one with these settings only needs its tags checked.
WANTED_CONFIGURATION = desired_workgroup("flow-wg", ARGS["output_location"])["Configuration"]


def aws(workgroup=None, table=None, queries=()):
    """Fresh handlers: workgroup None (missing) or its tags; table None (missing, with its database) or the table."""
    athena = named_query_handlers(queries)
    athena.update(workgroup_handlers(workgroup, WANTED_CONFIGURATION))
    glue = glue_handlers(database=table is not None, table=table, database_tags=MARKER)
    glue.pop("get_caller_identity")
    return {"athena": athena, "glue": glue, "sts": sts()}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)


def run_module(monkeypatch, capsys, args, handlers, fail_at=None, error=None, check_mode=False, diff=False):
    services = Services(handlers, fail_at, error)

    def client(self, service, retry_decorator=None):
        return RetryingBotoClientWrapper(services.client(service), retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    with patch_module_args(dict(args, region="us-east-1", _ansible_check_mode=check_mode, _ansible_diff=diff)):
        with pytest.raises(SystemExit):
            athena_flow_logs.main()
    return json.loads(capsys.readouterr().out), services.calls


def warned(result, text):
    return text in json.dumps(result.get("warnings", []))


def writes(calls):
    return [c for c in calls if c[1].startswith(WRITES)]


def done(result):
    changes = result.get("changes", {})
    queries = changes.get("named_queries", {})
    return (changes.get("workgroup", []) + changes.get("table", []) + queries.get("created", [])
            + queries.get("updated", []) + queries.get("deleted", []))


# ---------------------------------------------------------------------------------------
# present: the order, one run for the three, an unchanged run only reads
# ---------------------------------------------------------------------------------------
def test_present_creates_workgroup_then_table_then_queries_and_a_rerun_only_reads(monkeypatch, capsys):
    handlers = aws()
    created, calls = run_module(monkeypatch, capsys, ARGS, handlers, diff=True)
    assert not created.get("failed"), created
    assert created["changed"] is True
    assert [c[1] for c in writes(calls)] == ["CreateWorkGroup", "CreateDatabase", "CreateTable",
                                             "CreateNamedQuery", "CreateNamedQuery"]
    # One STS call and one client per service for the three steps; no GetWorkGroup for the queries.
    assert calls.count(("sts", "GetCallerIdentity")) == 1
    assert calls.count(("athena", "GetWorkGroup")) == 2, calls  # read, then read back after creating it
    assert created["changes"] == {
        "workgroup": ["create workgroup flow-wg"],
        "table": ["create database flow_db", "create table flow_db.flow_logs"],
        "named_queries": {"created": ["flow_logs_rejected_traffic", "flow_logs_top_talkers"], "updated": [],
                          "deleted": []}}
    assert created["foreign"] == {"workgroup": [], "table": [], "named_queries": []}
    assert created["workgroup"]["name"] == "flow-wg" and created["table"]["name"] == "flow_logs"
    assert created["ddl"].startswith("CREATE EXTERNAL TABLE IF NOT EXISTS flow_db.flow_logs")
    assert created["location_template"].startswith("s3://flow-bucket/AWSLogs/")
    assert [q["status"] for q in created["named_queries"]] == ["created", "created"]
    assert created["diff"]["before"] == {"workgroup": {}, "table": {}, "named_queries": {}}
    assert sorted(created["diff"]["after"]) == ["named_queries", "table", "workgroup"]

    again, calls = run_module(monkeypatch, capsys, ARGS, handlers)
    assert again["changed"] is False, again
    assert calls == UNCHANGED_READS
    assert done(again) == []
    assert [q["status"] for q in again["named_queries"]] == ["unchanged", "unchanged"]
    assert (again["table"], again["ddl"]) == (created["table"], created["ddl"])


def test_check_mode_on_nothing_reports_everything_and_writes_nothing(monkeypatch, capsys):
    result, calls = run_module(monkeypatch, capsys, ARGS, aws(), check_mode=True)
    assert result["changed"] is True and writes(calls) == []
    # The workgroup would be created: the queries part neither asks for it nor warns that it is missing.
    assert calls == [("athena", "GetWorkGroup"), ("glue", "GetDatabase"), ("sts", "GetCallerIdentity")]
    assert not warned(result, "does not exist"), result.get("warnings")
    assert result["changes"]["workgroup"] == ["create workgroup flow-wg"]
    assert [q["status"] for q in result["named_queries"]] == ["created", "created"]
    assert result["table"]["name"] == "flow_logs" and result["workgroup"]["name"] == "flow-wg"


def test_a_foreign_workgroup_is_left_alone_and_gets_no_queries(monkeypatch, capsys):
    # Its table is still the collection's to create (a table does not need the workgroup).
    result, calls = run_module(monkeypatch, capsys, ARGS, aws(workgroup={"team": "analytics"}))
    assert result["foreign"] == {"workgroup": ["flow-wg"], "table": [], "named_queries": []}
    assert [c[1] for c in writes(calls)] == ["CreateDatabase", "CreateTable"]
    assert not [c for c in calls if c[1].endswith("NamedQuery") or c[1] == "ListNamedQueries"], calls
    assert result["named_queries"] == [] and result["skipped_queries"] == []
    assert result["changes"]["workgroup"] == []
    assert warned(result, "Athena workgroup flow-wg was not created by flowlogs.aws"), result.get("warnings")


def test_adopt_takes_over_the_workgroup_and_saves_the_queries(monkeypatch, capsys):
    result, calls = run_module(monkeypatch, capsys, dict(ARGS, adopt=True), aws(workgroup={"team": "analytics"}))
    assert result["foreign"]["workgroup"] == []
    assert ("athena", "TagResource") in calls
    assert len(result["changes"]["named_queries"]["created"]) == 2


def test_foreign_queries_and_table_are_reported(monkeypatch, capsys):
    theirs = dict(named_query("q-1", "flow_logs_top_talkers", "SELECT 1", database="flow_db", marked=False))
    table = {"Name": "flow_logs", "Parameters": {}, "PartitionKeys": [],
             "StorageDescriptor": {"Columns": [{"Name": "x", "Type": "string"}]}}
    result, calls = run_module(monkeypatch, capsys, ARGS, aws(workgroup=MARKER, table=table, queries=[theirs]))
    assert result["foreign"] == {"workgroup": [], "table": ["table flow_db.flow_logs"],
                                 "named_queries": ["flow_logs_top_talkers"]}
    assert [c[1] for c in writes(calls)] == ["CreateNamedQuery"]
    assert [q["name"] for q in result["named_queries"]] == ["flow_logs_rejected_traffic"]


# ---------------------------------------------------------------------------------------
# absent: queries, workgroup (never primary), table and database
# ---------------------------------------------------------------------------------------
def _built(monkeypatch, capsys):
    handlers = aws()
    result, _calls = run_module(monkeypatch, capsys, ARGS, handlers)
    assert result["changed"], result
    return handlers


def test_absent_removes_queries_then_workgroup_then_table_and_database(monkeypatch, capsys):
    handlers = _built(monkeypatch, capsys)
    check, calls = run_module(monkeypatch, capsys, ABSENT, handlers, check_mode=True)
    assert check["changed"] is True and writes(calls) == []
    result, calls = run_module(monkeypatch, capsys, ABSENT, handlers)
    assert [c[1] for c in writes(calls)] == ["DeleteNamedQuery", "DeleteNamedQuery", "DeleteWorkGroup",
                                             "DeleteTable", "DeleteDatabase"]
    assert result["changes"]["table"] == ["delete table flow_db.flow_logs", "delete database flow_db"]
    assert result["database_deleted"] is True
    assert (result["workgroup"], result["table"], result["ddl"], result["named_queries"]) == ({}, {}, "", [])
    again, calls = run_module(monkeypatch, capsys, ABSENT, handlers)
    assert again["changed"] is False and writes(calls) == []


def test_absent_leaves_the_primary_workgroup_but_removes_its_queries(monkeypatch, capsys):
    handlers = aws(workgroup={}, table=None, queries=[dict(named_query("q-a", "a", "SELECT 1"), WorkGroup="primary")])
    args = dict(ABSENT, workgroup="primary", query_set="s1")
    result, calls = run_module(monkeypatch, capsys, args, handlers)
    assert not result.get("failed"), result
    assert [c[1] for c in writes(calls)] == ["DeleteNamedQuery"]
    # The workgroup step did not run: the only GetWorkGroup is the queries'.
    assert calls.count(("athena", "GetWorkGroup")) == 1 and ("athena", "ListTagsForResource") not in calls
    assert result["changes"]["workgroup"] == [] and result["foreign"]["workgroup"] == []


# ---------------------------------------------------------------------------------------
# parameters: every problem at once, each once, before any call
# ---------------------------------------------------------------------------------------
def test_every_problem_is_reported_once_before_any_call(monkeypatch, capsys):
    args = dict(ARGS, workgroup="bad wg!", database="Bad-DB", log_format="${version} ${srcadr}",
                kms_key="1234abcd", encryption="SSE_KMS", flow_log_queries={"lookback_days": 0},
                tags={"managed-by": "me"})
    result, calls = run_module(monkeypatch, capsys, args, aws())
    assert calls == []
    assert result["failed"] is True
    problems = result["problems"]
    assert len(problems) == len(set(problems)), problems
    assert result["msg"] == "Invalid athena_flow_logs parameters: " + "; ".join(problems)
    expected = ["tags.managed-by:", "workgroup name 'bad wg!'", "must be a KMS key ARN", "database 'Bad-DB'",
                "unknown field ${srcadr}", "flow_log_queries: lookback_days must be"]
    for part in expected:
        assert [p for p in problems if part in p], (part, problems)
    # The format and the database are the table's problems; the queries do not repeat them.
    assert not [p for p in problems if p.startswith(("flow_log_queries.log_format", "flow_log_queries: database"))]


def test_absent_checks_only_the_names(monkeypatch, capsys):
    result, calls = run_module(monkeypatch, capsys, dict(ABSENT, table="T"), aws())
    assert calls == [] and result["failed"] is True
    assert result["problems"] == ["table 'T' may contain only lowercase letters, digits and underscores, at most 255 "
                                  "characters, as Athena requires (use 't')"]


# ---------------------------------------------------------------------------------------
# an AWS error at any call: a clean failure naming the operation and the step's resource,
# with what was done before it
# ---------------------------------------------------------------------------------------
SCENARIOS = {
    "create": (ARGS, lambda monkeypatch, capsys: aws()),
    "update": (dict(ARGS, flow_log_queries={"include": ["top_talkers"], "lookback_days": 3}, tags={"team": "net"}),
               _built),
    "absent": (ABSENT, _built),
}
RESOURCES = {"athena": ("Athena workgroup flow-wg", "named queries of Athena workgroup flow-wg"),
             "glue": ("Glue table flow_db.flow_logs",), "sts": ("Athena workgroup flow-wg", "Glue table flow_db")}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("error", ["client", "connection"])
def test_an_error_at_every_call_fails_cleanly(monkeypatch, capsys, scenario, error):
    args, handlers = SCENARIOS[scenario]
    result, calls = run_module(monkeypatch, capsys, args, handlers(monkeypatch, capsys))
    assert not result.get("failed") and writes(calls), result
    for index, (service, operation) in enumerate(calls):
        result, made = run_module(monkeypatch, capsys, args, handlers(monkeypatch, capsys), fail_at=index,
                                  error=error)
        where = "{0}: {1} at call {2} ({3})".format(scenario, error, index, operation)
        assert made == calls[:index + 1], where
        assert result.get("failed") is True, where
        message = result["msg"]
        assert message.startswith("Failed to ") and "({0})".format(operation) in message, (where, message)
        assert "Traceback" not in message, where
        assert any(resource in message for resource in RESOURCES[service]), (where, message)
        assert ("injected" in message) if error == "client" else ("Could not connect" in message), (where, message)
        writes_before = writes(calls[:index])
        assert result["changed"] is bool(writes_before), (where, result)
        assert bool(done(result)) is bool(writes_before), (where, result)
