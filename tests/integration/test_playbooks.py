"""The enable and audit playbooks against LocalStack, with the shipped LocalStack inventory.

Fixture VPCs are made with boto3; the playbooks are run as users run them
(ansible-playbook flowlogs.aws.<name> -i inventories/localstack), with the inventory's
description replaced through --extra-vars, then teardown removes what they created.
"""

import json
import os
import re
import uuid

import boto3
import pytest

from conftest import ROOT
from conftest import run_playbook

pytestmark = pytest.mark.localstack

INVENTORY = os.path.join(ROOT, "inventories", "localstack")


def _recap(stdout):
    match = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", stdout)
    assert match, stdout[-2000:]
    return {"ok": int(match.group(1)), "changed": int(match.group(2)), "failed": int(match.group(4))}


@pytest.fixture
def described(aws):
    """Two tagged VPCs and an inventory description that logs one of them to CloudWatch Logs."""
    ec2 = aws("ec2")
    suffix = uuid.uuid4().hex[:8]
    vpcs = [ec2.create_vpc(CidrBlock="10.{0}.0.0/16".format(50 + i))["Vpc"]["VpcId"] for i in range(2)]
    ec2.create_tags(Resources=vpcs, Tags=[{"Key": "playbook-test", "Value": suffix}])
    values = {
        "flowlogs_name": "flowlogs-pb-" + suffix,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "pb-" + suffix},
        "flowlogs_demo_vpc": {"enabled": False},
        "flowlogs_destinations": [
            {"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": "/flowlogs-pb/" + suffix},
        ],
        "flowlogs_flow_logs": [],
    }
    yield vpcs, values, suffix
    proc = run_playbook("flowlogs.aws.teardown", values, "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": vpcs}])["FlowLogs"]
    assert left == [], "teardown must remove the flow logs the playbooks created"
    assert aws("logs").describe_log_groups(logGroupNamePrefix="/flowlogs-pb/" + suffix)["logGroups"] == []
    for vpc in vpcs:
        ec2.delete_vpc(VpcId=vpc)


def test_enable_logs_existing_vpcs_found_by_tag_and_is_idempotent(described, aws):
    vpcs, values, suffix = described
    values["flowlogs_flow_logs"] = [{
        "name": "tagged-vpcs", "resource_type": "VPC", "resource_filters": {"tag:playbook-test": suffix},
        "destination": "cloudwatch", "traffic_type": "REJECT",
    }]
    first = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
    assert first.returncode == 0, first.stdout[-3000:]
    second = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
    assert second.returncode == 0, second.stdout[-3000:]
    assert _recap(first.stdout)["changed"] > 0
    assert _recap(second.stdout)["changed"] == 0, second.stdout[-3000:]
    flow_logs = aws("ec2").describe_flow_logs(Filters=[{"Name": "resource-id", "Values": vpcs}])["FlowLogs"]
    assert sorted(fl["ResourceId"] for fl in flow_logs) == sorted(vpcs)
    assert {fl["TrafficType"] for fl in flow_logs} == {"REJECT"}
    assert {fl["LogGroupName"] for fl in flow_logs} == {"/flowlogs-pb/" + suffix}
    # enable never builds the demo VPC, whatever the inventory says.
    demo = aws("ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [values["flowlogs_name"]]}])["Vpcs"]
    assert demo == []


def test_audit_reports_unlogged_vpcs_and_remediates(described, aws, tmp_path):
    vpcs, values, suffix = described
    logged, unlogged = vpcs
    # One VPC already logs rejected traffic (created directly, as an existing setup would be).
    ec2 = aws("ec2")
    aws("s3").create_bucket(Bucket="unused-" + suffix)
    created = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[logged], TrafficType="REJECT",
                                   LogDestinationType="s3", LogDestination="arn:aws:s3:::unused-" + suffix)
    assert created["FlowLogIds"], created
    report = tmp_path / "audit.json"
    # Extra vars outrank everything: leave flowlogs_flow_logs to the audit's remediation.
    values = {k: v for k, v in values.items() if k != "flowlogs_flow_logs"}
    proc = run_playbook("flowlogs.aws.audit", dict(values, flowlogs_audit_report_path=str(report)), "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    findings = json.loads(report.read_text())
    assert unlogged in findings["noncompliant_vpcs"]
    assert logged not in findings["noncompliant_vpcs"]
    assert {logged, unlogged} <= set(findings["vpcs"])

    strict = run_playbook("flowlogs.aws.audit", dict(values, flowlogs_audit_fail_on_findings=True), "-i", INVENTORY)
    assert strict.returncode != 0 and unlogged in strict.stdout

    remediate = dict(values, flowlogs_audit_remediate=True, flowlogs_audit_destination="cloudwatch",
                     flowlogs_audit_report_path=str(report))
    proc = run_playbook("flowlogs.aws.audit", remediate, "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    remediated = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [unlogged]}])["FlowLogs"]
    assert [fl["TrafficType"] for fl in remediated] == ["ALL"]
    assert remediated[0]["LogGroupName"] == "/flowlogs-pb/" + suffix

    again = run_playbook("flowlogs.aws.audit", dict(values, flowlogs_audit_report_path=str(report)), "-i", INVENTORY)
    assert again.returncode == 0, again.stdout[-3000:]
    assert unlogged not in json.loads(report.read_text())["noncompliant_vpcs"]

    # The pre-existing flow log is not the collection's: teardown leaves it, the test removes it.
    ec2.delete_flow_logs(FlowLogIds=[fl["FlowLogId"] for fl in
                                     ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [logged]}])["FlowLogs"]
                                     if fl["LogDestinationType"] == "s3"])
    aws("s3").delete_bucket(Bucket="unused-" + suffix)


def test_two_region_inventory_builds_both_targets_idempotently_and_tears_down(aws):
    """The shipped two-target inventory: one description, two regions, no shared names."""
    inventory = os.path.join(ROOT, "inventories", "localstack-two-regions")
    first = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert first.returncode == 0, first.stdout[-3000:]
    second = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert second.returncode == 0, second.stdout[-3000:]
    recaps = re.findall(r"localstack-(\S+)\s+: ok=\d+\s+changed=(\d+)", second.stdout)
    assert sorted(region for region, unused in recaps) == ["eu-west-1", "us-east-1"]
    assert [changed for unused, changed in recaps] == ["0", "0"], second.stdout[-3000:]
    for region in ("us-east-1", "eu-west-1"):
        ec2 = _regional(aws, "ec2", region)
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:project", "Values": ["flowlogs-two-regions"]}])["Vpcs"]
        assert len(vpcs) == 1
        flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpcs[0]["VpcId"]]}])["FlowLogs"]
        assert [(fl["TrafficType"], fl["LogGroupName"]) for fl in flow_logs] == [("REJECT", "/flowlogs/%s/vpc" % region)]
    down = run_playbook("flowlogs.aws.teardown", {}, "-i", inventory)
    assert down.returncode == 0, down.stdout[-3000:]
    for region in ("us-east-1", "eu-west-1"):
        ec2 = _regional(aws, "ec2", region)
        assert ec2.describe_vpcs(Filters=[{"Name": "tag:project", "Values": ["flowlogs-two-regions"]}])["Vpcs"] == []
        groups = _regional(aws, "logs", region).describe_log_groups(logGroupNamePrefix="/flowlogs/" + region)
        assert groups["logGroups"] == []
    roles = [r["RoleName"] for r in aws("iam").list_roles()["Roles"]]
    assert not [r for r in roles if r.startswith("flowlogs-us-east-1") or r.startswith("flowlogs-eu-west-1")]


def _regional(aws, service, region):
    """A client of the test endpoint in another region."""
    endpoint = aws(service).meta.endpoint_url
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
