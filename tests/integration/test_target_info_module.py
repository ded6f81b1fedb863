"""flowlogs.aws.flowlogs_target_info against LocalStack.

Runs the module's integration target with every API call logged (benchmarks/sitecustomize.py):
the caller identity alone, then ids of every type (existing ones, missing ones, a duplicate, and
205 VPC ids, more than one filter holds) in check mode, and an unknown type refused before any
call. The test checks the calls: GetCallerIdentity for each run, and only the describe calls of
the given ids, in batches of at most 200 (the emulator refuses more, as AWS does).
"""

import collections
import os

import pytest

from conftest import ROOT
from conftest import run_playbook

TARGET = os.path.join(ROOT, "tests", "integration", "targets", "flowlogs_target_info", "main.yml")
pytestmark = pytest.mark.localstack


@pytest.fixture()
def resources(aws):
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.77.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    yield {"vpc": vpc, "subnet": subnet, "eni": eni, "tgw": tgw, "missing": {
        "VPC": "vpc-0123456789abcdef0", "Subnet": "subnet-0123456789abcdef0",
        "NetworkInterface": "eni-0123456789abcdef0", "TransitGateway": "tgw-0123456789abcdef0"}}
    ec2.delete_transit_gateway(TransitGatewayId=tgw)
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def test_flowlogs_target_info(resources, tmp_path):
    api_log = tmp_path / "api.log"
    proc = run_playbook(TARGET, resources, env={
        "FLOWLOGS_BENCH_API_LOG": str(api_log),
        "PYTHONPATH": os.path.join(ROOT, "benchmarks") + os.pathsep + os.environ.get("PYTHONPATH", "")})
    print(proc.stdout)
    assert proc.returncode == 0 and "failed=0" in proc.stdout, proc.stdout[-6000:]
    calls = [line.split() for line in api_log.read_text().splitlines() if line.strip()]
    by_process = collections.OrderedDict()
    for pid, _service, operation in calls:
        by_process.setdefault(pid, []).append(operation)
    # Two module runs made calls (the unknown type made none), each one process.
    assert list(by_process.values()) == [
        ["GetCallerIdentity"],
        ["GetCallerIdentity", "DescribeNetworkInterfaces", "DescribeSubnets", "DescribeTransitGateways",
         "DescribeVpcs", "DescribeVpcs"]], calls
