"""The whole-inventory checks, derived values, weak-setting warnings and teardown plan."""

import copy
import os

import pytest
import yaml

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import DESTINATION_DEFAULTS
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import flow_logs_definitions
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import missing_resource_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import teardown_plan
from flow_log_samples import flow_log  # tests/unit/module_utils/flow_log_samples.py

CWL = {"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": "/flowlogs/vpc", "retention_days": 365}
S3 = {"name": "archive", "type": "s3", "bucket_name": "flowlogs-archive", "prefix": "vpc-flow-logs"}
GOOD = {
    "flowlogs_name": "flowlogs-demo",
    "flowlogs_tags": {"managed-by": "flowlogs.aws", "project": "demo"},
    "flowlogs_demo_vpc": {"enabled": True, "cidr": "10.10.0.0/16", "ssh_cidr": "198.51.100.0/24"},
    "flowlogs_destinations": [CWL, S3],
    "flowlogs_flow_logs": [
        {"name": "vpc-to-cloudwatch", "demo_resources": "vpc", "destination": "cloudwatch", "traffic_type": "ALL",
         "reject_alarm": {"sns_topic_name": "flowlogs-demo-rejects"}},
        {"name": "subnets-to-s3", "demo_resources": "subnets", "destination": "archive", "traffic_type": "ALL",
         "file_format": "parquet", "hive_compatible_partitions": True, "per_hour_partition": True},
        {"name": "given", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "archive", "traffic_type": "REJECT"},
    ],
}


def _with(**changes):
    values = copy.deepcopy(GOOD)
    values.update(changes)
    return values


def test_a_good_inventory_has_no_problem_and_no_warning():
    checked = check_inventory(GOOD)
    assert checked["problems"] == []
    assert checked["warnings"] == []


def test_every_problem_is_reported_at_once_with_its_path():
    values = _with(flowlogs_flow_logs=[
        {"name": "a", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "cloudwatch",
         "log_format": "${version} ${srcadr} ${action}"},
        {"name": "b", "resource_ids": ["subnet-0123456789abcdef0"], "destination": "nowhere"},
    ])
    problems = check_inventory(values)["problems"]
    assert any(p.startswith("flowlogs_flow_logs[0].log_format: ") and "did you mean ${srcaddr}" in p for p in problems)
    assert any(p.startswith("flowlogs_flow_logs[1].resource_ids: must all be VPC ids") for p in problems)
    assert any(p.startswith("flowlogs_flow_logs[1].destination: ") and "'nowhere'" in p for p in problems)
    assert check_inventory(values)["plan"] == {}


def test_one_bucket_claimed_by_two_destinations_is_refused():
    values = _with(flowlogs_destinations=[CWL, S3, dict(S3, name="second", prefix="other")])
    problems = check_inventory(values)["problems"]
    assert problems == [
        "flowlogs_destinations[2].bucket_name: the bucket flowlogs-archive is already the destination "
        "flowlogs_destinations[1]; each destination needs its own bucket (its policy and settings are written whole), "
        "so let the flow logs share one destination instead"]


def test_one_log_group_claimed_twice_is_refused():
    values = _with(flowlogs_destinations=[CWL, S3, dict(CWL, name="again")])
    assert [p.split(":")[0] for p in check_inventory(values)["problems"]] == ["flowlogs_destinations[2].log_group_name"]


def test_a_log_group_arn_is_refused_with_the_name_to_use():
    arn = "arn:aws:logs:us-east-1:123456789012:log-group:/flowlogs/vpc:*"
    values = _with(flowlogs_destinations=[dict(CWL, log_group_name=arn), S3])
    assert check_inventory(values)["problems"] == [
        "flowlogs_destinations[0].log_group_name: give the log group's name (/flowlogs/vpc), not its ARN "
        "(got '{0}')".format(arn)]


@pytest.mark.parametrize("tags", [{"managed-by": "me"}, {"managed-by": ""}])
def test_tags_that_change_the_marker_are_refused(tags):
    problems = check_inventory(_with(flowlogs_tags=tags))["problems"]
    assert len(problems) == 1 and problems[0].startswith("flowlogs_tags.managed-by: ")


def test_flow_log_tags_that_change_the_marker_are_refused():
    values = _with()
    values["flowlogs_flow_logs"][2]["tags"] = {"managed-by": "someone"}
    assert check_inventory(values)["problems"][0].startswith("flowlogs_flow_logs[2].tags.managed-by: ")


def test_tags_aws_refuses_are_refused_with_the_field():
    problems = check_inventory(_with(flowlogs_tags={"aws:owner": "x", "k": "v" * 257}))["problems"]
    assert [p.split(":")[0] for p in problems] == ["flowlogs_tags", "flowlogs_tags.k"]


def test_object_lock_without_versioning_is_refused():
    values = _with()
    values["flowlogs_destinations"][1] = dict(S3, object_lock=True, versioning=False)
    assert check_inventory(values)["problems"] == [
        "flowlogs_destinations[1].object_lock: Object Lock needs versioning; set versioning to true or object_lock "
        "to false"]


def test_the_delivery_role_name_is_derived_once_and_checked():
    plan = check_inventory(_with(flowlogs_region="eu-west-1"))["plan"]
    assert plan["delivery_role_name"] == "flowlogs-demo-delivery-eu-west-1"
    named = _with(flowlogs_delivery_role={"name": "my-role"})
    assert check_inventory(named)["plan"]["delivery_role_name"] == "my-role"
    problems = check_inventory(_with(flowlogs_name="x" * 60, flowlogs_region="eu-west-1"))["problems"]
    assert len(problems) == 1 and problems[0].startswith("flowlogs_name: the delivery role's name")
    problems = check_inventory(_with(flowlogs_delivery_role={"name": "bad name"}))["problems"]
    assert len(problems) == 1 and problems[0].startswith("flowlogs_delivery_role.name: ")


def test_tags_without_the_marker_get_it():
    plan = check_inventory(_with(flowlogs_tags={"project": "x"}))["plan"]
    assert plan["tags"] == {"project": "x", "managed-by": "flowlogs.aws"}
    assert plan["marker"] == {"managed-by": "flowlogs.aws"}


def test_layouts_come_from_the_whole_description_even_when_demo_flow_logs_are_skipped():
    plan = check_inventory(GOOD, skip_demo=True)["plan"]
    assert plan["applied_flow_logs"] == ["given"]
    assert plan["hive_destinations"] == ["archive"]
    assert plan["plain_destinations"] == ["cloudwatch", "archive"]


def test_given_ids_are_those_of_applied_flow_logs_by_type():
    assert check_inventory(GOOD)["plan"]["given_ids"] == {"VPC": ["vpc-0123456789abcdef0"]}


def test_repeated_and_transit_gateway_rules():
    values = _with(flowlogs_flow_logs=[
        {"name": "dup", "resource_ids": ["vpc-0123456789abcdef0", "vpc-0123456789abcdef0"], "destination": "archive"},
        {"name": "tgw", "resource_type": "TransitGateway", "resource_ids": ["tgw-0123456789abcdef0"],
         "traffic_type": "ALL", "max_aggregation_interval": 600, "destination": "archive"},
    ])
    problems = check_inventory(values)["problems"]
    assert "flowlogs_flow_logs[0].resource_ids: lists vpc-0123456789abcdef0 more than once" in problems
    assert any(p.startswith("flowlogs_flow_logs[1].traffic_type: ") for p in problems)
    assert any(p.startswith("flowlogs_flow_logs[1].max_aggregation_interval: ") for p in problems)


def test_other_local_rules_name_their_field():
    values = _with(
        flowlogs_demo_vpc={"enabled": False},
        flowlogs_delivery_role={"create": False},
        flowlogs_destinations=[dict(CWL, kms_key_arn="alias/x"),
                               dict(S3, prefix="AWSLogs/x", transition_to_ia_days=60, transition_to_glacier_days=30)],
        flowlogs_flow_logs=[
            {"name": "bad name!", "demo_resources": "vpc", "destination": "cloudwatch", "file_format": "parquet",
             "log_format": "${version} ${srcaddr}", "athena": {"table": "Bad-Table"}},
            {"name": "none", "destination": "archive"},
        ])
    fields = sorted(p.split(": ")[0] for p in check_inventory(values)["problems"])
    assert fields == sorted([
        "flowlogs_delivery_role", "flowlogs_destinations[0].kms_key_arn", "flowlogs_destinations[1]",
        "flowlogs_destinations[1].prefix", "flowlogs_flow_logs[0].athena.table", "flowlogs_flow_logs[0].demo_resources",
        "flowlogs_flow_logs[0].file_format", "flowlogs_flow_logs[0].log_format", "flowlogs_flow_logs[0].name",
        "flowlogs_flow_logs[1]"])


def test_a_kms_key_of_another_region_is_refused():
    values = _with(flowlogs_region="us-east-1",
                   flowlogs_destinations=[dict(CWL, kms_key_arn="arn:aws:kms:eu-west-1:123456789012:key/k"), S3])
    assert check_inventory(values)["problems"] == [
        "flowlogs_destinations[0].kms_key_arn: the key is in eu-west-1, this target in us-east-1; use a key of us-east-1"]


def test_unique_names():
    values = _with(flowlogs_destinations=[CWL, S3, dict(S3, bucket_name="other-bucket")])
    assert check_inventory(values)["problems"][0].startswith("flowlogs_destinations[2].name: the name 'archive'")


def test_weak_settings_are_warned_naming_the_control():
    values = _with(flowlogs_destinations=[dict(CWL, retention_days=30, kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k"), S3])
    values["flowlogs_flow_logs"][0]["reject_alarm"] = {}
    values["flowlogs_flow_logs"][2]["traffic_type"] = "ACCEPT"
    checked = check_inventory(values)
    assert checked["problems"] == []
    controls = [w.split(": ")[0] + " " + next(c for c in ("CloudWatch.16", "CloudWatch.15", "EC2.6", "S3.17") if c in w)
                for w in checked["warnings"]]
    assert controls == [
        "flowlogs_destinations[0].retention_days CloudWatch.16",
        "flowlogs_destinations[1].kms_key_arn S3.17",
        "flowlogs_flow_logs[0].reject_alarm CloudWatch.15",
        "flowlogs_flow_logs[2].traffic_type EC2.6",
    ]


def test_no_warning_when_removing():
    values = _with(flowlogs_state="absent", flowlogs_destinations=[dict(CWL, retention_days=1), S3])
    assert check_inventory(values)["warnings"] == []


def test_a_disabled_alarm_is_not_weak():
    values = _with()
    values["flowlogs_flow_logs"][0]["reject_alarm"] = {"enabled": False}
    assert check_inventory(values)["warnings"] == []


def test_missing_ids_are_named_by_field_and_call():
    values = _with()
    assert missing_resource_problems(values, {"VPC": []}, "us-east-1") == [
        "flowlogs_flow_logs[2].resource_ids: vpc-0123456789abcdef0 not found in us-east-1 (DescribeVpcs)"]
    assert missing_resource_problems(values, {"VPC": ["vpc-0123456789abcdef0"]}) == []
    assert missing_resource_problems(values, {}) == []


def test_many_missing_ids_are_counted_not_all_listed():
    ids = ["vpc-%017x" % i for i in range(1, 1002)]
    values = _with(flowlogs_flow_logs=[{"name": "many", "resource_ids": ids, "destination": "cloudwatch"}])
    assert missing_resource_problems(values, {"VPC": ids[:1]}) == [
        "flowlogs_flow_logs[0].resource_ids: " + ", ".join(ids[1:11]) + " and 990 more not found (DescribeVpcs)"]


def test_teardown_removes_only_marked_flow_logs_and_keeps_destinations_others_use():
    marked = {"managed-by": "flowlogs.aws"}
    flow_logs = [
        flow_log("fl-ours", "vpc-1", tags=marked),
        flow_log("fl-foreign", "vpc-2", tags={"project": "x"}),
        flow_log("fl-s3", "vpc-1", tags=marked, log_group_name=None, log_destination_type="s3",
                 log_destination="arn:aws:s3:::flowlogs-archive/vpc-flow-logs/"),
        flow_log("fl-elsewhere", "vpc-1", tags=marked, log_group_name="/other"),
    ]
    destinations = [dict(CWL, log_group_name="/g"), S3]
    plan = teardown_plan(flow_logs, destinations)
    assert plan["remove"] == ["fl-ours", "fl-s3"]
    assert list(plan["keep"]) == ["cloudwatch"] and "fl-foreign" in plan["keep"]["cloudwatch"]
    adopted = teardown_plan(flow_logs, destinations, adopt=True)
    assert adopted == {"remove": ["fl-ours", "fl-foreign", "fl-s3"], "keep": {}, "role_keep": ""}


def test_teardown_keeps_the_delivery_role_while_a_flow_log_it_leaves_delivers_with_it():
    role = "arn:aws:iam::123456789012:role/flowlogs/demo-delivery-us-east-1"
    marked = {"managed-by": "flowlogs.aws"}
    flow_logs = [
        flow_log("fl-ours", "vpc-1", tags=marked, deliver_logs_permission_arn=role),
        # Another team's flow log, to a log group of its own, with the collection's role.
        flow_log("fl-foreign", "vpc-2", log_group_name="/theirs", deliver_logs_permission_arn=role),
        flow_log("fl-other-role", "vpc-3", log_group_name="/theirs",
                 deliver_logs_permission_arn="arn:aws:iam::123456789012:role/demo-delivery-us-east-1-x"),
    ]
    destinations = [dict(CWL, log_group_name="/g")]
    plan = teardown_plan(flow_logs, destinations, delivery_role_name="demo-delivery-us-east-1")
    assert plan["remove"] == ["fl-ours"] and plan["keep"] == {}
    assert plan["role_keep"] == "flow logs fl-foreign, which this teardown does not remove, still deliver with it"
    # Once only the collection's flow logs use it, the role may go; without a name nothing is kept.
    assert teardown_plan(flow_logs[:1], destinations, delivery_role_name="demo-delivery-us-east-1")["role_keep"] == ""
    assert teardown_plan(flow_logs, destinations)["role_keep"] == ""


def test_teardown_never_removes_a_telemetry_rules_flow_log_even_with_adopt():
    rule = "arn:aws:observabilityadmin:us-east-1:123456789012:telemetry-rule/vpc-flow-logs"
    flow_logs = [flow_log("fl-rule", "vpc-1", tags={"rule": rule}), flow_log("fl-foreign", "vpc-2")]
    plan = teardown_plan(flow_logs, [dict(CWL, log_group_name="/g")], adopt=True)
    assert plan["remove"] == ["fl-foreign"]
    assert plan["keep"] == {"cloudwatch": "still the destination of flow logs fl-rule, which a CloudWatch telemetry "
                                          "rule manages (never removed here)"}


@pytest.mark.parametrize("retention", [1096, 2192, 2557, 2922, 3288, 3653, 0])
def test_every_retention_cloudwatch_logs_accepts_passes(retention):
    assert check_inventory(_with(flowlogs_destinations=[dict(CWL, retention_days=retention), S3]))["problems"] == []


def test_a_retention_cloudwatch_logs_refuses_names_the_field():
    problems = check_inventory(_with(flowlogs_destinations=[dict(CWL, retention_days=42), S3]))["problems"]
    assert len(problems) == 1
    assert problems[0].startswith("flowlogs_destinations[0].retention_days: 42 is not a retention")


def test_infrequent_access_refuses_the_reject_alarm_naming_both_fields():
    values = _with(flowlogs_destinations=[dict(CWL, log_group_class="INFREQUENT_ACCESS"), S3])
    problems = check_inventory(values)["problems"]
    assert len(problems) == 1
    assert problems[0].startswith("flowlogs_destinations[0].log_group_class: ")
    assert "flowlogs_flow_logs[0].reject_alarm.enabled" in problems[0]
    values["flowlogs_flow_logs"][0]["reject_alarm"] = {"enabled": False}
    assert check_inventory(values)["problems"] == []


def test_a_created_key_is_kms_and_excludes_a_given_key():
    created = _with(flowlogs_destinations=[dict(CWL, kms_key_create=True), dict(S3, kms_key_create=True)])
    assert check_inventory(created)["problems"] == []
    assert check_inventory(created)["warnings"] == []
    both = _with(flowlogs_destinations=[
        dict(CWL, kms_key_create=True, kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k"), S3])
    assert check_inventory(both)["problems"] == [
        "flowlogs_destinations[0].kms_key_create: give kms_key_arn or kms_key_create, not both"]


def test_destination_inputs_apply_the_documented_defaults_once():
    """The plan's defaults are those meta/argument_specs.yml documents for flowlogs_destinations[]."""
    specs = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "flowlogs", "meta", "argument_specs.yml")
    with open(specs) as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]["flowlogs_destinations"]["options"]
    assert DESTINATION_DEFAULTS == dict((key, options[key]["default"]) for key in DESTINATION_DEFAULTS)
    inputs = check_inventory(GOOD)["plan"]["destination_inputs"]
    assert [i["type"] for i in inputs] == ["cloud-watch-logs", "s3"]
    assert (inputs[0]["log_group_retention"], inputs[0]["log_group_class"]) == (365, "STANDARD")
    assert (inputs[1]["bucket_transition_to_ia_days"], inputs[1]["bucket_transition_to_glacier_days"],
            inputs[1]["bucket_expiration_days"], inputs[1]["bucket_versioning"]) == (30, 90, 365, True)
    assert (inputs[1]["hive_compatible_partitions"], inputs[1]["plain_partitions"]) == (True, True)
    given = check_inventory(_with(flowlogs_destinations=[dict(CWL, retention_days=0), dict(
        S3, versioning=False, transition_to_ia_days=0, expiration_days=0)]))["plan"]["destination_inputs"]
    assert given[0]["log_group_retention"] == 0
    assert (given[1]["bucket_versioning"], given[1]["bucket_transition_to_ia_days"],
            given[1]["bucket_expiration_days"]) == (False, 0, 0)


def test_flow_logs_definitions_add_only_what_the_run_learned_to_the_plan():
    plan = check_inventory(GOOD)["plan"]
    arns = {"cloudwatch": "arn:aws:logs:us-east-1:123456789012:log-group:/flowlogs/vpc",
            "archive": "arn:aws:s3:::flowlogs-archive/vpc-flow-logs/"}
    role = "arn:aws:iam::123456789012:role/flowlogs-demo-delivery-us-east-1"
    demo = {"vpc_id": "vpc-1", "subnet_ids": ["subnet-1", "subnet-2", "subnet-1"]}
    definitions = flow_logs_definitions(plan, arns, role, demo)
    assert definitions == [
        {"name": "vpc-to-cloudwatch", "resource_type": "VPC", "tags": {}, "resource_ids": ["vpc-1"],
         "traffic_type": "ALL", "log_destination_type": "cloud-watch-logs", "log_group_name": "/flowlogs/vpc",
         "deliver_logs_permission_arn": role},
        {"name": "subnets-to-s3", "resource_type": "Subnet", "tags": {}, "resource_ids": ["subnet-1", "subnet-2"],
         "traffic_type": "ALL", "log_destination_type": "s3", "log_destination": arns["archive"],
         "destination_options": {"file_format": "parquet", "hive_compatible_partitions": True,
                                 "per_hour_partition": True}},
        {"name": "given", "resource_type": "VPC", "tags": {}, "resource_ids": ["vpc-0123456789abcdef0"],
         "traffic_type": "REJECT", "log_destination_type": "s3", "log_destination": arns["archive"],
         "destination_options": {"file_format": "plain-text", "hive_compatible_partitions": False,
                                 "per_hour_partition": False}},
    ]
    # With skip_demo only the given flow log is applied; a demo VPC not built gives no id.
    skipped = flow_logs_definitions(check_inventory(GOOD, skip_demo=True)["plan"], arns, role, {})
    assert [d["name"] for d in skipped] == ["given"]
    assert flow_logs_definitions(plan, arns, role, {})[0]["resource_ids"] == []


def test_flow_logs_definitions_send_both_roles_to_a_stream_of_another_account():
    stream = {"name": "stream", "type": "kinesis-data-firehose", "stream_name": "s", "bucket_name": "b-bucket"}
    plan = check_inventory(_with(flowlogs_destinations=[stream], flowlogs_demo_vpc={}, flowlogs_flow_logs=[
        {"name": "to-stream", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "stream"}]))["plan"]
    arn = "arn:aws:firehose:us-east-1:222222222222:deliverystream/s"
    roles = {"stream": {"permission": "arn:aws:iam::111111111111:role/source",
                        "cross_account": "arn:aws:iam::222222222222:role/AWSLogDeliveryFirehoseCrossAccountRole-x"}}
    definition = flow_logs_definitions(plan, {"stream": arn}, "", {}, roles)[0]
    assert (definition["log_destination"], definition["deliver_logs_permission_arn"],
            definition["deliver_cross_account_role"]) == (arn, roles["stream"]["permission"],
                                                          roles["stream"]["cross_account"])
    # In one account: neither role is sent.
    alone = flow_logs_definitions(plan, {"stream": arn})[0]
    assert "deliver_logs_permission_arn" not in alone and "deliver_cross_account_role" not in alone
