"""Fixtures for integration tests against LocalStack (or any endpoint in AWS_URL).

The test runner (tests/run.sh) starts LocalStack and exports AWS_URL and test
credentials. Fixture resources are built with boto3 because building 100+ subnets
through one module call per subnet would make the suite slow without testing
anything of ours; the collection's own modules are exercised by the playbooks.
"""

import json
import os
import subprocess
import sys
import uuid

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REGION = os.environ.get("AWS_REGION", "us-east-1")


def _endpoint():
    url = os.environ.get("AWS_URL")
    if not url:
        pytest.skip("AWS_URL is not set: run through tests/run.sh, which starts LocalStack")
    return url


@pytest.fixture(scope="session")
def aws():
    """A factory of boto3 clients bound to the test endpoint."""
    url = _endpoint()
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=REGION,
    )
    # A loaded machine can make the emulator slow: a botocore retry after a read timeout
    # would repeat non-idempotent calls (PutLogEvents stores its events twice), so wait longer
    # instead of retrying.
    config = Config(read_timeout=300, connect_timeout=30, retries={"max_attempts": 2, "mode": "standard"})
    return lambda service: session.client(service, endpoint_url=url, config=config)


@pytest.fixture(scope="session")
def network(aws):
    """A VPC with 105 subnets and two ENIs, a bucket, a log group and a delivery role."""
    ec2, s3, logs, iam = aws("ec2"), aws("s3"), aws("logs"), aws("iam")
    suffix = uuid.uuid4().hex[:8]
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet_ids = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.20.{0}.0/24".format(i))["Subnet"]["SubnetId"]
        for i in range(105)
    ]
    eni_ids = [
        ec2.create_network_interface(SubnetId=subnet_ids[0])["NetworkInterface"]["NetworkInterfaceId"]
        for _eni in range(2)
    ]
    bucket = "flowlogs-it-" + suffix
    s3.create_bucket(Bucket=bucket)
    log_group = "/flowlogs-it/" + suffix
    logs.create_log_group(logGroupName=log_group)
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }
    role_arn = iam.create_role(RoleName="flowlogs-it-" + suffix,
                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    values = {
        "vpc_id": vpc_id,
        "subnet_ids": subnet_ids,
        "eni_ids": eni_ids,
        "bucket": bucket,
        "log_group": log_group,
        "role_arn": role_arn,
        "suffix": suffix,
    }
    yield values
    # Teardown: whatever a failed test left behind, then the fixtures themselves.
    resource_ids = [vpc_id] + subnet_ids + eni_ids
    leftovers = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": resource_ids[:200]}])["FlowLogs"]
    if leftovers:
        ec2.delete_flow_logs(FlowLogIds=[fl["FlowLogId"] for fl in leftovers])
    for eni in eni_ids:
        ec2.delete_network_interface(NetworkInterfaceId=eni)
    for subnet in subnet_ids:
        ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc_id)
    objects = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    for obj in objects:
        s3.delete_object(Bucket=bucket, Key=obj["Key"])
    s3.delete_bucket(Bucket=bucket)
    logs.delete_log_group(logGroupName=log_group)
    iam.delete_role(RoleName="flowlogs-it-" + suffix)


def run_playbook(playbook, extra_vars, *args, **options):
    """Run a playbook from the repository root with the collection on the path; return the process.

    Options: env (variables added to the environment), stderr (subprocess.PIPE to keep stderr
    apart, for a machine-readable stdout; by default it is merged into stdout).
    """
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ)
    env.setdefault("AWS_ACCESS_KEY_ID", "test")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    env.setdefault("AWS_REGION", REGION)
    env["ANSIBLE_CONFIG"] = os.path.join(ROOT, "ansible.cfg")
    env["ANSIBLE_NOCOLOR"] = "1"
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.update(options.get("env", {}))
    command = [os.path.join(bindir, "ansible-playbook"), playbook, "-e", json.dumps(extra_vars)] + list(args)
    return subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=options.get("stderr", subprocess.STDOUT),
                          universal_newlines=True, check=False)
