"""cloudwatchlogs_flow_log_insights: the two managers on one results dict (scripted client, no AWS).

What LocalStack shows is in tests/integration/test_flow_log_insights_module.py; here, what comes
from combining the managers: the reads of an unchanged run, ``changed`` and the diff of both
parts, and a missing log group stopping the run before any write. The scripted client is that of
test_query_modules_errors.py.
"""

from test_query_modules_errors import DEFINITIONS
from test_query_modules_errors import INSIGHTS_ARGS
from test_query_modules_errors import insights_handlers
from test_query_modules_errors import not_found
from test_query_modules_errors import run_module

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import reject_filter_pattern
from ansible_collections.flowlogs.aws.plugins.module_utils.log_insights import component_params
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import definition_reference
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import normalize
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import public_definition
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import stored_query
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import desired_alarm
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import desired_metric_filter
from ansible_collections.flowlogs.aws.plugins.modules import cloudwatchlogs_flow_log_insights as module

READS = ["describe_metric_filters", "describe_alarms", "describe_query_definitions"]
WRITES = ("put_", "delete_")


def _params(**changes):
    """The module's parameters with its defaults, as AnsibleModule hands them over."""
    params = dict(state="present", log_format=None, traffic_type="ALL", purge_queries=True, adopt=False,
                  alarm_enabled=True, metric_namespace="VPCFlowLogs", alarm_description=None, threshold=100.0,
                  period=300, evaluation_periods=1, alarm_actions=[])
    params.update(INSIGHTS_ARGS)
    params.update(changes)
    return params


def _as_built(**changes):
    """Handlers holding what the module builds for INSIGHTS_ARGS: the saved queries, the filter and the alarm."""
    parts = component_params(_params(**changes))
    definitions = [{"queryDefinitionId": "d-%d" % i, "name": d["name"], "queryString": stored_query(d["query_string"]),
                    "logGroupNames": ["/flow"]} for i, d in enumerate(parts["generated"]["query_definitions"])]
    return definitions, desired_metric_filter(parts["alarm"]), desired_alarm(parts["alarm"])


def test_an_unchanged_run_makes_the_three_reads_only(monkeypatch, capsys):
    definitions, metric_filter, alarm = _as_built()
    result, calls = run_module(monkeypatch, capsys, module, INSIGHTS_ARGS,
                               insights_handlers(definitions, metric_filter, alarm))
    assert not result.get("failed"), result
    assert calls == READS
    assert result["changed"] is False and result["changes"] == []
    assert (result["created"], result["updated"], result["deleted"], result["foreign"]) == ([], [], [], [])
    assert [d["query_definition_id"] for d in result["query_definitions"]] == ["d-0", "d-1"]
    assert result["metric_filter_pattern"] == reject_filter_pattern(None)
    assert result["log_group_exists"] is True


def test_check_mode_diff_and_changed_combine_both_parts(monkeypatch, capsys):
    # The alarm differs (threshold), the queries do not: the run is changed, and the diff has all three.
    definitions, metric_filter, alarm = _as_built()
    args = dict(INSIGHTS_ARGS, threshold=5, _ansible_check_mode=True, _ansible_diff=True)
    result, calls = run_module(monkeypatch, capsys, module, args, insights_handlers(definitions, metric_filter, alarm))
    assert calls == READS
    assert result["changed"] is True and result["changes"] == ["PutMetricAlarm"] and result["created"] == []
    assert sorted(result["diff"]["before"]) == sorted(result["diff"]["after"]) == [
        "alarm", "metric_filter", "query_definitions"]
    assert (result["diff"]["before"]["alarm"]["Threshold"], result["diff"]["after"]["alarm"]["Threshold"]) == (100.0, 5.0)
    assert result["diff"]["before"]["query_definitions"] == result["diff"]["after"]["query_definitions"] == sorted(
        (public_definition(normalize(d)) for d in definitions), key=lambda d: d["name"])
    # And the other way round: queries to save, the alarm as it is. The check-mode plan of the
    # queries does not reset what the alarm's part found, nor the reverse.
    args = dict(INSIGHTS_ARGS, _ansible_check_mode=True)
    result, calls = run_module(monkeypatch, capsys, module, args, insights_handlers(DEFINITIONS, metric_filter, alarm))
    assert calls == READS
    assert result["changed"] is True and result["changes"] == []
    assert len(result["created"]) == 2 and result["deleted"] == [definition_reference(normalize(d)) for d in DEFINITIONS]


def _without_group(handlers):
    def describe_metric_filters(**_kwargs):
        raise not_found("ResourceNotFoundException", "describe_metric_filters")
    handlers["describe_metric_filters"] = describe_metric_filters
    return handlers


def test_a_missing_log_group_is_reported_in_check_mode_and_fails_before_any_write(monkeypatch, capsys):
    result, calls = run_module(monkeypatch, capsys, module, dict(INSIGHTS_ARGS, _ansible_check_mode=True),
                               _without_group(insights_handlers(DEFINITIONS)))
    assert calls == READS
    assert result["msg"] == "Would create the metric filter flow-rejected in the log group /flow"
    assert result["changes"] == ["PutMetricFilter", "PutMetricAlarm"] and len(result["created"]) == 2

    result, calls = run_module(monkeypatch, capsys, module, INSIGHTS_ARGS, _without_group(insights_handlers(DEFINITIONS)))
    assert result["failed"] is True
    assert result["msg"].startswith("log_group_name: the log group /flow does not exist"), result["msg"]
    assert calls == ["describe_metric_filters"]
    assert result["changed"] is False and result["changes"] == [] and result["created"] == []


def test_alarm_off_and_absent_need_no_log_group(monkeypatch, capsys):
    for changes in ({"alarm_enabled": False}, {"state": "absent"}):
        result, calls = run_module(monkeypatch, capsys, module, dict(INSIGHTS_ARGS, **changes),
                                   _without_group(insights_handlers(DEFINITIONS)))
        assert not result.get("failed"), result
        assert result["log_group_exists"] is False and result["changes"] == []
        assert [c for c in calls if not c.startswith(WRITES)] == READS


def test_invalid_parameters_fail_before_any_call(monkeypatch, capsys):
    result, calls = run_module(monkeypatch, capsys, module, dict(INSIGHTS_ARGS, log_format="${srcaddr} ${bytes}",
                                                                 period=45), insights_handlers(DEFINITIONS))
    assert calls == []
    assert result["failed"] is True and result["msg"].startswith("Invalid flow-log Insights parameters: ")
    assert [p.split(":")[0] for p in result["problems"]] == ["log_format", "period"]
