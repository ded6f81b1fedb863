"""Integration targets: each playbook exercises a module against LocalStack and asserts its results.

The playbooks hold the assertions (in the style of amazon.aws integration targets);
this file runs them, and then checks from outside with boto3 that nothing was left behind.
"""

import os

import pytest

from conftest import ROOT
from conftest import run_playbook

TARGETS = os.path.join(ROOT, "tests", "integration", "targets")

pytestmark = pytest.mark.localstack


def _run(target, network):
    proc = run_playbook(os.path.join(TARGETS, target, "main.yml"), network)
    print(proc.stdout)
    assert proc.returncode == 0, "playbook {0} failed:\n{1}".format(target, proc.stdout[-6000:])
    assert "failed=0" in proc.stdout


def test_ec2_vpc_flow_log(network, aws):
    _run("ec2_vpc_flow_log", network)
    ec2 = aws("ec2")
    resource_ids = [network["vpc_id"]] + network["subnet_ids"] + network["eni_ids"]
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": resource_ids[:200]}])["FlowLogs"]
    assert left == [], "the target must remove every flow log it created"


def test_ec2_vpc_flow_logs(network, aws):
    _run("ec2_vpc_flow_logs", network)
    ec2 = aws("ec2")
    resource_ids = [network["vpc_id"]] + network["subnet_ids"] + network["eni_ids"]
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": resource_ids[:200]}])["FlowLogs"]
    assert left == [], "the target must remove every flow log it created"


def test_ec2_vpc_flow_log_info(network):
    _run("ec2_vpc_flow_log_info", network)


def test_ec2_vpc_flow_log_ownership(network, aws):
    # A flow log made outside the collection (no managed-by tag), as someone else would.
    ec2 = aws("ec2")
    foreign = ec2.create_flow_logs(
        ResourceType="Subnet", ResourceIds=[network["subnet_ids"][0]], TrafficType="ALL",
        LogDestinationType="s3", LogDestination="arn:aws:s3:::{0}/foreign/".format(network["bucket"]),
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "owner", "Value": "someone-else"}]}],
    )["FlowLogIds"][0]
    try:
        _run("ec2_vpc_flow_log_ownership", dict(network, foreign_flow_log_id=foreign))
    finally:
        left = ec2.describe_flow_logs(FlowLogIds=[foreign])["FlowLogs"]
        if left:
            ec2.delete_flow_logs(FlowLogIds=[foreign])
    found = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": network["subnet_ids"][:2]}])["FlowLogs"]
    assert found == [], "the target must remove every flow log it created or adopted"
