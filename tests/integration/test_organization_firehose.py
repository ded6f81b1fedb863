"""Flow logs of several accounts delivering to one Amazon Data Firehose stream, on LocalStack.

LocalStack keeps accounts apart by access key id: a 12-digit key id is that account. The static
inventory has a log-archive target that owns the stream (a kinesis-data-firehose destination with
shared_with) and two member targets in other accounts of its region (central: log-archive), each
with a VPC or subnet made with boto3 beforehand. Member b also delivers to a stream of an account
outside the inventory (stream_arn and cross_account_role), made here with boto3 as its owner would.

What the collection builds ("IAM roles for cross account delivery", Amazon VPC User Guide): in the
stream's account, the stream and the role AWSLogDeliveryFirehoseCrossAccountRole-REGION-STREAM that
only the members' source roles may assume; in each member account, the source role
flowlogs-firehose-source-REGION-STREAM that delivery.logs.amazonaws.com assumes; and flow logs
sending both (DeliverLogsPermissionArn, DeliverCrossAccountRole).

What LocalStack does not do: it evaluates no IAM policy and delivers no flow-log records, so the test
asserts the documents the roles carry and the flow logs' configuration. The extension makes the
emulator refuse what AWS refuses on the way (tests/localstack/README.md): a trust policy naming a
role that does not exist yet, a cross-account CreateFlowLogs without both roles, a stream account's
role of another account or name. It also finds the stream in its own account (LocalStack looked in
the caller's, and answered "does not exist").

Seven playbook runs: site in check mode (creates nothing); site; site again (no change anywhere);
site after an account joined (shared_with.account_ids: only the owner's role changes); teardown in
check mode (removes nothing); teardown; and the stream of the account outside the inventory is left
as it was.
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

REGION = "us-east-1"
MEMBERS = ("member-a", "member-b")


def _accounts(count):
    # Fresh accounts for each run: LocalStack's state may hold another test's resources.
    first = random.randint(100000000, 899999999) * 1000
    return [str(first + i) for i in range(count)]


def _client(service, account, region=REGION):
    return boto3.client(service, endpoint_url=os.environ["AWS_URL"], region_name=region,
                        aws_access_key_id=account, aws_secret_access_key="test")


def _recaps(stdout):
    recaps = {}
    for host, changed, failed in re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)",
                                            stdout, re.M):
        recaps[host] = {"changed": int(changed), "failed": int(failed)}
    assert recaps, stdout[-3000:]
    return recaps


def _role(account, name):
    iam = _client("iam", account)
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return None
    policies = iam.list_role_policies(RoleName=name)["PolicyNames"]
    role["inline"] = dict((p, iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]) for p in policies)
    role["tags"] = dict((t["Key"], t["Value"]) for t in role.get("Tags") or [])
    return role


def _document(value):
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
def organization(tmp_path):
    if not os.environ.get("AWS_URL"):
        pytest.skip("AWS_URL is not set: run through tests/run.sh, which starts LocalStack")
    suffix = uuid.uuid4().hex[:8]
    owner, account_a, account_b, outside = _accounts(4)
    ec2_a, ec2_b = _client("ec2", account_a), _client("ec2", account_b)
    vpc_a = ec2_a.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    vpc_b = ec2_b.create_vpc(CidrBlock="10.71.0.0/16")["Vpc"]["VpcId"]
    subnet_b = ec2_b.create_subnet(VpcId=vpc_b, CidrBlock="10.71.1.0/24")["Subnet"]["SubnetId"]
    # Short enough for the role names to keep it whole (64 characters at most, else cut and hashed).
    stream = "fh-" + suffix
    # The account outside the inventory: its stream, and its role for member b's source role (its
    # owner's doing; the trust names the account and the role by aws:PrincipalArn, as the collection's).
    outside_stream = "outside-" + suffix
    outside_role = "AWSLogDeliveryFirehoseCrossAccountRole-outside-" + suffix
    _client("firehose", outside).create_delivery_stream(
        DeliveryStreamName=outside_stream, DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": "arn:aws:iam::{0}:role/outside-writer".format(outside),
                                            "BucketARN": "arn:aws:s3:::outside-" + suffix})
    _client("iam", outside).create_role(RoleName=outside_role, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{0}:root".format(account_b)}, "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::{0}:role/flowlogs-firehose-source-*".format(
                account_b)}}}]}))
    outside_stream_arn = "arn:aws:firehose:{0}:{1}:deliverystream/{2}".format(REGION, outside, outside_stream)
    outside_role_arn = "arn:aws:iam::{0}:role/{1}".format(outside, outside_role)
    hosts = {
        "log-archive": {
            "flowlogs_access_key": owner,
            "flowlogs_account_id": owner,
            "flowlogs_destinations": [{
                "name": "stream", "type": "kinesis-data-firehose", "stream_name": stream,
                "bucket_name": "flowlogs-org-fh-" + suffix, "prefix": "vpc", "shared_with": {}}],
            "flowlogs_flow_logs": [],
        },
        "member-a": {
            "flowlogs_access_key": account_a,
            "flowlogs_account_id": account_a,
            "flowlogs_destinations": [{"name": "stream", "type": "kinesis-data-firehose", "central": "log-archive"}],
            "flowlogs_flow_logs": [{"name": "vpc", "resource_ids": [vpc_a], "destination": "stream",
                                    "traffic_type": "ALL"}],
        },
        "member-b": {
            "flowlogs_access_key": account_b,
            "flowlogs_account_id": account_b,
            "flowlogs_destinations": [
                {"name": "stream", "type": "kinesis-data-firehose", "central": "log-archive"},
                {"name": "outside", "type": "kinesis-data-firehose", "stream_arn": outside_stream_arn,
                 "cross_account_role": outside_role_arn},
            ],
            "flowlogs_flow_logs": [
                {"name": "subnet", "resource_type": "Subnet", "resource_ids": [subnet_b], "destination": "stream",
                 "traffic_type": "REJECT"},
                {"name": "vpc-outside", "resource_ids": [vpc_b], "destination": "outside", "traffic_type": "ALL"},
            ],
        },
    }
    inventory = {"flowlogs_org": {"hosts": hosts, "vars": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "flowlogs_region": REGION,
        "flowlogs_endpoint_url": os.environ["AWS_URL"],
        "flowlogs_secret_key": "test",
        "flowlogs_name": "flowlogs-fh-" + suffix,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "fh-" + suffix},
    }}}
    path = tmp_path / "hosts.yml"

    def write(changed=None):
        if changed:
            changed(inventory["flowlogs_org"]["hosts"])
        path.write_text(yaml.safe_dump(inventory))
        return str(path)

    write()
    yield {"owner": owner, "members": {"member-a": account_a, "member-b": account_b}, "outside": outside,
           "stream": stream, "resources": {"member-a": [vpc_a], "member-b": [subnet_b, vpc_b]},
           "outside_stream": outside_stream, "outside_stream_arn": outside_stream_arn,
           "outside_role": outside_role, "outside_role_arn": outside_role_arn, "write": write}
    for ec2, resources in ((ec2_a, [vpc_a]), (ec2_b, [subnet_b, vpc_b])):
        left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": resources}])["FlowLogs"]
        if left:
            ec2.delete_flow_logs(FlowLogIds=[f["FlowLogId"] for f in left])
    ec2_b.delete_subnet(SubnetId=subnet_b)
    ec2_a.delete_vpc(VpcId=vpc_a)
    ec2_b.delete_vpc(VpcId=vpc_b)
    _client("firehose", outside).delete_delivery_stream(DeliveryStreamName=outside_stream)
    _client("iam", outside).delete_role(RoleName=outside_role)


def _flow_logs(context, host):
    ec2 = _client("ec2", context["members"][host])
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": context["resources"][host]}])["FlowLogs"]


def _streams(account):
    return _client("firehose", account).list_delivery_streams()["DeliveryStreamNames"]


def test_flow_logs_of_other_accounts_deliver_to_one_stream(organization):
    context = organization
    owner, members, stream = context["owner"], context["members"], context["stream"]
    names = {"source": "flowlogs-firehose-source-{0}-{1}".format(REGION, stream),
             "destination": "AWSLogDeliveryFirehoseCrossAccountRole-{0}-{1}".format(REGION, stream),
             "outside_source": "flowlogs-firehose-source-{0}-{1}".format(REGION, context["outside_stream"])}
    stream_arn = "arn:aws:firehose:{0}:{1}:deliverystream/{2}".format(REGION, owner, stream)
    destination_role_arn = "arn:aws:iam::{0}:role/{1}".format(owner, names["destination"])
    inventory = context["write"]()

    # 1. site in check mode: every target plans, nothing is created in any account.
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory, "--check")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert stream not in _streams(owner)
    assert _role(owner, names["destination"]) is None
    for host, account in members.items():
        assert _role(account, names["source"]) is None, host
        assert _flow_logs(context, host) == [], host

    # 2. site: the owner first (its stream and role exist before the members' CreateFlowLogs).
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "[WARNING]" not in proc.stdout, proc.stdout[-4000:]
    assert proc.stdout.index("log-archive") < proc.stdout.index("member-a")

    described = _client("firehose", owner).describe_delivery_stream(DeliveryStreamName=stream)["DeliveryStreamDescription"]
    assert described["DeliveryStreamARN"] == stream_arn
    role = _role(owner, names["destination"])
    assert role["tags"]["managed-by"] == "flowlogs.aws"
    # Only the source role of the member accounts, by their account principal and aws:PrincipalArn
    # (written before those roles exist, which a role principal could not be).
    assert _document(role["AssumeRolePolicyDocument"])["Statement"] == [{
        "Sid": "AllowSourceAccountRolesToAssumeRole", "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::{0}:root".format(a) for a in sorted(members.values())]},
        "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/" + names["source"]}}}]
    assert _document(role["inline"]["deliver-flow-logs-of-other-accounts"])["Statement"] == [
        {"Sid": "CreateTheLogDeliveryServiceLinkedRole", "Effect": "Allow", "Action": "iam:CreateServiceLinkedRole",
         "Resource": "arn:aws:iam::{0}:role/aws-service-role/delivery.logs.amazonaws.com/"
                     "AWSServiceRoleForLogDelivery".format(owner),
         "Condition": {"StringEquals": {"iam:AWSServiceName": "delivery.logs.amazonaws.com"}}},
        {"Sid": "TagTheStreamForLogDelivery", "Effect": "Allow", "Action": "firehose:TagDeliveryStream",
         "Resource": stream_arn}]

    for host, account in members.items():
        source_arn = "arn:aws:iam::{0}:role/{1}".format(account, names["source"])
        source = _role(account, names["source"])
        assert source["Arn"] == source_arn, host
        assert _document(source["AssumeRolePolicyDocument"])["Statement"] == [{
            "Sid": "AllowLogDeliveryToAssumeRole", "Effect": "Allow",
            "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "sts:AssumeRole"}], host
        statements = _document(source["inline"]["deliver-to-the-stream-of-another-account"])["Statement"]
        # Passed only to log delivery, for resources of this account and region, of the flow logs' types (and VPC).
        types = {"member-a": ["vpc"], "member-b": ["vpc", "subnet"]}[host]
        assert statements[0] == {
            "Sid": "PassThisRoleToLogDelivery", "Effect": "Allow", "Action": "iam:PassRole", "Resource": source_arn,
            "Condition": {"StringEquals": {"iam:PassedToService": "delivery.logs.amazonaws.com"},
                          "StringLike": {"iam:AssociatedResourceARN": [
                              "arn:aws:ec2:{0}:{1}:{2}/*".format(REGION, account, kind) for kind in types]}}}, host
        assert statements[2] == {"Sid": "AssumeTheStreamAccountRole", "Effect": "Allow", "Action": "sts:AssumeRole",
                                 "Resource": destination_role_arn}, host
    # The flow logs send the stream and both roles.
    [flow_a] = _flow_logs(context, "member-a")
    flows_b = dict((f["ResourceId"], f) for f in _flow_logs(context, "member-b"))
    subnet_b, vpc_b = context["resources"]["member-b"]
    for flow_log, account in ((flow_a, members["member-a"]), (flows_b[subnet_b], members["member-b"])):
        assert (flow_log["LogDestinationType"], flow_log["LogDestination"], flow_log["DeliverLogsPermissionArn"],
                flow_log["DeliverCrossAccountRole"]) == (
            "kinesis-data-firehose", stream_arn, "arn:aws:iam::{0}:role/{1}".format(account, names["source"]),
            destination_role_arn)
    # The stream outside the inventory: member b's own source role for it, and the role its owner gave.
    outside = flows_b[vpc_b]
    assert (outside["LogDestination"], outside["DeliverLogsPermissionArn"], outside["DeliverCrossAccountRole"]) == (
        context["outside_stream_arn"], "arn:aws:iam::{0}:role/{1}".format(members["member-b"], names["outside_source"]),
        context["outside_role_arn"])
    outside_source = _role(members["member-b"], names["outside_source"])
    assert _document(outside_source["inline"]["deliver-to-the-stream-of-another-account"])["Statement"][2][
        "Resource"] == context["outside_role_arn"]
    # Neither member built a stream or a bucket of its own.
    for host, account in members.items():
        assert _streams(account) == [], host
        assert _client("s3", account).list_buckets()["Buckets"] == [], host

    # 3. The unchanged re-run: no change in any account.
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert _recaps(proc.stdout) == dict((h, {"changed": 0, "failed": 0}) for h in ("log-archive",) + MEMBERS), (
        proc.stdout[-4000:])

    # 4. An account joins (no target yet): only the owner's role changes, its trust policy, in place.
    joined = str(int(owner) + 10)

    def join(hosts):
        hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {"account_ids": [joined]}

    inventory = context["write"](join)
    proc = run_playbook("flowlogs.aws.site", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert _recaps(proc.stdout) == {"log-archive": {"changed": 1, "failed": 0}, "member-a": {"changed": 0, "failed": 0},
                                    "member-b": {"changed": 0, "failed": 0}}, proc.stdout[-6000:]
    updated = _role(owner, names["destination"])
    assert updated["RoleId"] == role["RoleId"]
    assert _document(updated["AssumeRolePolicyDocument"])["Statement"][0]["Principal"]["AWS"] == [
        "arn:aws:iam::{0}:root".format(a) for a in sorted(list(members.values()) + [joined])]

    # 5. teardown in check mode removes nothing.
    proc = run_playbook("flowlogs.aws.teardown", {}, "-i", inventory, "--check")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert stream in _streams(owner) and _role(owner, names["destination"]) is not None
    for host, account in members.items():
        assert _role(account, names["source"]) is not None, host
        assert _flow_logs(context, host), host

    # 6. teardown: members first (flow logs, then their source roles), then the owner (stream, its
    # roles, its empty bucket).
    proc = run_playbook("flowlogs.aws.teardown", {}, "-i", inventory)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert proc.stdout.index("member-a") < proc.stdout.rindex("log-archive")
    for host, account in members.items():
        assert _flow_logs(context, host) == [], host
        assert _role(account, names["source"]) is None, host
    assert _role(members["member-b"], names["outside_source"]) is None
    assert "source role {0}: removed".format(names["source"]) in proc.stdout, proc.stdout[-4000:]
    assert stream not in _streams(owner)
    assert _role(owner, names["destination"]) is None
    assert _role(owner, "flowlogs-firehose-" + stream) is None
    assert _client("s3", owner).list_buckets()["Buckets"] == []

    # 7. The stream and role of the account outside the inventory are its owner's: left as they were.
    assert context["outside_stream"] in _streams(context["outside"])
    assert _role(context["outside"], context["outside_role"]) is not None
