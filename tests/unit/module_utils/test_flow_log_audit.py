"""The audit of one target, the report over many, telemetry-rule flow logs and connection errors."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import audit
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import connection_message
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import delivery_problem
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import remediation_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import report
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import telemetry_rule
from flow_log_samples import flow_log  # tests/unit/module_utils/flow_log_samples.py

RULE = "arn:aws:observabilityadmin:us-east-1:123456789012:telemetry-rule/vpc-flow-logs"
ORG_RULE = "arn:aws:observabilityadmin:us-east-1:123456789012:organization-telemetry-rule/org-vpc"


def _vpc(vpc_id, name=None, owner="111111111111"):
    return {"vpc_id": vpc_id, "owner_id": owner, "tags": {"Name": name} if name else {}}


def test_a_failed_delivery_does_not_count_and_says_why():
    vpcs = [_vpc("vpc-1"), _vpc("vpc-2", "prod"), _vpc("vpc-3"), {"vpc_id": "vpc-4"}]
    result = audit(vpcs, [
        flow_log("fl-1", "vpc-1"),
        flow_log("fl-2", "vpc-2", deliver="FAILED", error="Access error"),
        flow_log("fl-3", "vpc-3", traffic="ACCEPT"),
    ])
    assert result["covered"] == ["vpc-1"]
    assert [(f["vpc_id"], f["name"], f["reasons"]) for f in result["findings"]] == [
        ("vpc-2", "prod", ["flow log fl-2 cannot deliver to /g: Access error"]),
        ("vpc-3", "", ["flow log fl-3 logs only ACCEPT traffic"]),
        ("vpc-4", "", ["no flow log"]),
    ]
    assert result["findings"][0]["message"] == "vpc-2 (prod): flow log fl-2 cannot deliver to /g: Access error"
    assert result["vpcs"][:2] == [{"vpc_id": "vpc-1", "name": "", "covered": True},
                                  {"vpc_id": "vpc-2", "name": "prod", "covered": False}]
    assert result["failed_flow_logs"] == [
        {"flow_log_id": "fl-2", "resource_id": "vpc-2", "destination": "/g", "error": "Access error"}]


def test_bare_vpc_ids_still_work():
    assert audit(["vpc-1"], [])["findings"] == [
        {"vpc_id": "vpc-1", "name": "", "reasons": ["no flow log"], "message": "vpc-1: no flow log"}]


def test_delivery_problem():
    assert delivery_problem(flow_log("fl-1", "vpc-1")) == ""
    assert delivery_problem(flow_log("fl-1", "vpc-1", status="DELETING")) == "flow log fl-1 is DELETING"
    assert delivery_problem(flow_log("fl-1", "vpc-1", deliver="FAILED")) == (
        "flow log fl-1 cannot deliver to /g: DeliverLogsStatus is FAILED (no error message)")


@pytest.mark.parametrize("tags, keys, expected", [
    ({"rule": RULE}, None, RULE),
    ({"x": ORG_RULE}, None, ORG_RULE),
    ({"aws:observabilityadmin:rule-name": "vpc"}, None, "aws:observabilityadmin:rule-name=vpc"),
    ({"aws:cloudwatch:telemetry-rule": ""}, None, "aws:cloudwatch:telemetry-rule"),
    ({"CreatedBy": "TelemetryRule"}, ["CreatedBy"], "CreatedBy=TelemetryRule"),
    # A user's own tag that only mentions telemetry is not AWS's marker (only AWS writes aws: keys).
    ({"telemetry": "yes", "managed-by": "flowlogs.aws"}, None, ""),
    ({"rule": "arn:aws:iam::123456789012:role/telemetry-rule"}, None, ""),
    ({}, None, ""),
])
def test_telemetry_rule_flow_logs_are_recognised_by_their_tags(tags, keys, expected):
    assert telemetry_rule({"tags": tags}, keys) == expected


def test_telemetry_flow_logs_are_listed_and_count_like_any_flow_log():
    result = audit([_vpc("vpc-1")], [flow_log("fl-1", "vpc-1", traffic="REJECT", tags={"r": RULE})])
    assert result["covered"] == ["vpc-1"]
    assert result["telemetry_flow_logs"] == [
        {"flow_log_id": "fl-1", "resource_id": "vpc-1", "traffic_type": "REJECT", "marker": RULE}]


def _two_targets():
    east = audit([_vpc("vpc-1", "web"), _vpc("vpc-2", "db")],
                 [flow_log("fl-1", "vpc-1"), flow_log("fl-2", "vpc-2", deliver="FAILED", error="Access error"),
                  flow_log("fl-3", "subnet-1", tags={"r": RULE})])
    west = audit([_vpc("vpc-9", "edge")], [flow_log("fl-9", "vpc-9", traffic="REJECT")])
    return [
        {"target": "prod-us-east-1", "account_id": "111111111111", "region": "us-east-1", "audit": east},
        {"target": "prod-eu-west-1", "account_id": "111111111111", "region": "eu-west-1", "audit": west},
        {"target": "dev-us-east-1", "account_id": "222222222222", "region": "us-east-1",
         "error": "Failed to describe flow logs (DescribeFlowLogs) matching any: Unable to locate credentials"},
    ]


def test_the_report_covers_every_target_per_account_and_region():
    result = report(_two_targets())
    assert result["summary"] == {"targets": 3, "targets_read": 2, "targets_unreadable": 1, "targets_failed": 1,
                                 "vpcs": 3, "covered": 2, "noncompliant": 1, "percent": 66.7}
    assert [(r["account_id"], r["region"], r["vpcs"], r["covered"], r["percent"]) for r in result["coverage"]] == [
        ("111111111111", "eu-west-1", 1, 1, 100.0), ("111111111111", "us-east-1", 2, 1, 50.0)]
    assert result["noncompliant_vpcs"] == [{
        "target": "prod-us-east-1", "account_id": "111111111111", "region": "us-east-1", "vpc_id": "vpc-2",
        "name": "db", "reasons": ["flow log fl-2 cannot deliver to /g: Access error"]}]
    assert [f["flow_log_id"] for f in result["failed_flow_logs"]] == ["fl-2"]
    assert [(f["flow_log_id"], f["region"]) for f in result["telemetry_flow_logs"]] == [("fl-3", "us-east-1")]
    assert result["targets"]["prod-eu-west-1"]["vpcs"] == ["vpc-9"]
    assert result["targets"]["prod-us-east-1"]["noncompliant_vpcs"] == ["vpc-2"]
    [error] = result["errors"]
    assert error["target"] == "dev-us-east-1" and error["kind"] == "connection"
    assert "flowlogs_profile" in error["message"]


def test_a_target_whose_remediation_settings_are_wrong_is_audited_and_listed_as_failed():
    targets = _two_targets()
    problem = remediation_problems(True, None, [])[0]
    targets[1]["problems"] = [problem]
    result = report(targets)
    # Still audited: its VPC counts in the coverage, and it has its entry among the targets read.
    assert result["targets"]["prod-eu-west-1"]["vpcs"] == ["vpc-9"]
    assert result["summary"]["targets"] == 3 and result["summary"]["targets_failed"] == 2
    assert result["summary"]["targets_unreadable"] == 1 and result["summary"]["vpcs"] == 3
    assert [(e["target"], e["kind"]) for e in result["errors"]] == [
        ("prod-eu-west-1", "settings"), ("dev-us-east-1", "connection")]
    settings = result["errors"][0]["message"]
    assert settings == "Cannot remediate target prod-eu-west-1 (region eu-west-1): " + problem
    lines = result["table"].splitlines()
    assert lines[0].endswith(", 1 target(s) could not be read")
    heading = lines.index("Targets audited but not remediated (their settings are wrong):")
    assert lines[heading + 1] == "- " + settings
    # Each error is in the table once.
    assert result["table"].count(problem) == 1


def test_the_table_is_readable_and_names_every_list():
    text = report(_two_targets())["table"]
    lines = text.splitlines()
    assert lines[0] == ("VPC flow log audit: 2 of 3 VPCs covered (66.7 %) in 2 target(s), "
                        "1 target(s) could not be read")
    assert lines[2].split() == ["ACCOUNT", "REGION", "VPCS", "COVERED", "MISSING", "COVERAGE"]
    assert lines[4].split() == ["111111111111", "eu-west-1", "1", "1", "0", "100.0", "%"]
    assert "vpc-2  db" in text and "fl-2" in text and RULE in text
    assert "Targets that could not be read:" in text and "dev-us-east-1" in text


def test_a_target_without_vpcs_has_no_percentage():
    result = report([{"target": "t", "account_id": "", "region": "eu-west-3", "audit": audit([], [])}])
    assert result["summary"]["percent"] is None and result["coverage"][0]["percent"] is None
    assert "n/a" in result["table"]


@pytest.mark.parametrize("error, expected", [
    ("Failed to describe flow logs (DescribeFlowLogs) matching any: Unable to locate credentials",
     "no AWS credentials were found: set flowlogs_profile, or flowlogs_access_key and flowlogs_secret_key"),
    ("... The config profile (prod) could not be found", "no AWS credentials were found"),
    ('... Could not connect to the endpoint URL: "http://127.0.0.1:4999/"',
     "the endpoint cannot be reached: check flowlogs_endpoint_url"),
    ("An error occurred (AuthFailure) when calling the DescribeFlowLogs operation", "AWS refused the credentials"),
    ("An error occurred (UnauthorizedOperation)", "check the connection variables flowlogs_region"),
])
def test_connection_errors_name_the_target_and_the_variables_to_set(error, expected):
    message = connection_message("prod-us-east-1", "us-east-1", error, "http://127.0.0.1:4999")
    assert message.startswith("Cannot audit target prod-us-east-1 (region us-east-1, endpoint http://127.0.0.1:4999): ")
    assert expected in message
    assert message.endswith("(" + error + ")")


def test_remediation_needs_an_existing_destination():
    destinations = [{"name": "cloudwatch"}, {"name": "archive"}]
    assert remediation_problems(False, None, []) == []
    assert remediation_problems(True, "archive", destinations) == []
    assert remediation_problems(True, None, destinations) == [
        "flowlogs_audit_destination: flowlogs_audit_remediate needs the name of the flowlogs_destinations entry the "
        "remediation flow logs deliver to (cloudwatch, archive)"]
    assert remediation_problems(True, "alerts", []) == [
        "flowlogs_audit_destination: 'alerts' is not the name of a flowlogs_destinations entry (the inventory "
        "defines none: add one first)"]


def test_two_targets_on_the_same_account_and_region_count_each_vpc_once():
    targets = _two_targets()[:2]
    twin = dict(targets[0], target="prod-us-east-1-again")
    result = report(targets + [twin])
    assert result["summary"]["vpcs"] == 3 and result["summary"]["covered"] == 2
    [row] = [r for r in result["coverage"] if r["region"] == "us-east-1"]
    assert (row["vpcs"], row["covered"], row["targets"]) == (2, 1, ["prod-us-east-1", "prod-us-east-1-again"])
    assert [(v["vpc_id"], v["target"]) for v in result["noncompliant_vpcs"]] == [("vpc-2", "prod-us-east-1")]
    assert [f["flow_log_id"] for f in result["failed_flow_logs"]] == ["fl-2"]
    assert [f["flow_log_id"] for f in result["telemetry_flow_logs"]] == ["fl-3"]
    # Each target still has its own entry.
    assert result["targets"]["prod-us-east-1-again"]["noncompliant_vpcs"] == ["vpc-2"]
