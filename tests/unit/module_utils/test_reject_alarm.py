"""The REJECT alarm rules and comparisons of module_utils/reject_alarm.py (no AWS)."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import alarm_view
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import desired_alarm
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import desired_metric_filter
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import period_ok
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import plan
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import validate
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import would_create_message

TOPIC = "arn:aws:sns:us-east-1:123456789012:oncall"


def params(**kwargs):
    base = dict(state="present", log_group_name="/flowlogs/prod", filter_name="flowlogs-prod-rejected",
                filter_pattern='[version, action="REJECT", log_status]', metric_name="flowlogs-prod-rejected",
                metric_namespace="VPCFlowLogs", alarm_name="flowlogs-prod-rejected",
                alarm_description="At least 100 rejected records", threshold=100.0, period=300, evaluation_periods=1,
                alarm_actions=[TOPIC])
    base.update(kwargs)
    return base


def described_filter(p):
    """A DescribeMetricFilters item as AWS returns it for what the module put."""
    item = desired_metric_filter(p)
    item["creationTime"] = 1764553200000
    return item


def described_alarm(p, **changes):
    """A DescribeAlarms MetricAlarms item as AWS returns it for what the module put."""
    item = desired_alarm(p)
    item.update({"AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:" + p["alarm_name"],
                 "ActionsEnabled": True, "StateValue": "OK", "Dimensions": [], "StateReason": "x"})
    item.update(changes)
    return item


def test_good_parameters_have_no_problem():
    assert validate(params()) == []


@pytest.mark.parametrize("period, ok", [(10, True), (20, True), (30, True), (60, True), (300, True), (45, False),
                                        (90, False), (0, False)])
def test_periods_putmetricalarm_accepts(period, ok):
    assert period_ok(period) is ok


@pytest.mark.parametrize("changes, expected", [
    ({"log_group_name": "bad name!"}, "log_group_name: "),
    ({"filter_name": "a:b"}, "filter_name: "),
    ({"filter_name": "a" * 513}, "filter_name: "),
    ({"filter_pattern": "a" * 1025}, "filter_pattern: "),
    ({"metric_name": "a$b"}, "metric_name: "),
    ({"metric_namespace": "x" * 256}, "metric_namespace: "),
    ({"alarm_name": "a" * 256}, "alarm_name: "),
    ({"alarm_description": "d" * 1025}, "alarm_description: at most 1024 characters (got 1025)"),
    ({"threshold": -1.0}, "threshold: "),
    ({"period": 45}, "period: must be 10, 20, 30 or a multiple of 60 seconds (got 45)"),
    ({"evaluation_periods": 0}, "evaluation_periods: "),
    ({"alarm_actions": [TOPIC] * 6}, "alarm_actions: at most 5 actions (got 6)"),
    ({"alarm_actions": ["oncall"]}, "alarm_actions: 'oncall' is not an ARN"),
])
def test_each_bad_parameter_is_named(changes, expected):
    problems = validate(params(**changes))
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_absent_needs_only_the_names():
    assert validate({"state": "absent", "log_group_name": "/flowlogs/prod", "filter_name": "f",
                     "alarm_name": "a"}) == []


def test_the_alarm_and_filter_are_those_of_the_role():
    p = params()
    assert desired_metric_filter(p)["metricTransformations"] == [{
        "metricName": "flowlogs-prod-rejected", "metricNamespace": "VPCFlowLogs", "metricValue": "1",
        "defaultValue": 0.0, "unit": "Count"}]
    alarm = desired_alarm(p)
    assert (alarm["Statistic"], alarm["ComparisonOperator"], alarm["Unit"], alarm["TreatMissingData"],
            alarm["OKActions"], alarm["InsufficientDataActions"], alarm["AlarmActions"]) == (
        "Sum", "GreaterThanOrEqualToThreshold", "Count", "notBreaching", [], [], [TOPIC])


def test_nothing_to_write_when_both_match():
    p = params()
    todo = plan(described_filter(p), described_alarm(p), p)
    assert (todo["put_filter"], todo["put_alarm"]) == (False, False)


def test_missing_resources_are_written():
    todo = plan(None, None, params())
    assert (todo["put_filter"], todo["put_alarm"]) == (True, True)


def test_a_missing_log_group_means_a_filter_to_create():
    p = params()
    assert plan(None, described_alarm(p), p, group_exists=False)["put_filter"] is True
    assert would_create_message(p) == \
        "Would create the metric filter flowlogs-prod-rejected in the log group /flowlogs/prod"


@pytest.mark.parametrize("changes", [{"filter_pattern": "[a, action=\"REJECT\"]"}, {"metric_name": "other"},
                                     {"metric_namespace": "Other"}])
def test_a_different_filter_is_rewritten(changes):
    current = described_filter(params())
    assert plan(current, described_alarm(params(**changes)), params(**changes))["put_filter"] is True


def test_filter_defaults_aws_fills_in_compare_equal():
    p = params()
    current = described_filter(p)
    current["metricTransformations"][0]["defaultValue"] = 0  # an int from JSON
    current["metricTransformations"][0]["dimensions"] = {}
    assert plan(current, described_alarm(p), p)["put_filter"] is False
    del current["metricTransformations"][0]["unit"]  # no unit is "None", not Count
    assert plan(current, described_alarm(p), p)["put_filter"] is True


@pytest.mark.parametrize("changes", [{"Threshold": 25.0}, {"Period": 60}, {"EvaluationPeriods": 2},
                                     {"AlarmActions": []}, {"OKActions": [TOPIC]}, {"TreatMissingData": "missing"},
                                     {"AlarmDescription": "old"}, {"DatapointsToAlarm": 1},
                                     {"Dimensions": [{"Name": "a", "Value": "b"}]}])
def test_a_different_alarm_is_rewritten(changes):
    p = params()
    assert plan(described_filter(p), described_alarm(p, **changes), p)["put_alarm"] is True


def test_state_and_actions_enabled_are_not_compared():
    p = params()
    current = described_alarm(p, StateValue="ALARM", ActionsEnabled=False, Threshold=100)
    assert plan(described_filter(p), current, p)["put_alarm"] is False


def test_an_alarm_without_treat_missing_data_is_missing():
    view = alarm_view({"AlarmName": "a"})
    assert view["TreatMissingData"] == "missing" and view["AlarmActions"] == [] and view["AlarmDescription"] == ""
