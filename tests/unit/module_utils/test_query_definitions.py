# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/query_definitions.py.

Validation and planning are pure. The API helpers run on a real boto3 CloudWatch Logs
client with botocore's Stubber, wrapped the way AnsibleAWSModule.client() wraps it, to
cover what LocalStack cannot produce: throttling retries, pagination, and a definition
deleted by someone else between listing and deleting.
"""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.flowlogs.aws.plugins.module_utils import query_definitions as qd
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AnsibleAWSError

GROUP = "/aws/vpc-flow-logs/prod"


def params(**kwargs):
    base = {"state": "present", "query_definitions": [], "log_group_names": None, "name_prefix": None,
            "purge": False}
    base.update(kwargs)
    return base


def existing(qid, name, query="fields @message", groups=None, marked=True):
    """A listed definition; ``marked`` ones were saved by the collection (the ownership line)."""
    item = {"queryDefinitionId": qid, "name": name, "queryString": qd.stored_query(query) if marked else query,
            "lastModified": 1, "queryLanguage": "CWLI"}
    if groups:
        item["logGroupNames"] = list(groups)
    return item


def want(name, query="fields @message", groups=(GROUP,)):
    return {"name": name, "query_string": query, "log_group_names": sorted(groups)}


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------
def test_desired_definitions_defaults_and_sorting():
    desired = qd.desired_definitions(params(
        log_group_names=["/b", "/a"],
        query_definitions=[{"name": "f/one", "query_string": "q1", "log_group_names": None},
                           {"name": "f/two", "query_string": "q2", "log_group_names": ["/z", "/y"]},
                           {"name": "f/three", "query_string": "q3", "log_group_names": []}]))
    assert desired == [{"name": "f/one", "query_string": "q1", "log_group_names": ["/a", "/b"]},
                       {"name": "f/two", "query_string": "q2", "log_group_names": ["/y", "/z"]},
                       {"name": "f/three", "query_string": "q3", "log_group_names": []}]


def test_every_problem_is_reported_at_once():
    with pytest.raises(qd.QueryDefinitionError) as error:
        qd.desired_definitions(params(
            name_prefix="f/",
            log_group_names=["bad name!"],
            query_definitions=[
                {"name": "f/a", "query_string": "q"},
                {"name": "f/a", "query_string": "q"},
                {"name": "g/b", "query_string": "q"},
                {"name": "f/c", "query_string": "  "},
                {"name": "f/d", "query_string": "x" * 10001},
                {"name": "", "query_string": "q"},
                {"name": "f/e", "query_string": "q", "log_group_names": ["/ok", "/ok"]},
            ]))
    problems = error.value.problems
    assert "log_group_names: 'bad name!' is not a valid log group name (1 to 512 of A-Z a-z 0-9 . - _ / #)" in problems
    assert any("query_definitions[f/a]: the name is listed twice" in p for p in problems)
    assert any("query_definitions[g/b]: the name does not start with name_prefix 'f/'" in p for p in problems)
    assert any("query_definitions[f/c]: query_string is required" in p for p in problems)
    assert any("query_definitions[f/d]: query_string has 10001 characters; AWS allows 10000" in p for p in problems)
    assert any("query_definitions[5]: name must be 1 to 255 characters" in p for p in problems)
    assert any("query_definitions[f/e].log_group_names: log group /ok is listed twice" in p for p in problems)
    assert len(problems) == 7


def test_scope_rules():
    with pytest.raises(qd.QueryDefinitionError, match="purge needs name_prefix"):
        qd.desired_definitions(params(purge=True))
    with pytest.raises(qd.QueryDefinitionError, match="state absent needs query_definitions or name_prefix"):
        qd.desired_definitions(params(state="absent", query_definitions=None))
    with pytest.raises(qd.QueryDefinitionError, match="name_prefix must be 1 to 255"):
        qd.desired_definitions(params(name_prefix=""))
    # absent needs names only
    assert qd.desired_definitions(params(state="absent", query_definitions=[{"name": "a"}])) == [
        {"name": "a", "query_string": None, "log_group_names": []}]


def test_listing_prefix():
    assert qd.listing_prefix("f/", ["f/a"]) == "f/"
    assert qd.listing_prefix(None, ["flowlogs/prod/A", "flowlogs/prod/B"]) == "flowlogs/prod/"
    assert qd.listing_prefix(None, ["a", "b"]) is None
    assert qd.listing_prefix(None, []) is None


# ---------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------
def test_plan_create_update_unchanged():
    current = [existing("1", "f/same", "q", [GROUP]), existing("2", "f/changed", "old", [GROUP]),
               existing("3", "f/groups", "q", ["/other"])]
    actions = qd.plan(current, [want("f/same", "q"), want("f/changed", "new"), want("f/groups", "q"),
                                want("f/new", "q")])
    assert [c["query_definition_id"] for c in actions["unchanged"]] == ["1"]
    assert [(c["query_definition_id"], w["query_string"]) for c, w in actions["update"]] == [("2", "new"), ("3", "q")]
    assert [w["name"] for w in actions["create"]] == ["f/new"]
    assert actions["delete"] == []
    assert [(r["name"], r["query_definition_id"]) for r in actions["result"]] == [
        ("f/same", "1"), ("f/changed", "2"), ("f/groups", "3"), ("f/new", None)]


def test_plan_log_group_order_and_absence_do_not_matter():
    current = [existing("1", "f/a", "q", ["/b", "/a"]), existing("2", "f/none", "q")]
    actions = qd.plan(current, [want("f/a", "q", ["/a", "/b"]), want("f/none", "q", [])])
    assert len(actions["unchanged"]) == 2 and not actions["update"]


def test_plan_duplicates_keep_an_identical_one():
    current = [existing("1", "f/a", "old", [GROUP]), existing("2", "f/a", "q", [GROUP]), existing("3", "f/a", "x")]
    actions = qd.plan(current, [want("f/a", "q")])
    assert [c["query_definition_id"] for c in actions["unchanged"]] == ["2"]
    assert sorted(c["query_definition_id"] for c in actions["delete"]) == ["1", "3"]
    assert actions["result"][0]["query_definition_id"] == "2"


def test_plan_duplicates_without_identical_update_the_first():
    current = [existing("1", "f/a", "old"), existing("2", "f/a", "older")]
    actions = qd.plan(current, [want("f/a", "q")])
    assert actions["update"][0][0]["query_definition_id"] == "1"
    assert [c["query_definition_id"] for c in actions["delete"]] == ["2"]


def test_plan_purge_only_under_the_prefix():
    current = [existing("1", "f/keep", "q", [GROUP]), existing("2", "f/stale"), existing("3", "g/other"),
               existing("4", "f-not-in-folder")]
    actions = qd.plan(current, [want("f/keep", "q")], purge=True, name_prefix="f/")
    assert [c["query_definition_id"] for c in actions["delete"]] == ["2"]
    assert qd.plan(current, [want("f/keep", "q")], purge=False, name_prefix="f/")["delete"] == []


def test_plan_absent():
    current = [existing("1", "f/a"), existing("2", "f/a"), existing("3", "f/b"), existing("4", "g/c")]
    assert [c["query_definition_id"] for c in qd.plan_absent(current, ["f/a"])[0]] == ["1", "2"]
    assert [c["query_definition_id"] for c in qd.plan_absent(current, None, "f/")[0]] == ["1", "2", "3"]
    assert qd.plan_absent(current, [], "f/") == ([], [])
    assert qd.plan_absent(current, None, None) == ([], [])


def test_plan_absent_leaves_foreign_definitions_unless_adopting():
    current = [existing("1", "f/a"), existing("2", "f/a", marked=False), existing("3", "f/b", marked=False)]
    delete, foreign = qd.plan_absent(current, None, "f/")
    assert [c["query_definition_id"] for c in delete] == ["1"]
    assert [c["query_definition_id"] for c in foreign] == ["2", "3"]
    delete, foreign = qd.plan_absent(current, None, "f/", adopt=True)
    assert [c["query_definition_id"] for c in delete] == ["1", "2", "3"] and foreign == []


def test_plan_leaves_a_foreign_definition_alone_and_does_not_duplicate_it():
    current = [existing("1", "f/a", "mine", [GROUP], marked=False), existing("2", "f/stale", marked=False)]
    actions = qd.plan(current, [want("f/a", "q"), want("f/new", "q")], purge=True, name_prefix="f/")
    assert [c["query_definition_id"] for c in actions["foreign"]] == ["1"]
    assert [w["name"] for w in actions["create"]] == ["f/new"]
    assert actions["update"] == [] and actions["delete"] == [] and actions["unchanged"] == []
    assert [r["name"] for r in actions["result"]] == ["f/new"]


def test_plan_adopt_takes_a_foreign_definition_over():
    current = [existing("1", "f/a", "mine", [GROUP], marked=False)]
    actions = qd.plan(current, [want("f/a", "q")], adopt=True)
    assert actions["foreign"] == [] and [c["query_definition_id"] for c, _w in actions["update"]] == ["1"]


def test_plan_takes_over_an_unmarked_definition_identical_to_the_wanted_one():
    # Saved by a release before the marker: same query and log groups. The update only adds the marker.
    current = [existing("1", "f/a", "q", [GROUP], marked=False)]
    actions = qd.plan(current, [want("f/a", "q")])
    assert actions["foreign"] == [] and [c["query_definition_id"] for c, _w in actions["update"]] == ["1"]
    assert qd.plan([existing("1", "f/a", "q", [GROUP])], [want("f/a", "q")])["unchanged"]


def test_the_marker_is_a_last_comment_line_and_is_split_off():
    assert qd.stored_query("fields @message\n| limit 5\n") == "fields @message\n| limit 5\n# managed-by=flowlogs.aws"
    assert qd.split_marker(qd.stored_query("q")) == ("q", True)
    assert qd.split_marker("q # managed-by=flowlogs.aws") == ("q # managed-by=flowlogs.aws", False)
    long_query = "x" * (qd.QUERY_STRING_MAX - 10)
    with pytest.raises(qd.QueryDefinitionError, match="ownership"):
        qd.desired_definitions(params(query_definitions=[{"name": "a", "query_string": long_query}]))


def test_format_query_definition():
    assert qd.format_query_definition(existing("1", "f/a")) == {
        "query_definition_id": "1", "name": "f/a", "query_string": "fields @message", "last_modified": 1,
        "query_language": "CWLI", "log_group_names": [], "managed": True}


# ---------------------------------------------------------------------------------------
# API calls (Stubber)
# ---------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def aws_sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(aws_cloud.time, "sleep", slept.append)
    return slept


class FakeModule:
    def __init__(self, client):
        self._client = client

    def client(self, service, retry_decorator=None):
        assert service == "logs"
        return RetryingBotoClientWrapper(self._client, retry_decorator)


@pytest.fixture
def stubbed():
    client = boto3.client("logs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield qd.logs_client(FakeModule(client)), stubber
        stubber.assert_no_pending_responses()


def test_describe_pages_and_retries_throttling(stubbed, aws_sleeps):
    client, stubber = stubbed
    stubber.add_response("describe_query_definitions", {"queryDefinitions": [existing("1", "f/a")], "nextToken": "t"},
                         {"maxResults": 1000, "queryDefinitionNamePrefix": "f/"})
    stubber.add_client_error("describe_query_definitions", "ThrottlingException", "Rate exceeded",
                             expected_params={"maxResults": 1000, "queryDefinitionNamePrefix": "f/", "nextToken": "t"})
    stubber.add_response("describe_query_definitions", {"queryDefinitions": [existing("2", "f/b")]},
                         {"maxResults": 1000, "queryDefinitionNamePrefix": "f/", "nextToken": "t"})
    found = qd.describe_query_definitions(client, "f/")
    assert [f["queryDefinitionId"] for f in found] == ["1", "2"]
    assert len(aws_sleeps) == 1


def test_describe_without_prefix(stubbed):
    client, stubber = stubbed
    stubber.add_response("describe_query_definitions", {"queryDefinitions": []}, {"maxResults": 1000})
    assert qd.describe_query_definitions(client) == []


def test_put_sends_the_whole_definition(stubbed, aws_sleeps):
    client, stubber = stubbed
    stubber.add_client_error("put_query_definition", "ThrottlingException", "Rate exceeded")
    stubber.add_response("put_query_definition", {"queryDefinitionId": "new-id"},
                         {"name": "f/a", "queryString": "q\n# managed-by=flowlogs.aws", "logGroupNames": [GROUP]})
    assert qd.put_query_definition(client, want("f/a", "q")) == "new-id"
    # An update without log groups sends none: AWS then clears them ("no current values are retained").
    stubber.add_response("put_query_definition", {"queryDefinitionId": "id-1"},
                         {"name": "f/a", "queryString": "q\n# managed-by=flowlogs.aws", "queryDefinitionId": "id-1"})
    assert qd.put_query_definition(client, want("f/a", "q", []), "id-1") == "id-1"
    assert len(aws_sleeps) == 1


def test_delete_of_a_definition_already_gone_is_not_an_error(stubbed):
    client, stubber = stubbed
    stubber.add_response("delete_query_definition", {"success": True}, {"queryDefinitionId": "1"})
    stubber.add_client_error("delete_query_definition", "ResourceNotFoundException", "gone",
                             expected_params={"queryDefinitionId": "2"})
    assert qd.delete_query_definition(client, "1") is True
    assert qd.delete_query_definition(client, "2") is False


def test_other_delete_errors_are_raised(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("delete_query_definition", "AccessDeniedException", "no",
                             expected_params={"queryDefinitionId": "1"})
    with pytest.raises(AnsibleAWSError, match="DeleteQueryDefinition"):
        qd.delete_query_definition(client, "1")
