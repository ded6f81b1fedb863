"""A central log-archive bucket and one Athena table over several accounts, on LocalStack.

LocalStack keeps accounts apart by access key id: a 12-digit key id is that account. The
static inventory has a log-archive target and three member targets in two regions, each with
its own keys (flowlogs_access_key). Each member gets a VPC made with boto3 beforehand (no demo
VPC), which the collection must leave alone.

What LocalStack 4.13 does as AWS does (checked by hand before writing this test): bucket names
are global (CreateBucket of a taken name from another account fails with BucketAlreadyExists),
and a member account's CreateFlowLogs may name another account's bucket (and fails when no
account has it). What it does not do: it never evaluates a bucket policy (another account's
PutObject succeeds without one) and it delivers no flow-log records. So the test asserts the
bucket policy document the owner wrote rather than a delivery, and nothing lands in the bucket.

Six playbook runs (CI budget): site; site again, unchanged: no change in any account; site again
after an account joined the organization
(shared_with.account_ids): the members change nothing, and the owner changes exactly the
bucket policy and the Glue table, updated in place; the audit with remediation into the
central bucket (a member's VPC left out, and the accounts' default VPCs), which changes neither
the bucket policy nor the table; the audit again, at 100 %; teardown, which also removes the
remediation's flow logs.
"""

import json
import os
import random
import re
import uuid

import boto3
import pytest
import yaml

from conftest import run_playbook

pytestmark = pytest.mark.localstack

OWNER_REGION = "us-east-1"
MEMBERS = (("member-a", "us-east-1"), ("member-b", "eu-west-1"), ("member-c", "eu-west-1"))


def _accounts(count):
    # Fresh accounts for each run: LocalStack's state may hold another test's resources.
    first = random.randint(100000000, 899999999) * 1000
    return [str(first + i) for i in range(count)]


def _client(service, account, region):
    return boto3.client(service, endpoint_url=os.environ["AWS_URL"], region_name=region,
                        aws_access_key_id=account, aws_secret_access_key="test")


def _recaps(stdout):
    recaps = {}
    for host, changed, failed in re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)",
                                            stdout, re.M):
        recaps[host] = {"changed": int(changed), "failed": int(failed)}
    assert recaps, stdout[-3000:]
    return recaps


@pytest.fixture
def organization(tmp_path):
    if not os.environ.get("AWS_URL"):
        pytest.skip("AWS_URL is not set: run through tests/run.sh, which starts LocalStack")
    suffix = uuid.uuid4().hex[:8]
    owner, *member_accounts = _accounts(4)
    vpcs = {}
    for (host, region), account in zip(MEMBERS, member_accounts):
        vpcs[host] = _client("ec2", account, region).create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    bucket = "flowlogs-org-" + suffix
    hosts = {
        "log-archive": {
            "flowlogs_region": OWNER_REGION,
            "flowlogs_access_key": owner,
            "flowlogs_account_id": owner,
            "flowlogs_destinations": [
                {"name": "archive", "type": "s3", "bucket_name": bucket, "prefix": "org", "shared_with": {}},
            ],
            "flowlogs_flow_logs": [],
        },
    }
    for (host, region), account in zip(MEMBERS, member_accounts):
        hosts[host] = {
            "flowlogs_region": region,
            "flowlogs_access_key": account,
            "flowlogs_account_id": account,
            "flowlogs_destinations": [{"name": "archive", "type": "s3", "central": "log-archive"}],
            "flowlogs_flow_logs": [
                {"name": "vpc", "resource_ids": [vpcs[host]], "destination": "archive", "traffic_type": "ALL"},
            ],
        }
    inventory = {"flowlogs_org": {"hosts": hosts, "vars": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "flowlogs_endpoint_url": os.environ["AWS_URL"],
        "flowlogs_secret_key": "test",
        "flowlogs_name": "flowlogs-org-" + suffix,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "org-" + suffix},
    }}}
    path = tmp_path / "hosts.yml"

    def write(changed=None):
        if changed:
            changed(inventory["flowlogs_org"]["hosts"])
        path.write_text(yaml.safe_dump(inventory))
        return str(path)

    write()
    context = {"owner": owner, "members": dict(zip([host for host, unused in MEMBERS], member_accounts)), "vpcs": vpcs,
               "bucket": bucket, "database": ("flowlogs-org-" + suffix).replace("-", "_"),
               "workgroup": "flowlogs-org-{0}-archive".format(suffix), "write": write, "tmp_path": tmp_path,
               "extra_vpcs": []}
    yield context
    for (host, region), account in zip(MEMBERS, member_accounts):
        _client("ec2", account, region).delete_vpc(VpcId=vpcs[host])
    for host, vpc_id in context["extra_vpcs"]:
        _client("ec2", context["members"][host], dict(MEMBERS)[host]).delete_vpc(VpcId=vpc_id)


def _flow_logs(context, host):
    region = dict(MEMBERS)[host]
    ec2 = _client("ec2", context["members"][host], region)
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [context["vpcs"][host]]}])["FlowLogs"]


def test_central_bucket_and_one_table_over_the_organization(organization):
    context = organization
    owner, bucket = context["owner"], context["bucket"]
    members = context["members"]
    inventory = context["write"]()

    # 1. site: the owner first (its bucket exists before the members' CreateFlowLogs), then the members.
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "[WARNING]" not in proc.stdout, proc.stdout[-4000:]
    assert proc.stdout.index("log-archive") < proc.stdout.index("member-a")

    s3 = _client("s3", owner, OWNER_REGION)
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    writes = {s["Sid"]: s for s in policy["Statement"] if s["Sid"].startswith("AWSLogDeliveryWrite")}
    # Every member's account, and the owner's own (as for a bucket of one target).
    sources = sorted([owner] + list(members.values()))
    assert sorted(writes) == ["AWSLogDeliveryWrite" + a for a in sources]
    account_a = members["member-a"]
    assert writes["AWSLogDeliveryWrite" + account_a]["Resource"] == (
        "arn:aws:s3:::{0}/org/AWSLogs/{1}/*".format(bucket, account_a))
    assert writes["AWSLogDeliveryWrite" + account_a]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": account_a},
        "ArnLike": {"aws:SourceArn": ["arn:aws:logs:eu-west-1:{0}:*".format(account_a),
                                      "arn:aws:logs:us-east-1:{0}:*".format(account_a)]}}
    acl_check = [s for s in policy["Statement"] if s["Sid"] == "AWSLogDeliveryAclCheck"][0]
    assert sorted(acl_check["Condition"]["StringEquals"]["aws:SourceAccount"]) == sources

    for host, account in members.items():
        logs = _flow_logs(context, host)
        assert [(f["LogDestinationType"], f["LogDestination"]) for f in logs] == [
            ("s3", "arn:aws:s3:::{0}/org/".format(bucket))], host
        # No member builds a bucket, a table or a workgroup of its own.
        assert [b["Name"] for b in _client("s3", account, OWNER_REGION).list_buckets()["Buckets"]] == []
        glue = _client("glue", account, dict(MEMBERS)[host])
        assert context["database"] not in [d["Name"] for d in glue.get_databases()["DatabaseList"]]

    glue = _client("glue", owner, OWNER_REGION)
    table = glue.get_table(DatabaseName=context["database"], Name="archive")["Table"]
    assert table["Parameters"]["projection.aws_account_id.values"] == ",".join(sources)
    assert table["Parameters"]["projection.aws_region.values"] == "eu-west-1,us-east-1"
    assert table["StorageDescriptor"]["Location"].startswith("s3://{0}/org/AWSLogs/".format(bucket))

    # 2. The unchanged re-run: no change in any account.
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert _recaps(proc.stdout) == dict((host, {"changed": 0, "failed": 0}) for host in ["log-archive"] + list(members)), (
        proc.stdout[-4000:])

    # 3. An account joins the organization (no target yet): listed on the owner, it joins the
    # policy and the projection, in place; every member run changes nothing.
    joined = str(int(owner) + 10)

    def join(hosts):
        hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {"account_ids": [joined]}

    inventory = context["write"](join)
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    recaps = _recaps(proc.stdout)
    assert {host: recaps[host]["changed"] for host in members} == dict((host, 0) for host in members), proc.stdout[-4000:]
    # Exactly the bucket (its policy) and the Glue table changed on the owner.
    assert recaps["log-archive"]["changed"] == 2, proc.stdout[-6000:]
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert "AWSLogDeliveryWrite" + joined in [s["Sid"] for s in policy["Statement"]]
    updated = glue.get_table(DatabaseName=context["database"], Name="archive")["Table"]
    assert updated["CreateTime"] == table["CreateTime"]
    assert updated["Parameters"]["projection.aws_account_id.values"] == ",".join(sorted(sources + [joined]))

    # 4. audit with remediation into the central bucket: a VPC of member-a left out (and whatever
    # default VPCs the accounts have) is named, then logged into the owner's bucket like the
    # members' own flow logs; the owner's bucket policy and table stay as site made them.
    left_out = _client("ec2", members["member-a"], "us-east-1").create_vpc(CidrBlock="10.71.0.0/16")["Vpc"]["VpcId"]
    context["extra_vpcs"].append(("member-a", left_out))
    report = context["tmp_path"] / "audit.json"
    policy_before = s3.get_bucket_policy(Bucket=bucket)["Policy"]
    audit = {"flowlogs_audit_remediate": True, "flowlogs_audit_destination": "archive",
             "flowlogs_audit_report_path": str(report)}
    proc = run_playbook("flowlogs.aws.audit", audit, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    found = json.loads(report.read_text())
    assert left_out in [v["vpc_id"] for v in found["noncompliant_vpcs"] if v["account_id"] == members["member-a"]]
    assert context["vpcs"]["member-a"] not in [v["vpc_id"] for v in found["noncompliant_vpcs"]]
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == policy_before
    assert glue.get_table(DatabaseName=context["database"], Name="archive")["Table"]["Parameters"] == (
        updated["Parameters"])
    [site_flow_log] = _flow_logs(context, "member-a")
    remediated = _client("ec2", members["member-a"], "us-east-1").describe_flow_logs(
        Filters=[{"Name": "resource-id", "Values": [left_out]}])["FlowLogs"]
    assert [(f["LogDestination"], f["LogFormat"], f.get("DestinationOptions")) for f in remediated] == [
        (site_flow_log["LogDestination"], site_flow_log["LogFormat"], site_flow_log.get("DestinationOptions"))]

    # 5. the audit again, read-only: every VPC of every account and region is covered.
    proc = run_playbook("flowlogs.aws.audit", {"flowlogs_audit_report_path": str(report)}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    found = json.loads(report.read_text())
    assert found["noncompliant_vpcs"] == [] and found["summary"]["percent"] == 100.0, found["table"]
    assert sorted(set(row["account_id"] for row in found["coverage"])) == sorted([owner] + list(members.values()))

    # 6. teardown: members remove their flow logs first (the remediation's too), then the owner its
    # table and its (empty) bucket.
    proc = run_playbook("flowlogs.aws.teardown", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert proc.stdout.index("member-a") < proc.stdout.rindex("log-archive")
    for host in members:
        assert _flow_logs(context, host) == [], host
        region = dict(MEMBERS)[host]
        ec2 = _client("ec2", members[host], region)
        others = [f["FlowLogId"] for f in ec2.describe_flow_logs()["FlowLogs"]]
        assert others == [], (host, others)
        # Kept: the VPC the collection did not create.
        assert ec2.describe_vpcs(VpcIds=[context["vpcs"][host]])["Vpcs"]
    assert _client("ec2", owner, OWNER_REGION).describe_flow_logs()["FlowLogs"] == []
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert context["database"] not in [d["Name"] for d in glue.get_databases()["DatabaseList"]]
    workgroups = _client("athena", owner, OWNER_REGION).list_work_groups()["WorkGroups"]
    assert context["workgroup"] not in [w["Name"] for w in workgroups]
