"""Bad inventory values stop flowlogs.aws.site before any resource is created.

Each case is one target of a generated inventory: the LocalStack inventory's group
variables with one part overridden as host variables. One run of the site playbook covers
every case (one ansible-playbook run instead of one per case keeps CI fast); each target
must fail with a message naming the inventory field by its path
(flowlogs_flow_logs[0].log_format), and (through the API) nothing may be created: no VPC,
log group, bucket or delivery role. Each case's names carry its number, so that no two
targets of the run claim the same bucket or log group.
"""

import json
import os
import subprocess

import pytest
import yaml

from conftest import ROOT
from conftest import run_playbook

pytestmark = pytest.mark.localstack

INVENTORY = os.path.join(ROOT, "inventories", "localstack")
NAME = "flowlogs-badinv"
CWL = {"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": "/flowlogs-badinv/vpc"}
S3 = {"name": "archive", "type": "s3", "bucket_name": "flowlogs-badinv-archive"}
FLOW = {"name": "vpc", "demo_resources": "vpc", "destination": "cloudwatch"}


def _vars(**overrides):
    values = {
        "flowlogs_name": NAME,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": NAME},
        "flowlogs_demo_vpc": {"enabled": True, "cidr": "10.40.0.0/16", "ssh_cidr": "198.51.100.0/24"},
        "flowlogs_destinations": [CWL, S3],
        "flowlogs_flow_logs": [FLOW],
    }
    values.update(overrides)
    return values


CASES = {
    "unknown destination type": (
        _vars(flowlogs_destinations=[dict(CWL, type="kinesis")]),
        ["flowlogs_destinations", "type", "kinesis"],
    ),
    "invalid retention": (
        _vars(flowlogs_destinations=[dict(CWL, retention_days=42), S3]),
        ["flowlogs_destinations[0].retention_days: ", "42", "3653"],
    ),
    "malformed CIDR": (
        _vars(flowlogs_demo_vpc={"enabled": True, "cidr": "10.40.0.0/33", "ssh_cidr": "198.51.100.0/24"}),
        ["flowlogs_demo_vpc", "cidr", "10.40.0.0/33"],
    ),
    "malformed SSH CIDR": (
        _vars(flowlogs_demo_vpc={"enabled": True, "cidr": "10.40.0.0/16", "ssh_cidr": "anywhere"}),
        ["flowlogs_demo_vpc", "ssh_cidr", "anywhere"],
    ),
    "unknown format field": (
        _vars(flowlogs_flow_logs=[dict(FLOW, log_format="${version} ${srcadr} ${action}")]),
        ["flowlogs_flow_logs[0].log_format: ", "did you mean ${srcaddr}"],
    ),
    "missing role for CloudWatch Logs": (
        _vars(flowlogs_delivery_role={"create": False}),
        ["flowlogs_delivery_role", "need a delivery role"],
    ),
    "unknown destination name": (
        _vars(flowlogs_flow_logs=[dict(FLOW, destination="nowhere")]),
        ["flowlogs_flow_logs[0].destination: ", "nowhere"],
    ),
    "S3 options on a CloudWatch destination": (
        _vars(flowlogs_flow_logs=[dict(FLOW, file_format="parquet")]),
        ["flowlogs_flow_logs[0].file_format: "],
    ),
    "bucket prefix AWSLogs": (
        _vars(flowlogs_destinations=[CWL, dict(S3, prefix="AWSLogs")]),
        ["flowlogs_destinations[1].prefix: ", "AWSLogs"],
    ),
    "subnet id given for a VPC flow log": (
        _vars(flowlogs_flow_logs=[{"name": "vpc", "resource_ids": ["subnet-0123456789abcdef0"],
                                   "destination": "cloudwatch"}]),
        ["flowlogs_flow_logs[0].resource_ids: must all be VPC ids", "subnet-0123456789abcdef0"],
    ),
    "traffic type on a transit gateway": (
        _vars(flowlogs_flow_logs=[{"name": "tgw", "resource_type": "TransitGateway", "traffic_type": "ALL",
                                   "resource_ids": ["tgw-0123456789abcdef0"], "destination": "archive"}]),
        ["flowlogs_flow_logs[0].traffic_type: ", "no traffic type"],
    ),
    "REJECT alarm on a format without action": (
        _vars(flowlogs_flow_logs=[dict(FLOW, log_format="${version} ${srcaddr} ${dstaddr}")]),
        ["flowlogs_flow_logs[0].log_format: has no ${action}", "reject_alarm.enabled"],
    ),
    "lifecycle days out of order": (
        _vars(flowlogs_destinations=[CWL, dict(S3, transition_to_ia_days=60, transition_to_glacier_days=30)]),
        ["flowlogs_destinations[1]: ", "transition_to_glacier_days"],
    ),
    "REJECT alarm on an Infrequent Access log group": (
        _vars(flowlogs_destinations=[dict(CWL, log_group_class="INFREQUENT_ACCESS"), S3]),
        ["flowlogs_destinations[0].log_group_class: ", "do not support metric filters",
         "flowlogs_flow_logs[0].reject_alarm.enabled"],
    ),
    "KMS key id instead of ARN": (
        _vars(flowlogs_destinations=[dict(CWL, kms_key_arn="1234abcd-12ab-34cd-56ef-1234567890ab"), S3]),
        ["flowlogs_destinations[0].kms_key_arn: "],
    ),
    # Reported together, before anything exists.
    "several problems at once": (
        _vars(flowlogs_flow_logs=[dict(FLOW, log_format="${version} ${srcadr} ${action}"),
                                  dict(FLOW, name="second", destination="nowhere")]),
        ["2 problem(s)", "flowlogs_flow_logs[0].log_format: ", "flowlogs_flow_logs[1].destination: "],
    ),
    # Used to be accepted: the second destination overwrote the first's bucket policy.
    "one bucket for two destinations": (
        _vars(flowlogs_destinations=[CWL, S3, dict(S3, name="second", prefix="other")]),
        ["flowlogs_destinations[2].bucket_name: ", "already the destination flowlogs_destinations[1]"],
    ),
    # Used to pass, build the demo VPC, then fail in the delivery role naming delivery_role_log_group_names.
    "log group given as an ARN": (
        _vars(flowlogs_destinations=[dict(CWL, log_group_name="arn:aws:logs:us-east-1:000000000000:log-group:/flowlogs-badinv/vpc"), S3]),
        ["flowlogs_destinations[0].log_group_name: give the log group's name (/flowlogs-badinv/vpc), not its ARN"],
    ),
    # Passes the checks; the destination role refuses the key: the failure names the inventory entry.
    "later failure names the inventory entry": (
        _vars(flowlogs_demo_vpc={"enabled": False}, flowlogs_flow_logs=[], flowlogs_destinations=[
            dict(CWL, kms_key_arn="arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab")]),
        ["flowlogs_destinations[0] (cloudwatch): "],
    ),
    "KMS key of another region": (
        _vars(flowlogs_destinations=[dict(CWL, kms_key_arn="arn:aws:kms:eu-west-1:000000000000:key/1234abcd"), S3]),
        ["flowlogs_destinations[0].kms_key_arn: the key is in eu-west-1, this target in us-east-1"],
    ),
    "tags that change the ownership marker": (
        _vars(flowlogs_tags={"managed-by": "someone-else", "project": NAME}),
        ["flowlogs_tags.managed-by: ", "someone-else"],
    ),
    # Used to fail only after the delivery role, the log group and the bucket existed.
    "VPC id that does not exist": (
        _vars(flowlogs_flow_logs=[{"name": "vpc", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "cloudwatch"}]),
        ["flowlogs_flow_logs[0].resource_ids: vpc-0123456789abcdef0 not found in us-east-1 (DescribeVpcs)"],
    ),
    # The account of the credentials (flowlogs_target_info, with the given-id lookup) is checked
    # before any change.
    "credentials of another account": (
        _vars(flowlogs_account_id="111111111111"),
        ["flowlogs_account_id: this target is account 111111111111, but its credentials are of account 000000000000"],
    ),
    "1001 VPC ids": (
        _vars(flowlogs_flow_logs=[{"name": "vpc", "resource_ids": ["vpc-%017x" % i for i in range(1, 1002)],
                                   "destination": "cloudwatch"}]),
        ["flowlogs_flow_logs[0].resource_ids: vpc-00000000000000001, ", "and 991 more not found in us-east-1 (DescribeVpcs)"],
    ),
}


def _case_host(index):
    return "case{0:02d}".format(index)


def _numbered(value, index):
    """The case's values with every flowlogs-badinv name made unique to the case."""
    return json.loads(json.dumps(value).replace(NAME, "{0}{1:02d}".format(NAME, index)))


def _nothing_created(aws):
    ec2, logs, s3 = aws("ec2"), aws("logs"), aws("s3")
    vpcs = [vpc for vpc in ec2.describe_vpcs(Filters=[{"Name": "tag-key", "Values": ["project"]}])["Vpcs"]
            if any(tag["Key"] == "project" and tag["Value"].startswith(NAME) for tag in vpc.get("Tags", []))]
    groups = logs.describe_log_groups(logGroupNamePrefix="/flowlogs-badinv")["logGroups"]
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("flowlogs-badinv")]
    roles = [r["RoleName"] for r in aws("iam").list_roles()["Roles"] if r["RoleName"].startswith(NAME)]
    return {"vpcs": vpcs, "log groups": groups, "buckets": buckets, "roles": roles}


def _failure_messages(report):
    """Every failed task result of the json callback's report, as text, by host."""
    messages = {}
    for play in report["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                if result.get("failed"):
                    messages.setdefault(host, []).append(json.dumps(result.get("msg", result), ensure_ascii=False)
                                                         if not isinstance(result.get("msg"), str) else result["msg"])
    return {host: "\n".join(texts) for host, texts in messages.items()}


@pytest.fixture(scope="module")
def site_run(tmp_path_factory, aws):
    """One site run over a generated inventory: a target per case."""
    workdir = tmp_path_factory.mktemp("badinv")
    with open(os.path.join(INVENTORY, "hosts.yml")) as handle:
        hosts = yaml.safe_load(handle)
    group = hosts["flowlogs_targets"]
    base = group["hosts"]["localstack-us-east-1"]
    group["hosts"] = {_case_host(index): dict(base, **_numbered(CASES[case][0], index))
                      for index, case in enumerate(sorted(CASES))}
    with open(os.path.join(str(workdir), "hosts.yml"), "w") as handle:
        yaml.safe_dump(hosts, handle)
    os.symlink(os.path.join(INVENTORY, "group_vars"), os.path.join(str(workdir), "group_vars"))
    proc = run_playbook("flowlogs.aws.site", {}, "-i", str(workdir), "--forks", "8",
                        env={"ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json"}, stderr=subprocess.PIPE)
    report = json.loads(proc.stdout)
    return proc, report, _failure_messages(report), _nothing_created(aws)


def test_the_run_fails_and_creates_nothing(site_run):
    proc, report, _messages, created = site_run
    assert proc.returncode != 0
    assert set(report["stats"]) == {_case_host(index) for index in range(len(CASES))}
    assert created == {"vpcs": [], "log groups": [], "buckets": [], "roles": []}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_inventory_stops_before_any_resource(case, site_run):
    _proc, report, messages, _created = site_run
    index = sorted(CASES).index(case)
    host = _case_host(index)
    assert report["stats"][host]["failures"] == 1, report["stats"][host]
    output = messages.get(host, "")
    for text in _numbered(CASES[case][1], index):
        assert text in output, "{0!r} not in output:\n{1}".format(text, output[-3000:])
