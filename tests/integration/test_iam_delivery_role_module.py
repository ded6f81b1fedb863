"""flowlogs.aws.iam_delivery_role against LocalStack.

Runs the module's integration target (tests/integration/targets/iam_delivery_role) phase by
phase, changing the roles from outside in between, and counts the API calls each phase's module
runs make with the botocore hook of benchmarks/sitecustomize.py: the unchanged re-run and every
check-mode task may only read.
"""

import json
import os
import uuid

import pytest

from conftest import ROOT
from conftest import run_playbook

TARGET = os.path.join(ROOT, "tests", "integration", "targets", "iam_delivery_role", "main.yml")
READ_PREFIXES = ("Get", "List")
pytestmark = pytest.mark.localstack


def _run(tmp_path, extra_vars):
    """Run one phase; returns the IAM operations its module runs called, in order."""
    api_log = tmp_path / ("api-%s.log" % extra_vars["phase"])
    env = {"PYTHONPATH": os.path.join(ROOT, "benchmarks"), "FLOWLOGS_BENCH_API_LOG": str(api_log)}
    proc = run_playbook(TARGET, extra_vars, env=env)
    print(proc.stdout)
    assert proc.returncode == 0, "phase {0} failed:\n{1}".format(extra_vars["phase"], proc.stdout[-6000:])
    assert "failed=0" in proc.stdout
    assert "[WARNING]" not in proc.stdout and "[DEPRECATION WARNING]" not in proc.stdout
    lines = api_log.read_text().split("\n") if api_log.exists() else []
    return [line.split()[2] for line in lines if line.strip() and line.split()[1] == "iam"]


@pytest.fixture()
def names(aws):
    iam = aws("iam")
    suffix = uuid.uuid4().hex[:8]
    names = {"role": "flowlogs-it-role-" + suffix, "foreign": "flowlogs-it-foreign-" + suffix}
    yield names
    for name in names.values():
        try:
            for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                iam.delete_role_policy(RoleName=name, PolicyName=policy)
            for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
            iam.delete_role(RoleName=name)
        except iam.exceptions.NoSuchEntityException:
            pass


def test_iam_delivery_role(names, aws, tmp_path):
    iam = aws("iam")
    base = dict(names, managed_policy_arn="")

    calls = _run(tmp_path, dict(base, phase="create"))
    writes = [call for call in calls if not call.startswith(READ_PREFIXES)]
    assert writes == ["CreateRole", "PutRolePolicy"], "check mode and bad inputs must not write: %s" % calls
    role = iam.get_role(RoleName=names["role"])["Role"]
    assert role["Path"] == "/flowlogs-it/" and role["MaxSessionDuration"] == 7200

    calls = _run(tmp_path, dict(base, phase="rerun"))
    assert calls == ["GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies"]

    # From outside: another inline policy and a managed policy, which the module must remove.
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]})
    iam.put_role_policy(RoleName=names["role"], PolicyName="added-by-hand", PolicyDocument=document)
    managed = iam.create_policy(PolicyName="flowlogs-it-" + names["role"][-8:], PolicyDocument=document)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=names["role"], PolicyArn=managed)
    try:
        calls = _run(tmp_path, dict(base, phase="update", managed_policy_arn=managed))
    finally:
        attached = iam.list_attached_role_policies(RoleName=names["role"])["AttachedPolicies"]
        for policy in attached:
            iam.detach_role_policy(RoleName=names["role"], PolicyArn=policy["PolicyArn"])
        iam.delete_policy(PolicyArn=managed)
    assert [call for call in calls if not call.startswith(READ_PREFIXES)] == [
        "DetachRolePolicy", "PutRolePolicy", "DeleteRolePolicy"]
    assert attached == []
    assert iam.list_role_policies(RoleName=names["role"])["PolicyNames"] == ["deliver"]
    statement = iam.get_role_policy(RoleName=names["role"], PolicyName="deliver")["PolicyDocument"]["Statement"][0]
    assert "logs:DescribeLogStreams" in statement["Action"]

    # A role created by hand: no marker, a policy of its own.
    ec2_trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName=names["foreign"], AssumeRolePolicyDocument=ec2_trust,
                    Tags=[{"Key": "team", "Value": "network"}])
    iam.put_role_policy(RoleName=names["foreign"], PolicyName="theirs", PolicyDocument=document)
    calls = _run(tmp_path, dict(base, phase="foreign"))
    writes = [call for call in calls if not call.startswith(READ_PREFIXES)]
    # Refused and kept: only reads before the adopting run's writes.
    assert writes == ["TagRole", "UntagRole", "UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy"]
    assert iam.list_role_policies(RoleName=names["foreign"])["PolicyNames"] == ["deliver"]

    calls = _run(tmp_path, dict(base, phase="absent"))
    assert [call for call in calls if not call.startswith(READ_PREFIXES)] == [
        "DeleteRolePolicy", "DeleteRole", "DeleteRolePolicy", "DeleteRole"]
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert names["role"] not in roles and names["foreign"] not in roles
