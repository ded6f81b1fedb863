"""ec2_vpc_flow_log and ownership: the marker on everything it creates, foreign flow logs left alone.

botocore's Stubber answers in order and fails on any unexpected call, so "no call" is proved
by assert_no_pending_responses plus the absence of further stubbed responses. Also the
request shapes of the newer resource types and of tag field specifications.
"""

import json

import boto3
import pytest
from botocore.stub import ANY
from botocore.stub import Stubber

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_log

BUCKET = "arn:aws:s3:::flow-logs/prod/"
FORMAT = "${version} ${srcaddr} ${dstaddr} ${action}"
OTHER_FORMAT = "${version} ${srcaddr} ${dstaddr}"
VPCS = ["vpc-%017x" % i for i in range(2)]
MARKER = {"Key": "managed-by", "Value": "flowlogs.aws"}
OPTIONS = {"FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False}


def described(flow_log_id, resource_id, tags=(), log_format=FORMAT, **extra):
    entry = {
        "FlowLogId": flow_log_id, "ResourceId": resource_id, "TrafficType": "ALL", "LogDestinationType": "s3",
        "LogDestination": BUCKET, "LogFormat": log_format, "MaxAggregationInterval": 600,
        "DestinationOptions": dict(OPTIONS), "FlowLogStatus": "ACTIVE", "DeliverLogsStatus": "SUCCESS",
        "Tags": list(tags),
    }
    entry.update(extra)
    return entry


def create_params(resource_ids, tags=(MARKER,), **extra):
    params = {"ResourceType": "VPC", "ResourceIds": resource_ids, "TrafficType": "ALL", "LogDestinationType": "s3",
              "LogDestination": BUCKET, "LogFormat": FORMAT, "MaxAggregationInterval": 600, "ClientToken": ANY,
              "DestinationOptions": dict(OPTIONS),
              "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": list(tags)}]}
    params.update(extra)
    return params


@pytest.fixture
def stubbed(monkeypatch):
    raw = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(raw)
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(AnsibleAWSModule, "client",
                        lambda self, service, retry_decorator=None: RetryingBotoClientWrapper(raw, retry_decorator))
    with stub:
        yield stub
        stub.assert_no_pending_responses()


def run(capsys, check_mode=False, diff=False, **params):
    args = dict(resource_ids=VPCS, log_destination_type="s3", log_destination=BUCKET, log_format=FORMAT,
                region="us-east-1")
    args.update(params)
    args = dict((k, v) for k, v in args.items() if v is not None)  # None means "not given"
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            ec2_vpc_flow_log.main()
    return json.loads(capsys.readouterr().out)


def describe_by_resource(stubbed, flow_logs, resource_ids=VPCS):
    stubbed.add_response("describe_flow_logs", {"FlowLogs": flow_logs},
                         {"Filters": [{"Name": "resource-id", "Values": list(resource_ids)}]})


def test_created_flow_logs_carry_the_marker_without_tags(stubbed, capsys):
    describe_by_resource(stubbed, [])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-a", "fl-b"], "Unsuccessful": []}, create_params(VPCS))
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [
        described("fl-a", VPCS[0], [MARKER]), described("fl-b", VPCS[1], [MARKER])]}, {"FlowLogIds": ["fl-a", "fl-b"]})
    result = run(capsys)
    assert result["changed"] is True
    assert [f["tags"] for f in result["flow_logs"]] == [{"managed-by": "flowlogs.aws"}] * 2


def test_created_flow_logs_carry_the_marker_with_the_users_tags(stubbed, capsys):
    describe_by_resource(stubbed, [])
    tags = [{"Key": "team", "Value": "net"}, MARKER]
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-a", "fl-b"], "Unsuccessful": []},
                         create_params(VPCS, tags=tags))
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [
        described("fl-a", VPCS[0], tags), described("fl-b", VPCS[1], tags)]}, {"FlowLogIds": ["fl-a", "fl-b"]})
    assert run(capsys, tags={"team": "net"})["changed"] is True


def test_tags_changing_the_marker_are_refused_before_any_call(stubbed, capsys):
    result = run(capsys, tags={"managed-by": "terraform"})
    assert result["failed"] is True
    assert "tags.managed-by" in result["msg"] and "cannot be changed" in result["msg"]


def test_purge_tags_never_removes_the_marker(stubbed, capsys):
    current = [described("fl-a", VPCS[0], [MARKER, {"Key": "old", "Value": "x"}])]
    describe_by_resource(stubbed, current, VPCS[:1])
    stubbed.add_response("delete_tags", {}, {"Resources": ["fl-a"], "Tags": [{"Key": "old"}]})
    stubbed.add_response("create_tags", {}, {"Resources": ["fl-a"], "Tags": [{"Key": "team", "Value": "net"}]})
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [
        described("fl-a", VPCS[0], [MARKER, {"Key": "team", "Value": "net"}])]}, {"FlowLogIds": ["fl-a"]})
    result = run(capsys, resource_ids=VPCS[:1], tags={"team": "net"}, purge_tags=True)
    assert result["changed"] is True and result["tagged_flow_log_ids"] == ["fl-a"]


def test_a_foreign_flow_log_with_the_same_identity_is_reported_and_left_alone(stubbed, capsys):
    # AWS would refuse ours as a duplicate: no create, no tag, no change.
    describe_by_resource(stubbed, [described("fl-hand", VPCS[0], [{"Key": "owner", "Value": "ops"}])], VPCS[:1])
    result = run(capsys, resource_ids=VPCS[:1], tags={"team": "net"})
    assert result["changed"] is False
    assert result["flow_logs"] == [] and result["created_flow_log_ids"] == []
    assert [f["flow_log_id"] for f in result["foreign"]] == ["fl-hand"]
    assert "FlowLogAlreadyExists" in result["foreign"][0]["reason"]
    assert "adopt: true" in result["foreign"][0]["reason"]


def test_a_foreign_flow_log_with_other_settings_is_not_replaced_even_with_overwrite(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-hand", VPCS[0], log_format=OTHER_FORMAT)], VPCS[:1])
    result = run(capsys, resource_ids=VPCS[:1], overwrite=True)
    assert result["changed"] is False and result["deleted_flow_log_ids"] == []
    assert [f["flow_log_id"] for f in result["foreign"]] == ["fl-hand"]


def test_a_foreign_flow_log_does_not_stop_the_others(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-hand", VPCS[0])])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-b"], "Unsuccessful": []}, create_params(VPCS[1:]))
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [described("fl-b", VPCS[1], [MARKER])]},
                         {"FlowLogIds": ["fl-b"]})
    result = run(capsys)
    assert result["changed"] is True
    assert result["created_flow_log_ids"] == ["fl-b"]
    assert [f["flow_log_id"] for f in result["foreign"]] == ["fl-hand"]


def test_check_mode_reports_foreign_flow_logs_and_calls_nothing_else(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-hand", VPCS[0])])
    result = run(capsys, check_mode=True)
    assert result["changed"] is True  # the second VPC would get a flow log
    assert [f["resource_id"] for f in result["flow_logs"]] == [VPCS[1]]
    assert result["flow_logs"][0]["tags"] == {"managed-by": "flowlogs.aws"}
    assert [f["flow_log_id"] for f in result["foreign"]] == ["fl-hand"]


def test_adopt_adds_the_marker_and_keeps_the_other_tags(stubbed, capsys):
    owner = {"Key": "owner", "Value": "ops"}
    describe_by_resource(stubbed, [described("fl-hand", VPCS[0], [owner])], VPCS[:1])
    stubbed.add_response("create_tags", {}, {"Resources": ["fl-hand"], "Tags": [MARKER]})
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [described("fl-hand", VPCS[0], [owner, MARKER])]},
                         {"FlowLogIds": ["fl-hand"]})
    result = run(capsys, resource_ids=VPCS[:1], adopt=True)
    assert result["changed"] is True
    assert result["adopted_flow_log_ids"] == ["fl-hand"] and result["foreign"] == []
    assert result["flow_logs"][0]["tags"] == {"owner": "ops", "managed-by": "flowlogs.aws"}


def test_adopt_with_overwrite_replaces_the_adopted_flow_log(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-hand", VPCS[0], log_format=OTHER_FORMAT)], VPCS[:1])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-new"], "Unsuccessful": []},
                         create_params(VPCS[:1]))
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-hand"]})
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [described("fl-new", VPCS[0], [MARKER])]},
                         {"FlowLogIds": ["fl-new"]})
    result = run(capsys, resource_ids=VPCS[:1], adopt=True, overwrite=True)
    assert result["deleted_flow_log_ids"] == ["fl-hand"] and result["created_flow_log_ids"] == ["fl-new"]


def test_absent_deletes_only_managed_flow_logs_and_reports_foreign_ones(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-ours", VPCS[0], [MARKER]), described("fl-hand", VPCS[1])])
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-ours"]})
    result = run(capsys, state="absent")
    assert result["deleted_flow_log_ids"] == ["fl-ours"]
    assert [f["flow_log_id"] for f in result["foreign"]] == ["fl-hand"]


def test_absent_with_only_foreign_flow_logs_changes_nothing(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-hand", VPCS[1])])
    result = run(capsys, state="absent")
    assert result["changed"] is False and result["deleted_flow_log_ids"] == []


def test_absent_with_adopt_deletes_foreign_flow_logs_too(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-hand", VPCS[1])])
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-hand"]})
    assert run(capsys, state="absent", adopt=True)["deleted_flow_log_ids"] == ["fl-hand"]


def test_absent_with_flow_log_ids_deletes_exactly_those_whoever_made_them(stubbed, capsys):
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [described("fl-hand", VPCS[1])]},
                         {"FlowLogIds": ["fl-hand"]})
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-hand"]})
    result = run(capsys, state="absent", resource_ids=None, flow_log_ids=["fl-hand"])
    assert result["deleted_flow_log_ids"] == ["fl-hand"]


# ---- newer resource types and tag field specifications ---------------------------------------


def test_cloud_wan_attachments_are_created_300_per_call_without_traffic_type(stubbed, capsys):
    ids = ["attachment-%017x" % i for i in range(301)]
    stubbed.add_response("describe_flow_logs", {"FlowLogs": []})
    stubbed.add_response("describe_flow_logs", {"FlowLogs": []})
    for batch in (ids[:300], ids[300:]):
        params = create_params(batch, ResourceType="CoreNetworkAttachment", MaxAggregationInterval=60)
        del params["TrafficType"], params["LogFormat"]
        stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-%d" % i for i in range(len(batch))],
                                                  "Unsuccessful": []}, params)
    stubbed.add_response("describe_flow_logs", {"FlowLogs": []})
    result = run(capsys, resource_type="CoreNetworkAttachment", resource_ids=ids, log_format=None)
    assert result["changed"] is True


def test_regional_nat_gateways_take_the_vpc_rules(stubbed, capsys):
    nat = "nat-0123456789abcdef0"
    describe_by_resource(stubbed, [], [nat])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-a"], "Unsuccessful": []},
                         create_params([nat], ResourceType="RegionalNatGateway"))
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [described("fl-a", nat, [MARKER])]},
                         {"FlowLogIds": ["fl-a"]})
    assert run(capsys, resource_type="RegionalNatGateway", resource_ids=[nat])["changed"] is True


def test_core_network_edge_is_refused_before_any_call(stubbed, capsys):
    result = run(capsys, resource_type="CoreNetworkEdge", resource_ids=["core-network-0123456789abcdef0"],
                 log_format=None)
    assert result["failed"] is True and "CoreNetworkEdge is not supported" in result["msg"]


TAG_FORMAT = "${version} ${interface-id} ${instance-tag} ${instance-tag-2}"
SPECS = [{"ResourceType": "instance", "TagKeys": ["Name", "team"]}]


def test_tag_field_specifications_are_sent_and_an_equal_flow_log_is_unchanged(stubbed, capsys):
    describe_by_resource(stubbed, [], VPCS[:1])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-a"], "Unsuccessful": []},
                         create_params(VPCS[:1], LogFormat=TAG_FORMAT, TagFieldSpecifications=SPECS))
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [
        described("fl-a", VPCS[0], [MARKER], log_format=TAG_FORMAT, TagFieldSpecifications=SPECS)]},
        {"FlowLogIds": ["fl-a"]})
    params = dict(resource_ids=VPCS[:1], log_format=TAG_FORMAT,
                  tag_field_specifications=[{"resource_type": "instance", "tag_keys": ["Name", "team"]}])
    first = run(capsys, **params)
    assert first["flow_logs"][0]["tag_field_specifications"] == [
        {"resource_type": "instance", "tag_keys": ["Name", "team"]}]
    describe_by_resource(stubbed, [
        described("fl-a", VPCS[0], [MARKER], log_format=TAG_FORMAT, TagFieldSpecifications=SPECS)], VPCS[:1])
    assert run(capsys, **params)["changed"] is False


def test_other_tag_field_specifications_are_a_conflict(stubbed, capsys):
    describe_by_resource(stubbed, [
        described("fl-a", VPCS[0], [MARKER], log_format=TAG_FORMAT,
                  TagFieldSpecifications=[{"ResourceType": "instance", "TagKeys": ["team", "Name"]}])], VPCS[:1])
    result = run(capsys, resource_ids=VPCS[:1], log_format=TAG_FORMAT,
                 tag_field_specifications=[{"resource_type": "instance", "tag_keys": ["Name", "team"]}])
    assert result["failed"] is True and "tag_field_specifications" in result["msg"]


def test_tag_fields_without_a_matching_specification_are_refused_before_any_call(stubbed, capsys):
    result = run(capsys, log_format=TAG_FORMAT,
                 tag_field_specifications=[{"resource_type": "network-interface", "tag_keys": ["Name"]}])
    assert result["failed"] is True
    assert "needs a tag_field_specifications entry with resource_type instance" in result["msg"]


def test_check_mode_diff_shows_the_tag_field_specifications_to_be_set(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-a", VPCS[0], [MARKER], log_format=TAG_FORMAT)], VPCS[:1])
    result = run(capsys, check_mode=True, diff=True, resource_ids=VPCS[:1], log_format=TAG_FORMAT, overwrite=True,
                 tag_field_specifications=[{"resource_type": "instance", "tag_keys": ["Name", "team"]}])
    assert result["changed"] is True
    assert "tag_field_specifications" not in result["diff"]["before"]["flow_logs"][0]
    assert result["diff"]["after"]["flow_logs"][0]["tag_field_specifications"] == [
        {"resource_type": "instance", "tag_keys": ["Name", "team"]}]
    assert result["replaced"] and "tag_field_specifications: None -> " in result["replaced"][0]


# ---- Unsuccessful entries: a clean failure naming the operation ----------------------------------

def test_create_unsuccessful_entries_fail_naming_create_flow_logs(stubbed, capsys):
    describe_by_resource(stubbed, [])
    refused = {"ResourceId": VPCS[1], "Error": {"Code": "InvalidVpcID.NotFound", "Message": "The vpc ID does not exist"}}
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-a"], "Unsuccessful": [refused]}, create_params(VPCS))
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"] == (
        "CreateFlowLogs did not create flow logs for 1 of 2 resources (existing flow logs on them were kept): "
        "%s: InvalidVpcID.NotFound The vpc ID does not exist" % VPCS[1])
    assert result["created_flow_log_ids"] == ["fl-a"]
    assert result["unsuccessful"] == [{"resource_id": VPCS[1], "code": "InvalidVpcID.NotFound",
                                       "message": "The vpc ID does not exist"}]


def test_delete_unsuccessful_entries_fail_naming_delete_flow_logs(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-a", VPCS[0], [MARKER]), described("fl-b", VPCS[1], [MARKER]),
                                   described("fl-gone", VPCS[1], [MARKER])])
    # fl-gone was deleted meanwhile (already gone counts as deleted); fl-b is refused.
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": [
        {"ResourceId": "fl-gone", "Error": {"Code": "InvalidFlowLogId.NotFound", "Message": "gone"}},
        {"ResourceId": "fl-b", "Error": {"Code": "UnauthorizedOperation", "Message": "not allowed"}}]},
        {"FlowLogIds": ["fl-a", "fl-b", "fl-gone"]})
    result = run(capsys, state="absent")
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"] == "DeleteFlowLogs did not delete 1 of 3 flow logs: fl-b: UnauthorizedOperation not allowed"
    assert result["deleted_flow_log_ids"] == ["fl-a", "fl-gone"]
    assert result["unsuccessful"] == [{"flow_log_id": "fl-b", "code": "UnauthorizedOperation",
                                       "message": "not allowed"}]


def test_delete_refused_for_every_flow_log_reports_no_change(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-a", VPCS[0], [MARKER])])
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": [
        {"ResourceId": "fl-a", "Error": {"Code": "UnauthorizedOperation", "Message": "not allowed"}}]},
        {"FlowLogIds": ["fl-a"]})
    result = run(capsys, state="absent")
    assert result["failed"] is True and result["changed"] is False and result["deleted_flow_log_ids"] == []
    assert result["msg"].startswith("DeleteFlowLogs did not delete 1 of 1 flow logs: fl-a: UnauthorizedOperation")


def test_replacement_whose_old_flow_log_is_not_deleted_reports_the_creation(stubbed, capsys):
    describe_by_resource(stubbed, [described("fl-old", VPCS[0], [MARKER], log_format=OTHER_FORMAT)], VPCS[:1])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-new"], "Unsuccessful": []}, create_params(VPCS[:1]))
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": [
        {"ResourceId": "fl-old", "Error": {"Code": "UnauthorizedOperation", "Message": "not allowed"}}]},
        {"FlowLogIds": ["fl-old"]})
    result = run(capsys, resource_ids=VPCS[:1], overwrite=True)
    assert result["failed"] is True and result["changed"] is True
    assert result["created_flow_log_ids"] == ["fl-new"] and result["deleted_flow_log_ids"] == []
    assert result["msg"].startswith("DeleteFlowLogs did not delete 1 of 1 flow logs: fl-old: UnauthorizedOperation")
