"""Changing a CloudWatch Logs flow log's format, then running again, changes nothing.

The REJECT metric filter's pattern follows the format, so a format change updates it
(PutMetricFilter on the same name).  LocalStack 4.13.1 appended a second filter of the
same name instead of replacing it, so amazon.aws.cloudwatchlogs_log_group_metric_filter
(which expects one filter of its name) reported a change on every later run; the
extension makes PutMetricFilter replace, as AWS does (tests/localstack/README.md).
This test fails against the unpatched emulator.
"""

import uuid

import pytest

from conftest import run_playbook
from test_playbooks import INVENTORY
from test_playbooks import _recap

pytestmark = pytest.mark.localstack

FIRST_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")
# Fields added before ${action}: the REJECT filter pattern's position for it moves.
SECOND_FORMAT = ("${version} ${account-id} ${vpc-id} ${subnet-id} ${interface-id} ${srcaddr} ${dstaddr} "
                 "${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} "
                 "${log-status} ${flow-direction}")


def test_format_change_replaces_flow_log_and_metric_filter_then_is_idempotent(aws):
    ec2, logs = aws("ec2"), aws("logs")
    suffix = uuid.uuid4().hex[:8]
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "format-test", "Value": suffix}])
    group = "/flowlogs-fmt/" + suffix
    values = {
        "flowlogs_name": "flowlogs-fmt-" + suffix,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "fmt-" + suffix},
        "flowlogs_demo_vpc": {"enabled": False},
        "flowlogs_destinations": [{"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": group}],
        "flowlogs_flow_logs": [{
            "name": "vpc", "resource_type": "VPC", "resource_filters": {"tag:format-test": suffix},
            "destination": "cloudwatch", "traffic_type": "ALL", "log_format": FIRST_FORMAT,
        }],
    }
    try:
        first = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
        assert first.returncode == 0, first.stdout[-3000:]
        (before,) = logs.describe_metric_filters(logGroupName=group)["metricFilters"]

        values["flowlogs_flow_logs"][0]["log_format"] = SECOND_FORMAT
        values["flowlogs_overwrite"] = True  # AWS cannot change a format in place: replace.
        changed = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
        assert changed.returncode == 0, changed.stdout[-3000:]
        assert _recap(changed.stdout)["changed"] > 0
        again = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
        assert again.returncode == 0, again.stdout[-3000:]
        assert _recap(again.stdout)["changed"] == 0, again.stdout[-3000:]

        flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
        assert [(fl["LogFormat"], fl["LogGroupName"]) for fl in flow_logs] == [(SECOND_FORMAT, group)]
        # One filter of that name, with the new format's pattern.
        (after,) = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
        assert after["filterName"] == before["filterName"]
        assert after["filterPattern"] != before["filterPattern"]
        assert after["filterPattern"].count(",") == len(SECOND_FORMAT.split()) - 1
    finally:
        down = run_playbook("flowlogs.aws.teardown", values, "-i", INVENTORY)
        ec2.delete_vpc(VpcId=vpc)
    assert down.returncode == 0, down.stdout[-3000:]
    assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"] == []
    assert logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"] == []
