# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_athena.py: workgroup desired state and named-query plans."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_output_location
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import configuration_updates
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import desired_workgroup
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import has_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import managed_description
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import plan_named_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import query_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_summary

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


# ---------------------------------------------------------------------------
# Workgroups
# ---------------------------------------------------------------------------
def test_desired_workgroup_defaults():
    wg = desired_workgroup("flow-logs", "s3://results-bucket/athena")
    assert wg == {
        "Name": "flow-logs", "Description": "", "State": "ENABLED",
        "Configuration": {
            "ResultConfiguration": {"OutputLocation": "s3://results-bucket/athena/",
                                    "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
            "EnforceWorkGroupConfiguration": True,
            "PublishCloudWatchMetricsEnabled": True,
        },
    }


def test_desired_workgroup_kms_and_cutoff():
    wg = desired_workgroup("wg", "s3://results-bucket/", "SSE_KMS", KEY, False, False, 10 ** 10, "d", False)
    assert wg["Configuration"]["ResultConfiguration"]["EncryptionConfiguration"] == {
        "EncryptionOption": "SSE_KMS", "KmsKey": KEY}
    assert wg["Configuration"]["BytesScannedCutoffPerQuery"] == 10 ** 10
    assert wg["State"] == "DISABLED" and wg["Description"] == "d"
    assert wg["Configuration"]["EnforceWorkGroupConfiguration"] is False


@pytest.mark.parametrize("args, expected", [
    (("bad name!", "s3://results-bucket/"), "workgroup name 'bad name!'"),
    (("wg", "results-bucket/x"), "output_location must be an S3 URL"),
    (("wg", "s3://results-bucket//x"), "empty path segment"),
    (("wg", "s3://results-bucket/", "SSE_KMS"), "encryption SSE_KMS needs kms_key"),
    (("wg", "s3://results-bucket/", "SSE_S3", KEY), "kms_key is only for SSE_KMS or CSE_KMS"),
    (("wg", "s3://results-bucket/", "SSE_KMS", "1234abcd"), "kms_key must be a KMS key ARN"),
    (("wg", "s3://results-bucket/", "AES"), "encryption must be one of SSE_S3, SSE_KMS, CSE_KMS"),
    (("wg", "s3://results-bucket/", "SSE_S3", None, True, True, 1000), "bytes_scanned_cutoff must be"),
])
def test_workgroup_validation(args, expected):
    with pytest.raises(AthenaParameterError) as caught:
        desired_workgroup(*args)
    assert expected in str(caught.value)


def test_workgroup_validation_collects_problems():
    with pytest.raises(AthenaParameterError) as caught:
        desired_workgroup("", "nowhere", "SSE_KMS")
    assert len(caught.value.problems) == 3


def test_output_location():
    assert check_output_location("s3://results-bucket") == "s3://results-bucket/"
    with pytest.raises(AthenaParameterError):
        check_output_location(None)


def get_work_group(wg, **changes):
    """What GetWorkGroup returns for a workgroup created from ``wg`` (with AWS's extra fields)."""
    configuration = dict(wg["Configuration"], RequesterPaysEnabled=False,
                         EngineVersion={"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "v3"})
    configuration.update(changes)
    return {"Name": wg["Name"], "State": wg["State"], "Description": wg["Description"],
            "Configuration": configuration, "CreationTime": "2026-01-01"}


def test_same_workgroup_has_no_differences():
    wg = desired_workgroup("wg", "s3://results-bucket/x/", "SSE_KMS", KEY, bytes_scanned_cutoff=10 ** 9)
    assert workgroup_differences(get_work_group(wg), wg) == []


def test_workgroup_differences_and_updates():
    old = desired_workgroup("wg", "s3://results-bucket/old/", bytes_scanned_cutoff=10 ** 9, publish_metrics=False)
    new = desired_workgroup("wg", "s3://results-bucket/new/", "SSE_KMS", KEY, description="flows")
    current = get_work_group(old)
    diffs = workgroup_differences(current, new)
    assert diffs == [
        "description: '' -> 'flows'",
        "output_location: 's3://results-bucket/old/' -> 's3://results-bucket/new/'",
        "encryption: {'EncryptionOption': 'SSE_S3'} -> {'EncryptionOption': 'SSE_KMS', 'KmsKey': '%s'}" % KEY,
        "publish_cloudwatch_metrics: False -> True",
        "bytes_scanned_cutoff: 1000000000 -> None",
    ]
    updates = configuration_updates(current, new)
    assert updates == {
        "Description": "flows", "State": "ENABLED",
        "ConfigurationUpdates": {
            "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": True,
            "ResultConfigurationUpdates": {"OutputLocation": "s3://results-bucket/new/",
                                           "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": KEY}},
            "RemoveBytesScannedCutoffPerQuery": True,
        },
    }
    assert configuration_updates(get_work_group(new), old)["ConfigurationUpdates"]["BytesScannedCutoffPerQuery"] == 10 ** 9


def test_workgroup_summary():
    wg = desired_workgroup("wg", "s3://results-bucket/x/")
    summary = workgroup_summary(get_work_group(wg), {"a": "b"})
    assert summary["output_location"] == "s3://results-bucket/x/" and summary["encryption"] == "SSE_S3"
    assert summary["engine_version"] == "v3" and summary["tags"] == {"a": "b"}
    assert workgroup_summary(None) == {}
    assert "engine_version" not in workgroup_summary(wg)


# ---------------------------------------------------------------------------
# Named queries
# ---------------------------------------------------------------------------
def test_managed_description():
    assert managed_description("Top talkers.", "t1") == "Top talkers. [flowlogs.aws query set: t1]"
    assert managed_description(None, "t1") == "[flowlogs.aws query set: t1]"
    long = managed_description("x" * 2000, "t1")
    assert len(long) == 1024 and long.endswith("... [flowlogs.aws query set: t1]")
    assert has_marker(long, "t1") and not has_marker(long, "t2") and not has_marker(None, "t1")


def test_check_queries():
    queries = check_queries([{"name": "a", "query_string": "SELECT 1"},
                             {"name": "b", "query_string": "SELECT 2", "database": "other", "description": "B"}],
                            "flow_db", "s1")
    assert queries == [
        {"name": "a", "query_string": "SELECT 1", "database": "flow_db", "description": "[flowlogs.aws query set: s1]"},
        {"name": "b", "query_string": "SELECT 2", "database": "other", "description": "B [flowlogs.aws query set: s1]"},
    ]


def test_check_queries_problems():
    with pytest.raises(AthenaParameterError) as caught:
        check_queries([{"name": "a", "query_string": "SELECT 1"}, {"name": "a", "query_string": " "},
                       {"name": "", "query_string": "x"}, "nope", {"name": "c", "query_string": "x"}],
                      None, "bad set!")
    text = str(caught.value)
    for expected in ("query_set must be", "queries[a]: the name is given twice", "queries[a].query_string",
                     "queries[2].name", "queries[3] must be a dict", "queries[c].database (or database)"):
        assert expected in text, expected


def existing(name, query, database="flow_db", description="", query_set="s1", query_id=None, marked=True):
    return {"Name": name, "QueryString": query, "Database": database, "WorkGroup": "wg",
            "Description": managed_description(description, query_set) if marked else description,
            "NamedQueryId": query_id or "id-" + name}


def wanted(*specs):
    return check_queries([dict(name=n, query_string=q, **extra) for n, q, extra in specs], "flow_db", "s1")


def test_plan_creates_updates_replaces_and_leaves_alone():
    current = [existing("same", "SELECT 1"), existing("changed", "SELECT 1"),
               existing("moved", "SELECT 1", database="old_db"), existing("desc", "SELECT 1", description="old")]
    desired = wanted(("same", "SELECT 1", {}), ("changed", "SELECT 2", {}), ("moved", "SELECT 1", {}),
                     ("desc", "SELECT 1", {"description": "new"}), ("new", "SELECT 3", {}))
    plan = plan_named_queries(current, desired, "s1")
    assert [w["name"] for _have, w in plan["unchanged"]] == ["same"]
    assert [w["name"] for _have, w in plan["update"]] == ["changed", "desc"]
    assert [(h["Database"], w["database"]) for h, w in plan["replace"]] == [("old_db", "flow_db")]
    assert [w["name"] for w in plan["create"]] == ["new"]
    assert plan["delete"] == []


def test_plan_purges_only_its_own_set_and_removes_duplicates():
    current = [existing("keep", "SELECT 1"), existing("keep", "SELECT 1", query_id="dup"),
               existing("gone", "SELECT 1"), existing("other-set", "SELECT 1", query_set="s2"),
               existing("by-hand", "SELECT 1", marked=False)]
    desired = wanted(("keep", "SELECT 1", {}))
    plan = plan_named_queries(current, desired, "s1")
    assert [q["NamedQueryId"] for q in plan["delete"]] == ["dup"]
    purged = plan_named_queries(current, desired, "s1", purge=True)
    assert [q["NamedQueryId"] for q in purged["delete"]] == ["dup", "id-gone"]
    assert [w["name"] for _have, w in purged["unchanged"]] == ["keep"]


def test_plan_leaves_a_query_made_by_hand_alone_and_does_not_duplicate_it():
    current = [existing("top", "SELECT 1", description="mine", marked=False)]
    plan = plan_named_queries(current, wanted(("top", "SELECT 1", {}), ("new", "SELECT 2", {})), "s1", purge=True)
    assert [q["NamedQueryId"] for q in plan["foreign"]] == ["id-top"]
    assert [w["name"] for w in plan["create"]] == ["new"]
    assert plan["update"] == plan["replace"] == plan["delete"] == []


def test_plan_adopts_a_query_made_by_hand_when_asked():
    current = [existing("top", "SELECT 1", description="mine", marked=False)]
    plan = plan_named_queries(current, wanted(("top", "SELECT 1", {})), "s1", adopt=True)
    assert plan["create"] == [] and plan["foreign"] == []
    assert [h["NamedQueryId"] for h, _want in plan["update"]] == ["id-top"]
    # Once adopted it carries the marker and is unchanged from then on, adopt or not.
    adopted = existing("top", "SELECT 1")
    assert plan_named_queries([adopted], wanted(("top", "SELECT 1", {})), "s1")["unchanged"]


def test_plan_absent_deletes_the_whole_set_only():
    current = [existing("a", "x"), existing("b", "x"), existing("c", "x", query_set="s2"),
               existing("d", "x", marked=False)]
    plan = plan_named_queries(current, [], "s1", absent=True)
    assert [q["Name"] for q in plan["delete"]] == ["a", "b"]
    assert plan["create"] == plan["update"] == plan["replace"] == plan["unchanged"] == []


def test_query_summary():
    assert query_summary(existing("a", "x"), "unchanged") == {
        "name": "a", "named_query_id": "id-a", "database": "flow_db", "query_string": "x", "workgroup": "wg",
        "description": "[flowlogs.aws query set: s1]", "status": "unchanged"}
    assert query_summary(wanted(("a", "x", {}))[0]) == {
        "name": "a", "database": "flow_db", "query_string": "x", "description": "[flowlogs.aws query set: s1]"}
