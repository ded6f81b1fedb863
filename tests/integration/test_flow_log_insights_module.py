"""flowlogs.aws.cloudwatchlogs_flow_log_insights against LocalStack.

Runs the module's integration target in phases, with a query definition the collection did not
save (no ownership line) in the folder, made here with boto3: ``create`` (bad inputs refused before
any call; check mode on a log group that does not exist yet; the failure naming it outside check
mode, before any write; check mode with diff; creation, leaving the foreign definition alone),
``rerun`` (normal and check mode, with every API call logged: only the three reads),
``alarm_off`` (the metric filter and alarm deleted, the queries kept) and ``absent`` (check mode,
removal, the foreign definition kept, then taken with adopt). Between phases it checks from
outside what the module built, and at the end that nothing is left.
"""

import os
import uuid

import pytest

from conftest import ROOT
from conftest import run_playbook

TARGET = os.path.join(ROOT, "tests", "integration", "targets", "cloudwatchlogs_flow_log_insights", "main.yml")
pytestmark = pytest.mark.localstack

MARKER_LINE = "# managed-by=flowlogs.aws"


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
    folder = "flowlogs-it-insights-" + suffix
    names = {"log_group": "/flowlogs-it/flow-log-insights/" + suffix, "missing_group": "/flowlogs-it/none/" + suffix,
             "folder": folder, "resource": "flowlogs-it-insights-" + suffix,
             "foreign_name": folder + "/Top talkers by bytes"}
    logs.create_log_group(logGroupName=names["log_group"])
    names["topic_arn"] = sns.create_topic(Name=names["resource"])["TopicArn"]
    yield names
    for item in logs.describe_query_definitions(queryDefinitionNamePrefix=folder + "/")["queryDefinitions"]:
        logs.delete_query_definition(queryDefinitionId=item["queryDefinitionId"])
    aws("cloudwatch").delete_alarms(AlarmNames=[names["resource"]])
    logs.delete_log_group(logGroupName=names["log_group"])
    sns.delete_topic(TopicArn=names["topic_arn"])


def _saved(logs, folder):
    found = logs.describe_query_definitions(queryDefinitionNamePrefix=folder + "/")["queryDefinitions"]
    return dict((item["name"], item) for item in found)


def test_cloudwatchlogs_flow_log_insights(names, aws, tmp_path):
    logs, cloudwatch = aws("logs"), aws("cloudwatch")
    foreign_query = "fields @timestamp, @message\n| limit 5"
    foreign_id = logs.put_query_definition(name=names["foreign_name"], queryString=foreign_query,
                                           logGroupNames=[names["log_group"]])["queryDefinitionId"]

    _run(dict(names, phase="create"))
    assert logs.describe_log_groups(logGroupNamePrefix=names["missing_group"])["logGroups"] == [], \
        "neither check mode nor the failed run may create the log group"
    saved = _saved(logs, names["folder"])
    assert len(saved) == 7
    assert saved[names["foreign_name"]]["queryDefinitionId"] == foreign_id
    assert saved[names["foreign_name"]]["queryString"] == foreign_query, "the foreign definition must be left as it is"
    ours = [item for name, item in saved.items() if name != names["foreign_name"]]
    assert all(item["queryString"].endswith("\n" + MARKER_LINE) for item in ours)
    assert all(item["logGroupNames"] == [names["log_group"]] for item in ours)
    built = logs.describe_metric_filters(logGroupName=names["log_group"])["metricFilters"]
    assert [(f["filterName"], f["filterPattern"], f["metricTransformations"]) for f in built] == [(
        names["resource"],
        '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, bytes, action="REJECT", '
        'log_status]',
        [{"metricName": names["resource"], "metricNamespace": "VPCFlowLogs", "metricValue": "1", "defaultValue": 0.0,
          "unit": "Count"}])]
    alarm = cloudwatch.describe_alarms(AlarmNames=[names["resource"]])["MetricAlarms"][0]
    assert (alarm["Threshold"], alarm["Period"], alarm["Statistic"], alarm["TreatMissingData"], alarm["AlarmActions"],
            alarm["AlarmDescription"]) == (
        25.0, 60, "Sum", "notBreaching", [names["topic_arn"]],
        "At least 25 rejected VPC flow log records in 60s in {0} (flowlogs.aws)".format(names["log_group"]))

    api_log = tmp_path / "api.log"
    _run(dict(names, phase="rerun"), env={
        "FLOWLOGS_BENCH_API_LOG": str(api_log),
        "PYTHONPATH": os.path.join(ROOT, "benchmarks") + os.pathsep + os.environ.get("PYTHONPATH", "")})
    lines = [line.split() for line in api_log.read_text().splitlines() if line.strip()]
    # Two module runs (normal and check mode), one process each, each making the same three reads.
    assert len(set(pid for pid, _service, _op in lines)) == 2, lines
    assert sorted(op for _pid, _service, op in lines) == (
        ["DescribeAlarms"] * 2 + ["DescribeMetricFilters"] * 2 + ["DescribeQueryDefinitions"] * 2), lines

    _run(dict(names, phase="alarm_off"))
    assert cloudwatch.describe_alarms(AlarmNames=[names["resource"]])["MetricAlarms"] == []
    assert logs.describe_metric_filters(logGroupName=names["log_group"])["metricFilters"] == []
    assert len(_saved(logs, names["folder"])) == 7

    _run(dict(names, phase="absent"))
    assert cloudwatch.describe_alarms(AlarmNames=[names["resource"]])["MetricAlarms"] == []
    assert logs.describe_metric_filters(logGroupName=names["log_group"])["metricFilters"] == []
    assert _saved(logs, names["folder"]) == {}, "absent with adopt must leave nothing in the folder"
