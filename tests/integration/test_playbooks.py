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
        # The audit's remediation comes in flowlogs_extra_flow_logs, which this does not hide.
        "flowlogs_flow_logs": [],
    }
    yield vpcs, values, suffix
    proc = run_playbook("flowlogs.aws.teardown", values, "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    # Teardown says what it removed.
    assert "Flow logs removed: " in proc.stdout
    assert "- cloudwatch: removed the log group /flowlogs-pb/" + suffix in proc.stdout
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": vpcs}])["FlowLogs"]
    assert left == [], "teardown must remove the flow logs the playbooks created"
    assert aws("logs").describe_log_groups(logGroupNamePrefix="/flowlogs-pb/" + suffix)["logGroups"] == []
    for vpc in vpcs:
        ec2.delete_vpc(VpcId=vpc)


def test_enable_logs_existing_vpcs_found_by_tag_and_is_idempotent(described, aws):
    vpcs, values, suffix = described
    # A format with a tag field, and its tag field specifications: from the inventory to CreateFlowLogs.
    values["flowlogs_flow_logs"] = [{
        "name": "tagged-vpcs", "resource_type": "VPC", "resource_filters": {"tag:playbook-test": suffix},
        "destination": "cloudwatch", "traffic_type": "REJECT",
        "log_format": "${version} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${instance-tag}",
        "tag_field_specifications": [{"resource_type": "instance", "tag_keys": ["Name"]}],
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
    assert {fl["LogFormat"] for fl in flow_logs} == {values["flowlogs_flow_logs"][0]["log_format"]}
    assert [fl.get("TagFieldSpecifications") for fl in flow_logs] == [
        [{"ResourceType": "instance", "TagKeys": ["Name"]}]] * 2
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
    proc = run_playbook("flowlogs.aws.audit", dict(values, flowlogs_audit_report_path=str(report)), "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    findings = json.loads(report.read_text())["targets"]["localstack-us-east-1"]
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
    assert unlogged not in json.loads(report.read_text())["targets"]["localstack-us-east-1"]["noncompliant_vpcs"]

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


def test_audit_writes_one_report_over_every_target(aws, tmp_path):
    """Two regions of the LocalStack account, a target whose endpoint cannot be reached and one
    whose remediation names no destination, in one run: one report (JSON and table) with every
    target, the VPC names, a flow log whose delivery FAILED and one a CloudWatch telemetry rule
    manages; the two bad targets are in the report with messages naming what to set (each
    printed once) and fail at the end pointing there; the one with bad settings is still audited."""
    suffix = uuid.uuid4().hex[:8]
    rule = "arn:aws:observabilityadmin:us-east-1:000000000000:telemetry-rule/vpc-" + suffix
    east, west = _regional(aws, "ec2", "us-east-1"), _regional(aws, "ec2", "eu-west-1")
    vpcs = {}
    for region, ec2 in (("us-east-1", east), ("eu-west-1", west)):
        vpcs[region] = ec2.create_vpc(CidrBlock="10.64.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "audit-%s-%s" % (region, suffix)}]}])["Vpc"]["VpcId"]
    aws("s3").create_bucket(Bucket="audit-" + suffix)
    # moto (behind LocalStack) reports DeliverLogsStatus FAILED, "Access error", for a flow log whose
    # log group does not exist: it does not count.
    failed = east.create_flow_logs(ResourceType="VPC", ResourceIds=[vpcs["us-east-1"]], TrafficType="REJECT",
                                   LogGroupName="/flowlogs-pb-missing/" + suffix,
                                   DeliverLogsPermissionArn="arn:aws:iam::000000000000:role/flowlogs-pb-" + suffix)
    # As a telemetry rule's flow log is marked (a tag holding the rule's ARN): covered, listed, left alone.
    ruled = west.create_flow_logs(ResourceType="VPC", ResourceIds=[vpcs["eu-west-1"]], TrafficType="ALL",
                                  LogDestinationType="s3", LogDestination="arn:aws:s3:::audit-" + suffix,
                                  TagSpecifications=[{"ResourceType": "vpc-flow-log",
                                                      "Tags": [{"Key": "telemetry-rule", "Value": rule}]}])
    inventory = tmp_path / "audit.yml"
    endpoint = aws("ec2").meta.endpoint_url
    inventory.write_text(json.dumps({"flowlogs_targets": {
        "hosts": {"ls-us-east-1": {"flowlogs_region": "us-east-1"},
                  "ls-eu-west-1": {"flowlogs_region": "eu-west-1"},
                  # Port 9 (discard) is closed here: nothing listens.
                  "unreachable": {"flowlogs_region": "us-east-1", "flowlogs_endpoint_url": "http://127.0.0.1:9"},
                  "no-destination": {"flowlogs_region": "us-east-1", "flowlogs_audit_remediate": True}},
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                 "flowlogs_endpoint_url": endpoint, "flowlogs_access_key": "test", "flowlogs_secret_key": "test"}}}))
    report = tmp_path / "audit.json"
    try:
        proc = run_playbook("flowlogs.aws.audit", {"flowlogs_audit_report_path": str(report)}, "-i", str(inventory))
        assert proc.returncode != 0, proc.stdout[-3000:]
        out = re.sub(r"\s+", " ", proc.stdout)
        unreachable = ("Cannot audit target unreachable (region us-east-1, endpoint http://127.0.0.1:9): the endpoint "
                       "cannot be reached: check flowlogs_endpoint_url")
        no_destination = ("Cannot remediate target no-destination (region us-east-1): flowlogs_audit_destination: "
                          "flowlogs_audit_remediate needs the name of the flowlogs_destinations entry the remediation "
                          "flow logs deliver to (the inventory defines none: add one first)")
        # Each error once, in the printed table; the raw botocore error is not printed besides it.
        assert out.count(unreachable) == 1 and out.count(no_destination) == 1, proc.stdout[-3000:]
        assert out.count("Could not connect to the endpoint URL") == 1
        assert ('The audit of unreachable failed: see "Targets that could not be read" in the report above' in out)
        assert ('The audit of no-destination failed: see "Targets audited but not remediated (their settings are '
                'wrong)" in the report above') in out
        recap = dict(re.findall(r"^(\S+)\s+: ok=\d+\s+changed=\d+\s+unreachable=\d+\s+failed=(\d+)",
                                proc.stdout, re.M))
        assert recap == {"ls-us-east-1": "0", "ls-eu-west-1": "0", "unreachable": "1", "no-destination": "1"}

        result = json.loads(report.read_text())
        assert sorted(result["targets"]) == ["ls-eu-west-1", "ls-us-east-1", "no-destination"]
        assert sorted((e["target"], e["kind"]) for e in result["errors"]) == [
            ("no-destination", "settings"), ("unreachable", "connection")]
        assert sorted(result["failures"]) == ["no-destination", "unreachable"]
        assert vpcs["us-east-1"] in result["targets"]["no-destination"]["noncompliant_vpcs"]
        regions = dict((row["region"], row) for row in result["coverage"])
        assert sorted(regions) == ["eu-west-1", "us-east-1"]
        for row in regions.values():
            assert row["account_id"] == "000000000000" and row["vpcs"] >= 1
            assert row["percent"] == round(100.0 * row["covered"] / row["vpcs"], 1)
        missing = dict((v["vpc_id"], v) for v in result["noncompliant_vpcs"])
        assert missing[vpcs["us-east-1"]]["name"] == "audit-us-east-1-" + suffix
        assert missing[vpcs["us-east-1"]]["reasons"] == ["flow log {0} cannot deliver to /flowlogs-pb-missing/{1}: "
                                                         "Access error".format(failed["FlowLogIds"][0], suffix)]
        assert vpcs["eu-west-1"] not in missing
        assert [(f["flow_log_id"], f["error"]) for f in result["failed_flow_logs"]
                if f["resource_id"] == vpcs["us-east-1"]] == [(failed["FlowLogIds"][0], "Access error")]
        assert [(f["flow_log_id"], f["region"], f["marker"]) for f in result["telemetry_flow_logs"]
                if f["resource_id"] == vpcs["eu-west-1"]] == [(ruled["FlowLogIds"][0], "eu-west-1", rule)]
        table = (tmp_path / "audit.txt").read_text()
        assert table == result["table"] + "\n"
        assert "audit-us-east-1-" + suffix in table and "Access error" in table and rule in table
        assert "Targets that could not be read:" in table and "Targets audited but not remediated" in table
        # The same table is printed once, not per target.
        assert proc.stdout.count("VPC flow log audit: ") == 1
    finally:
        east.delete_flow_logs(FlowLogIds=failed["FlowLogIds"])
        west.delete_flow_logs(FlowLogIds=ruled["FlowLogIds"])
        for region, ec2 in (("us-east-1", east), ("eu-west-1", west)):
            ec2.delete_vpc(VpcId=vpcs[region])
        aws("s3").delete_bucket(Bucket="audit-" + suffix)


def _policy(aws, bucket):
    return json.loads(aws("s3").get_bucket_policy(Bucket=bucket)["Policy"])


def test_audit_remediation_keeps_the_bucket_policy_site_made(aws):
    """Audit remediation used to drop the demo VPC's flow logs from the description, and so
    rewrote the bucket policy for plain keys (.../AWSLogs/ACCOUNT/*) although the demo's Hive
    layout (.../AWSLogs/aws-account-id=ACCOUNT/*) still delivers there."""
    ec2 = aws("ec2")
    suffix = uuid.uuid4().hex[:8]
    bucket = "flowlogs-pb-archive-" + suffix
    values = {
        "flowlogs_name": "flowlogs-pb-" + suffix,
        "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "pb-" + suffix},
        "flowlogs_demo_vpc": {"enabled": True, "cidr": "10.61.0.0/16", "az_count": 1, "ssh_cidr": "198.51.100.0/24"},
        "flowlogs_destinations": [
            {"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": "/flowlogs-pb/" + suffix},
            {"name": "archive", "type": "s3", "bucket_name": bucket, "prefix": "vpc", "force_delete": True},
        ],
        "flowlogs_flow_logs": [
            {"name": "subnets-to-s3", "demo_resources": "subnets", "destination": "archive", "traffic_type": "ALL",
             "file_format": "parquet", "hive_compatible_partitions": True, "per_hour_partition": True,
             "query_ready": False},
        ],
    }
    unlogged = ec2.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]
    try:
        site = run_playbook("flowlogs.aws.site", values, "-i", INVENTORY)
        assert site.returncode == 0, site.stdout[-3000:]
        after_site = _policy(aws, bucket)
        assert "/vpc/AWSLogs/aws-account-id=" in json.dumps(after_site)
        remediate = dict(values, flowlogs_audit_remediate=True, flowlogs_audit_destination="cloudwatch")
        audit = run_playbook("flowlogs.aws.audit", remediate, "-i", INVENTORY)
        assert audit.returncode == 0, audit.stdout[-3000:]
        assert _policy(aws, bucket) == after_site
        remediated = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [unlogged]}])["FlowLogs"]
        assert [fl["LogGroupName"] for fl in remediated] == ["/flowlogs-pb/" + suffix]
        # The demo VPC's flow logs were left as site made them.
        demo = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [values["flowlogs_name"]]}])["Vpcs"]
        assert len(demo) == 1
    finally:
        down = run_playbook("flowlogs.aws.teardown", values, "-i", INVENTORY)
        ec2.delete_vpc(VpcId=unlogged)
    assert down.returncode == 0, down.stdout[-3000:]
    assert ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [unlogged]}])["FlowLogs"] == []
    assert bucket not in [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]


def test_teardown_finds_flow_logs_by_the_marker_not_by_flowlogs_tags(described, aws):
    """flowlogs_tags without managed-by: the flow logs still carry the marker, and teardown
    (run by the fixture) removes them before their log group."""
    vpcs, values, suffix = described
    values["flowlogs_tags"] = {"project": "pb-" + suffix}
    values["flowlogs_flow_logs"] = [{"name": "one", "resource_ids": [vpcs[0]], "destination": "cloudwatch",
                                     "traffic_type": "REJECT"}]
    proc = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    flow_logs = aws("ec2").describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpcs[0]]}])["FlowLogs"]
    assert [{t["Key"]: t["Value"] for t in fl.get("Tags", [])} for fl in flow_logs] == [
        {"managed-by": "flowlogs.aws", "project": "pb-" + suffix}]


def test_teardown_keeps_a_destination_other_flow_logs_deliver_to(described, aws):
    vpcs, values, suffix = described
    values["flowlogs_flow_logs"] = [{"name": "one", "resource_ids": [vpcs[0]], "destination": "cloudwatch",
                                     "traffic_type": "ALL"}]
    proc = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    ec2 = aws("ec2")
    role = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpcs[0]]}])["FlowLogs"][0]
    # A flow log someone else made to the same log group (no marker).
    foreign = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpcs[1]], TrafficType="ALL",
                                   LogGroupName="/flowlogs-pb/" + suffix,
                                   DeliverLogsPermissionArn=role["DeliverLogsPermissionArn"])["FlowLogIds"]
    down = run_playbook("flowlogs.aws.teardown", values, "-i", INVENTORY)
    assert down.returncode == 0, down.stdout[-3000:]
    assert "- cloudwatch: KEPT the log group /flowlogs-pb/{0}: still the destination of flow logs {1}".format(
        suffix, foreign[0]) in down.stdout
    # The foreign flow log delivers with the collection's role too: the role is kept, and the summary says why.
    role_name = "flowlogs-pb-{0}-delivery-us-east-1".format(suffix)
    role_line = "- delivery role {0}: ".format(role_name)
    assert role_line + "KEPT: flow logs {0}, which this teardown does not remove, still deliver with it".format(
        foreign[0]) in down.stdout, down.stdout[-3000:]
    assert aws("iam").get_role(RoleName=role_name)["Role"]["Arn"] == role["DeliverLogsPermissionArn"]
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": vpcs}])["FlowLogs"]
    assert [fl["FlowLogId"] for fl in left] == foreign
    assert aws("logs").describe_log_groups(logGroupNamePrefix="/flowlogs-pb/" + suffix)["logGroups"] != []
    # With flowlogs_adopt, teardown takes the foreign flow log too, then the role (the fixture's teardown finds nothing).
    adopted = run_playbook("flowlogs.aws.teardown", dict(values, flowlogs_adopt=True), "-i", INVENTORY)
    assert adopted.returncode == 0, adopted.stdout[-3000:]
    assert "Flow logs removed: " + foreign[0] in adopted.stdout
    assert role_line + "removed" in adopted.stdout, adopted.stdout[-3000:]


def test_weak_settings_warn_naming_the_control_and_teardown_of_nothing_says_so(described, aws):
    vpcs, values, suffix = described
    values["flowlogs_destinations"][0]["retention_days"] = 30
    values["flowlogs_flow_logs"] = [{"name": "accepts", "resource_ids": [vpcs[0]], "destination": "cloudwatch",
                                     "traffic_type": "ACCEPT"}]
    proc = run_playbook("flowlogs.aws.enable", values, "-i", INVENTORY)
    assert proc.returncode == 0, proc.stdout[-3000:]
    out = re.sub(r"\s+", " ", proc.stdout)
    for text in ("[WARNING]: flowlogs_destinations[0].retention_days: 30 days", "CloudWatch.16",
                 "flowlogs_flow_logs[0].traffic_type: ACCEPT", "EC2.6",
                 "flowlogs_flow_logs[0].reject_alarm: the REJECT alarm has no action", "CloudWatch.15"):
        assert text in out, text
    # An ACCEPT-only flow log records no rejected flows: those saved queries would return nothing, so
    # they are not saved, and the run says so at normal verbosity.
    assert ("Not saved: rejected_traffic: the flow log captures only ACCEPT traffic, so a query of REJECT records "
            "returns nothing; rejected_by_source: the flow log captures only ACCEPT traffic") in out
    folder = "flowlogs/flowlogs-pb/%s/accepts/" % suffix
    saved = [d["name"] for d in aws("logs").describe_query_definitions(queryDefinitionNamePrefix=folder)["queryDefinitions"]]
    assert saved and folder + "Top talkers by bytes" in saved
    assert not [name for name in saved if "Rejected" in name], saved
    nothing = {"flowlogs_name": "flowlogs-nothing-" + suffix, "flowlogs_demo_vpc": {"enabled": False},
               "flowlogs_destinations": [], "flowlogs_flow_logs": [], "flowlogs_delivery_role": {"create": False}}
    built = run_playbook("flowlogs.aws.enable", nothing, "-i", INVENTORY)
    assert built.returncode == 0, built.stdout[-3000:]
    assert "The inventory describes nothing (no destination, no flow log, no demo VPC): nothing to build" in built.stdout
    empty = run_playbook("flowlogs.aws.teardown", nothing, "-i", INVENTORY)
    assert empty.returncode == 0, empty.stdout[-3000:]
    assert "The inventory describes nothing (no destination, no flow log, no demo VPC): nothing to remove" in empty.stdout


def _regional(aws, service, region):
    """A client of the test endpoint in another region."""
    endpoint = aws(service).meta.endpoint_url
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))
