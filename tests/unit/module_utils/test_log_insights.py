"""module_utils/log_insights.py: the parameters cloudwatchlogs_flow_log_insights hands to the saved-query
and REJECT alarm managers, and every problem at once (no AWS)."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import folder_prefix
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import named_insights_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import reject_filter_pattern
from ansible_collections.flowlogs.aws.plugins.module_utils.log_insights import LogInsightsError
from ansible_collections.flowlogs.aws.plugins.module_utils.log_insights import component_params
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import desired_definitions
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import default_description
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import validate

FORMAT = "${version} ${srcaddr} ${dstaddr} ${dstport} ${bytes} ${action}"
TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall"


def params(**changes):
    """The module's parameters as AnsibleModule hands them over (defaults filled in)."""
    base = dict(state="present", log_group_name="/flowlogs/prod", log_format=FORMAT, traffic_type="ALL", queries=None,
                query_folder="flowlogs/prod", purge_queries=True, adopt=False, alarm_enabled=True,
                filter_name="flowlogs-prod-rejected", metric_name="flowlogs-prod-rejected",
                metric_namespace="VPCFlowLogs", alarm_name="flowlogs-prod-rejected", alarm_description=None,
                threshold=100.0, period=300, evaluation_periods=1, alarm_actions=[TOPIC])
    base.update(changes)
    return base


def test_present_saves_the_generated_queries_in_the_folder_and_puts_the_alarm():
    parts = component_params(params())
    generated = named_insights_queries(FORMAT, None, "flowlogs/prod", traffic_type="ALL")
    assert parts["generated"] == generated
    assert parts["queries"] == {"state": "present", "name_prefix": "flowlogs/prod/", "purge": True,
                                "log_group_names": ["/flowlogs/prod"],
                                "query_definitions": generated["query_definitions"], "adopt": False}
    # What the saved-query manager makes of them: every definition in the folder, on the log group.
    desired = desired_definitions(parts["queries"])
    assert [d["name"] for d in desired] == [q["name"] for q in generated["queries"]]
    assert all(d["name"].startswith("flowlogs/prod/") and d["log_group_names"] == ["/flowlogs/prod"] for d in desired)
    alarm = parts["alarm"]
    assert alarm["state"] == "present"
    assert alarm["filter_pattern"] == reject_filter_pattern(FORMAT) == (
        '[version, srcaddr, dstaddr, dstport, bytes, action="REJECT"]')
    assert (alarm["filter_name"], alarm["metric_name"], alarm["alarm_name"], alarm["threshold"], alarm["period"],
            alarm["evaluation_periods"], alarm["alarm_actions"]) == (
        "flowlogs-prod-rejected", "flowlogs-prod-rejected", "flowlogs-prod-rejected", 100.0, 300, 1, [TOPIC])
    assert validate(alarm) == []


def test_skipped_queries_and_the_parse_clause_come_with_the_plan():
    parts = component_params(params(queries=["top_talkers", "egress_by_account", "rejected_traffic"],
                                    traffic_type="ACCEPT"))
    assert [q["key"] for q in parts["generated"]["queries"]] == ["top_talkers"]
    assert [s["key"] for s in parts["generated"]["skipped"]] == ["egress_by_account", "rejected_traffic"]
    assert parts["generated"]["parse_clause"].startswith('parse @message "* * * * * *" as version, srcAddr')


@pytest.mark.parametrize("threshold, text", [
    (100.0, "At least 100 rejected VPC flow log records in 300s in /flowlogs/prod (flowlogs.aws)"),
    (2.5, "At least 2.5 rejected VPC flow log records in 300s in /flowlogs/prod (flowlogs.aws)"),
])
def test_the_alarm_description_is_the_roles_text(threshold, text):
    # The text the log_insights role gave the alarm before it used this module: an upgrade rewrites nothing.
    assert default_description(params(threshold=threshold)) == text
    assert component_params(params(threshold=threshold))["alarm"]["alarm_description"] == text


def test_a_given_alarm_description_is_kept():
    assert component_params(params(alarm_description="page the network team"))["alarm"]["alarm_description"] \
        == "page the network team"
    assert component_params(params(alarm_description=""))["alarm"]["alarm_description"] == ""


def test_alarm_off_deletes_it_and_needs_no_action_field():
    parts = component_params(params(alarm_enabled=False, log_format="${srcaddr} ${dstaddr} ${bytes}", period=45))
    assert parts["alarm"]["state"] == "absent" and parts["alarm"]["filter_pattern"] is None
    assert parts["queries"]["state"] == "present" and parts["queries"]["query_definitions"]


def test_absent_removes_the_folder_and_the_alarm_without_reading_the_format():
    parts = component_params(params(state="absent", log_format="${nonsense}", query_folder="/flowlogs/prod/"))
    assert parts["queries"] == {"state": "absent", "name_prefix": "flowlogs/prod/", "purge": False,
                                "log_group_names": ["/flowlogs/prod"], "query_definitions": None, "adopt": False}
    assert parts["alarm"]["state"] == "absent"
    assert parts["generated"] == {"parse_clause": "", "skipped": [], "query_definitions": []}


def test_adopt_reaches_the_saved_queries():
    assert component_params(params(adopt=True))["queries"]["adopt"] is True
    assert component_params(params(state="absent", adopt=True))["queries"]["adopt"] is True


def test_every_problem_is_reported_at_once_naming_its_option():
    with pytest.raises(LogInsightsError) as caught:
        component_params(params(log_format="${version} ${srcadr} ${action}", query_folder="/", period=45,
                                alarm_name="", log_group_name="bad name!"))
    problems = caught.value.problems
    assert isinstance(caught.value, ProblemsError)
    assert [p.split(":")[0] for p in problems] == ["query_folder", "log_format", "log_group_name", "alarm_name",
                                                   "period"], problems
    assert "did you mean ${srcaddr}?" in problems[1]
    # The format that gave no filter pattern is reported once, as the format's problem.
    assert not [p for p in problems if p.startswith("filter_pattern")]


def test_a_format_without_action_cannot_have_the_alarm():
    with pytest.raises(LogInsightsError) as caught:
        component_params(params(log_format="${srcaddr} ${dstaddr} ${bytes}"))
    assert caught.value.problems == [
        "log_format: the format has no ${action}, which the pattern needs (for the REJECT alarm's metric filter; "
        "alarm_enabled=false turns the alarm off)"]


def test_a_folder_too_long_for_query_names():
    with pytest.raises(LogInsightsError) as caught:
        component_params(params(query_folder="f" * 240))
    assert len(caught.value.problems) == 1 and caught.value.problems[0].startswith("query_folder: query definition name")
    with pytest.raises(LogInsightsError) as caught:
        component_params(params(state="absent", query_folder="f" * 300))
    assert caught.value.problems[0].startswith("query_folder: must be a console folder name of 1 to 254 characters")


@pytest.mark.parametrize("folder, prefix", [("a/b", "a/b/"), ("/a/b/", "a/b/"), ("//", ""), ("", ""), (None, "")])
def test_folder_prefix(folder, prefix):
    assert folder_prefix(folder) == prefix
