"""The destination-type registry, and the flowlogs role's plan for each type without any AWS call.

The roles ask the registry (plugins/module_utils/destination_types.py) what a type needs; these
tests pin what it answers for the three types, that the roles' argument specs offer exactly its
types, that each type has its own task files in the destination role, and how the flowlogs
role's plan treats a kinesis-data-firehose destination: the inventory checks, what its flow
logs send (the flow_log_destination filter present.yml uses, cross-account form included),
the claims and the teardown plan.
"""

import os

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.filter.destination_types import FilterModule
from ansible_collections.flowlogs.aws.plugins.module_utils import destination_types as dt
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import teardown_plan
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory as validate_inventory

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
STREAM_ARN = "arn:aws:firehose:us-east-1:123456789012:deliverystream/flow-stream"
OPTIONS = {"file_format": "parquet", "hive_compatible_partitions": True, "per_hour_partition": False}
FILTERS = FilterModule().filters()


def _spec(role):
    with open(os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
        return yaml.safe_load(handle)["argument_specs"]["main"]["options"]


def test_the_roles_offer_exactly_the_registry_types():
    registry = sorted(dt.DESTINATION_TYPES)
    assert sorted(_spec("destination")["destination_type"]["choices"]) == registry
    assert sorted(_spec("flowlogs")["flowlogs_destinations"]["options"]["type"]["choices"]) == registry
    flow_logs = _spec("flow_logs")["flow_logs_definitions"]["options"]["log_destination_type"]["choices"]
    assert sorted(flow_logs) == registry


@pytest.mark.parametrize("name", sorted(dt.DESTINATION_TYPES))
def test_each_type_has_its_own_task_files_and_variable(name):
    entry = dt.destination_type(name)
    for step in ("validate", "present", "absent"):
        assert os.path.isfile(os.path.join(ROOT, "roles", "destination", "tasks",
                                           "{0}_{1}.yml".format(entry["tasks"], step))), (name, step)
    assert entry["name_variable"] in _spec("destination")
    assert entry["name_field"] in _spec("flowlogs")["flowlogs_destinations"]["options"]
    assert entry["query_side"] in ("athena", "log_insights", "")
    if entry["query_side"]:
        assert os.path.isdir(os.path.join(ROOT, "roles", entry["query_side"]))


def test_an_unknown_type_is_an_error_naming_the_field_never_s3():
    with pytest.raises(dt.DestinationTypeError, match=r"^flowlogs_destinations\[1\]\.type: unknown destination type "
                                                      r"'kinesis'; one of cloud-watch-logs, kinesis-data-firehose, s3"):
        dt.destination_types([{"name": "a", "type": "s3"}, {"name": "b", "type": "kinesis"}])
    with pytest.raises(AnsibleFilterError, match="destination_type: unknown destination type None"):
        FILTERS["destination_type"](None, "destination_type")
    problems = validate_inventory({"flowlogs_destinations": [{"name": "b", "type": "firehose", "bucket_name": "b-1"}],
                                   "flowlogs_flow_logs": []})["problems"]
    assert problems == ["flowlogs_destinations[0].type: unknown destination type 'firehose'; one of "
                        "cloud-watch-logs, kinesis-data-firehose, s3"]


def test_what_each_type_needs():
    assert {n: e["delivery_role"] for n, e in dt.DESTINATION_TYPES.items()} == {
        "cloud-watch-logs": "permission", "s3": "none", "kinesis-data-firehose": "cross-account"}
    assert {n: e["query_side"] for n, e in dt.DESTINATION_TYPES.items()} == {
        "cloud-watch-logs": "log_insights", "s3": "athena", "kinesis-data-firehose": ""}


def test_what_a_flow_log_sends_for_each_type():
    send = FILTERS["flow_log_destination"]
    role = "arn:aws:iam::123456789012:role/delivery"
    assert send("arn:aws:logs:us-east-1:123456789012:log-group:/flow", "cloud-watch-logs", role, "", OPTIONS,
                "/flow") == {"log_destination_type": "cloud-watch-logs", "log_group_name": "/flow",
                             "deliver_logs_permission_arn": role}
    assert send("arn:aws:s3:::bucket/flow/", "s3", role, "", OPTIONS) == {
        "log_destination_type": "s3", "log_destination": "arn:aws:s3:::bucket/flow/", "destination_options": OPTIONS}
    assert send(STREAM_ARN, "kinesis-data-firehose", role, "", OPTIONS) == {
        "log_destination_type": "kinesis-data-firehose", "log_destination": STREAM_ARN}
    # A stream of another account: the source account's role and the stream account's role, both
    # (CreateFlowLogs refuses DeliverCrossAccountRole without DeliverLogsPermissionArn).
    source = "arn:aws:iam::123456789012:role/flowlogs-firehose-source-us-east-1-flow"
    cross = "arn:aws:iam::111111111111:role/AWSLogDeliveryFirehoseCrossAccountRole-us-east-1-flow"
    other = "arn:aws:firehose:us-east-1:111111111111:deliverystream/flow"
    assert send(other, "kinesis-data-firehose", source, cross, OPTIONS) == {
        "log_destination_type": "kinesis-data-firehose", "log_destination": other,
        "deliver_logs_permission_arn": source, "deliver_cross_account_role": cross}
    with pytest.raises(AnsibleFilterError, match="^log_destination_type: unknown"):
        send(STREAM_ARN, "kinesis")


def _inventory(destinations, flow_logs=None):
    return {"flowlogs_region": "us-east-1", "flowlogs_destinations": destinations,
            "flowlogs_flow_logs": flow_logs if flow_logs is not None else [
                {"name": "fh", "destination": destinations[0]["name"], "resource_ids": ["vpc-0123456789abcdef0"]}]}


def test_a_firehose_destination_in_the_plan():
    good = {"name": "stream", "type": "kinesis-data-firehose", "stream_name": "flow-stream", "bucket_name": "flow-bucket"}
    checked = validate_inventory(_inventory([good]))
    assert checked["problems"] == []
    # Its bucket and its stream are checked by their fields; S3-only flow-log options are refused.
    bad = dict(good, stream_name="bad name", bucket_name="Bad_Bucket")
    problems = validate_inventory(_inventory([bad], [{"name": "fh", "destination": "stream", "file_format": "parquet",
                                                      "resource_ids": ["vpc-0123456789abcdef0"]}]))["problems"]
    assert [p.split(":")[0] for p in problems] == ["flowlogs_destinations[0].stream_name",
                                                   "flowlogs_destinations[0].bucket_name",
                                                   "flowlogs_flow_logs[0].file_format"]
    # A stream, like a bucket, belongs to one destination; its bucket may not be another destination's.
    twice = validate_inventory(_inventory([good, dict(good, name="again", bucket_name="other-bucket"),
                                           {"name": "plain", "type": "s3", "bucket_name": "flow-bucket"}]))["problems"]
    assert [p.split(":")[0] for p in twice] == ["flowlogs_destinations[1].stream_name",
                                                "flowlogs_destinations[2].bucket_name"]


def test_the_teardown_plan_finds_flow_logs_of_a_stream():
    destinations = [{"name": "stream", "type": "kinesis-data-firehose", "stream_name": "flow-stream",
                     "bucket_name": "flow-bucket"}]
    flow_logs = [
        {"flow_log_id": "fl-ours", "log_destination_type": "kinesis-data-firehose", "log_destination": STREAM_ARN,
         "tags": {"managed-by": "flowlogs.aws"}},
        {"flow_log_id": "fl-theirs", "log_destination_type": "kinesis-data-firehose", "log_destination": STREAM_ARN,
         "tags": {}},
        {"flow_log_id": "fl-elsewhere", "log_destination_type": "s3", "log_destination": "arn:aws:s3:::flow-bucket/",
         "tags": {"managed-by": "flowlogs.aws"}},
    ]
    plan = teardown_plan(flow_logs, destinations)
    assert plan["remove"] == ["fl-ours"]
    assert list(plan["keep"]) == ["stream"] and "fl-theirs" in plan["keep"]["stream"]
