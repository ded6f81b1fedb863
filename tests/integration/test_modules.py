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


def test_ec2_vpc_flow_log_info(network):
    _run("ec2_vpc_flow_log_info", network)
