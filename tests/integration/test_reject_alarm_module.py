"""flowlogs.aws.cloudwatch_reject_alarm against LocalStack.

Runs the module's integration target in phases: ``create`` (bad inputs refused before any call,
check mode on a log group that does not exist yet, the failure naming it outside check mode,
check mode with diff on an existing group, creation), ``rerun`` (normal and check mode), ``change``
(each setting rewrites only the metric filter or only the alarm) and ``absent``. The re-run phase
runs with every API call logged (benchmarks/sitecustomize.py), and the test checks it made only
read calls. Finally it checks from outside what the module built and that nothing is left.
"""

import os
import uuid

import pytest

from conftest import ROOT
from conftest import run_playbook

TARGET = os.path.join(ROOT, "tests", "integration", "targets", "cloudwatch_reject_alarm", "main.yml")
pytestmark = pytest.mark.localstack


def _run(extra_vars, env=None):
    proc = run_playbook(TARGET, extra_vars, env=env or {})
    print(proc.stdout)
    assert proc.returncode == 0, "phase {0} failed:\n{1}".format(extra_vars["phase"], proc.stdout[-6000:])
    assert "failed=0" in proc.stdout
    return proc


@pytest.fixture()
def names(aws):
    logs, sns = aws("logs"), aws("sns")
    suffix = uuid.uuid4().hex[:8]
    names = {"log_group": "/flowlogs-it/reject-alarm/" + suffix, "missing_group": "/flowlogs-it/none/" + suffix,
             "resource": "flowlogs-it-reject-" + suffix}
    logs.create_log_group(logGroupName=names["log_group"])
    names["topic_arn"] = sns.create_topic(Name=names["resource"])["TopicArn"]
    yield names
    aws("cloudwatch").delete_alarms(AlarmNames=[names["resource"]])
    logs.delete_log_group(logGroupName=names["log_group"])
    sns.delete_topic(TopicArn=names["topic_arn"])


def test_cloudwatch_reject_alarm(names, aws, tmp_path):
    logs, cloudwatch = aws("logs"), aws("cloudwatch")
    _run(dict(names, phase="create"))
    assert logs.describe_log_groups(logGroupNamePrefix=names["missing_group"])["logGroups"] == [], \
        "check mode must not create the log group"

    built = logs.describe_metric_filters(logGroupName=names["log_group"])["metricFilters"]
    assert [(f["filterName"], f["metricTransformations"]) for f in built] == [(names["resource"], [{
        "metricName": names["resource"], "metricNamespace": "VPCFlowLogs", "metricValue": "1", "defaultValue": 0.0,
        "unit": "Count"}])]
    alarm = cloudwatch.describe_alarms(AlarmNames=[names["resource"]])["MetricAlarms"][0]
    assert (alarm["Namespace"], alarm["Statistic"], alarm["ComparisonOperator"], alarm["Threshold"], alarm["Period"],
            alarm["EvaluationPeriods"], alarm["Unit"], alarm["TreatMissingData"], alarm["AlarmActions"]) == (
        "VPCFlowLogs", "Sum", "GreaterThanOrEqualToThreshold", 100.0, 300, 1, "Count", "notBreaching",
        [names["topic_arn"]])

    api_log = tmp_path / "api.log"
    _run(dict(names, phase="rerun"), env={
        "FLOWLOGS_BENCH_API_LOG": str(api_log),
        "PYTHONPATH": os.path.join(ROOT, "benchmarks") + os.pathsep + os.environ.get("PYTHONPATH", "")})
    calls = [line.split()[1:3] for line in api_log.read_text().splitlines() if line.strip()]
    # Two module runs (normal and check mode), each reading the metric filter and the alarm.
    assert sorted(op for _service, op in calls) == ["DescribeAlarms"] * 2 + ["DescribeMetricFilters"] * 2, calls

    _run(dict(names, phase="change"))
    alarm = cloudwatch.describe_alarms(AlarmNames=[names["resource"]])["MetricAlarms"][0]
    assert (alarm["Threshold"], alarm["Period"], alarm["AlarmActions"]) == (25.0, 60, [])
    assert [f["filterPattern"] for f in logs.describe_metric_filters(logGroupName=names["log_group"])["metricFilters"]] \
        == ['[version, account_id, action="REJECT", log_status]']

    _run(dict(names, phase="absent"))
    assert cloudwatch.describe_alarms(AlarmNames=[names["resource"]])["MetricAlarms"] == []
    assert logs.describe_metric_filters(logGroupName=names["log_group"])["metricFilters"] == []
