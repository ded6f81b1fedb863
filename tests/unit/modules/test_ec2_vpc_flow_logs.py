"""ec2_vpc_flow_logs: several definitions in one module run, with the calls proved by botocore's Stubber.

Stubber answers in order and fails on any call it was not given, so these tests show exactly
which calls one run makes: one DescribeFlowLogs for the resources of every definition, one
CreateFlowLogs per definition (one call takes one set of settings), one read-back. LocalStack
(tests/integration/targets/ec2_vpc_flow_logs) shows the end states; only a stub shows the calls.
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
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_logs

BUCKET = "arn:aws:s3:::flow-logs/prod/"
LOG_GROUP = "/flow-logs/prod"
ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
FORMAT = "${version} ${srcaddr} ${dstaddr} ${action}"
OTHER_FORMAT = "${version} ${srcaddr} ${dstaddr}"
VPCS = ["vpc-%017x" % i for i in range(3)]
MARKER = {"Key": "managed-by", "Value": "flowlogs.aws"}
OPTIONS = {"FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False}
DEFAULT_FORMAT = ("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                  "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}")


def s3_log(flow_log_id, resource_id, tags=(MARKER,), log_format=FORMAT):
    return {"FlowLogId": flow_log_id, "ResourceId": resource_id, "TrafficType": "ALL", "LogDestinationType": "s3",
            "LogDestination": BUCKET, "LogFormat": log_format, "MaxAggregationInterval": 600,
            "DestinationOptions": dict(OPTIONS), "FlowLogStatus": "ACTIVE", "DeliverLogsStatus": "SUCCESS",
            "Tags": list(tags)}


def cw_log(flow_log_id, resource_id, tags=(MARKER,)):
    return {"FlowLogId": flow_log_id, "ResourceId": resource_id, "TrafficType": "REJECT",
            "LogDestinationType": "cloud-watch-logs", "LogGroupName": LOG_GROUP, "DeliverLogsPermissionArn": ROLE,
            "LogFormat": DEFAULT_FORMAT, "MaxAggregationInterval": 600, "FlowLogStatus": "ACTIVE",
            "DeliverLogsStatus": "SUCCESS", "Tags": list(tags)}


def s3_definition(name="all-to-s3", resource_ids=VPCS, **extra):
    definition = {"name": name, "resource_ids": list(resource_ids), "log_destination_type": "s3",
                  "log_destination": BUCKET, "log_format": FORMAT}
    definition.update(extra)
    return definition


def cw_definition(name="rejects", resource_ids=VPCS[:1], **extra):
    definition = {"name": name, "resource_ids": list(resource_ids), "traffic_type": "REJECT",
                  "log_group_name": LOG_GROUP, "deliver_logs_permission_arn": ROLE}
    definition.update(extra)
    return definition


def s3_create(resource_ids, tags=(MARKER,), log_format=FORMAT):
    return {"ResourceType": "VPC", "ResourceIds": list(resource_ids), "TrafficType": "ALL", "LogDestinationType": "s3",
            "LogDestination": BUCKET, "LogFormat": log_format, "MaxAggregationInterval": 600, "ClientToken": ANY,
            "DestinationOptions": dict(OPTIONS),
            "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": list(tags)}]}


def cw_create(resource_ids, tags=(MARKER,)):
    return {"ResourceType": "VPC", "ResourceIds": list(resource_ids), "TrafficType": "REJECT",
            "LogDestinationType": "cloud-watch-logs", "LogGroupName": LOG_GROUP, "DeliverLogsPermissionArn": ROLE,
            "LogFormat": DEFAULT_FORMAT, "MaxAggregationInterval": 600, "ClientToken": ANY,
            "TagSpecifications": [{"ResourceType": "vpc-flow-log", "Tags": list(tags)}]}


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


def run(capsys, definitions, check_mode=False, diff=False, **params):
    args = dict(definitions=definitions, region="us-east-1", **params)
    if check_mode:
        args["_ansible_check_mode"] = True
    if diff:
        args["_ansible_diff"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            ec2_vpc_flow_logs.main()
    return json.loads(capsys.readouterr().out)


def describe_by_resource(stubbed, flow_logs, resource_ids=VPCS):
    stubbed.add_response("describe_flow_logs", {"FlowLogs": flow_logs},
                         {"Filters": [{"Name": "resource-id", "Values": list(resource_ids)}]})


def test_two_definitions_are_one_describe_one_create_each_and_one_read_back(stubbed, capsys):
    # Both definitions log VPCS[0]: its flow logs are described once, with the other VPCs'.
    describe_by_resource(stubbed, [])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-cw0"], "Unsuccessful": []}, cw_create(VPCS[:1]))
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-s30", "fl-s31", "fl-s32"], "Unsuccessful": []},
                         s3_create(VPCS))
    created = [cw_log("fl-cw0", VPCS[0])] + [s3_log("fl-s3%d" % i, vpc) for i, vpc in enumerate(VPCS)]
    stubbed.add_response("describe_flow_logs", {"FlowLogs": created},
                         {"FlowLogIds": ["fl-cw0", "fl-s30", "fl-s31", "fl-s32"]})
    result = run(capsys, [cw_definition(), s3_definition()])
    assert result["changed"] is True
    assert result["created_flow_log_ids"] == ["fl-cw0", "fl-s30", "fl-s31", "fl-s32"]
    assert [fl["flow_log_id"] for fl in result["flow_logs"]["rejects"]] == ["fl-cw0"]
    assert [fl["resource_id"] for fl in result["flow_logs"]["all-to-s3"]] == VPCS
    assert result["foreign"] == {"rejects": [], "all-to-s3": []}
    assert result["replaced"] == {"rejects": [], "all-to-s3": []}


def test_an_unchanged_run_is_one_describe_call(stubbed, capsys):
    existing = [cw_log("fl-cw0", VPCS[0])] + [s3_log("fl-s3%d" % i, vpc) for i, vpc in enumerate(VPCS)]
    describe_by_resource(stubbed, existing)
    result = run(capsys, [cw_definition(), s3_definition()], tags={})
    assert result["changed"] is False
    assert result["created_flow_log_ids"] == [] and "tagged_flow_log_ids" not in result
    assert [fl["flow_log_id"] for fl in result["flow_logs"]["all-to-s3"]] == ["fl-s30", "fl-s31", "fl-s32"]
    assert result["flow_logs"]["rejects"][0]["flow_log_id"] == "fl-cw0"


def test_a_definition_without_resources_makes_no_call_and_has_empty_results(stubbed, capsys):
    describe_by_resource(stubbed, [cw_log("fl-cw0", VPCS[0])], VPCS[:1])
    result = run(capsys, [cw_definition(), s3_definition(resource_ids=[])])
    assert result["changed"] is False
    assert result["flow_logs"] == {"rejects": [result["flow_logs"]["rejects"][0]], "all-to-s3": []}
    assert result["foreign"]["all-to-s3"] == [] and result["replaced"]["all-to-s3"] == []


def test_definitions_without_any_resource_make_no_call_at_all(stubbed, capsys):
    result = run(capsys, [cw_definition(resource_ids=[]), s3_definition(resource_ids=[])])
    assert result["changed"] is False
    assert result["flow_logs"] == {"rejects": [], "all-to-s3": []}


def test_common_tags_merge_under_each_definitions_own(stubbed, capsys):
    describe_by_resource(stubbed, [], VPCS[:1])
    team, tier = {"Key": "team", "Value": "net"}, {"Key": "tier", "Value": "archive"}
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-cw0"], "Unsuccessful": []},
                         cw_create(VPCS[:1], tags=[team, MARKER]))
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-s30"], "Unsuccessful": []},
                         s3_create(VPCS[:1], tags=[team, tier, MARKER]))
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [cw_log("fl-cw0", VPCS[0], [team, MARKER]),
                                                             s3_log("fl-s30", VPCS[0], [team, tier, MARKER])]},
                         {"FlowLogIds": ["fl-cw0", "fl-s30"]})
    result = run(capsys, [cw_definition(), s3_definition(resource_ids=VPCS[:1], tags={"tier": "archive"})],
                 tags={"team": "net"})
    expected = {"team": "net", "tier": "archive", "managed-by": "flowlogs.aws"}
    assert result["flow_logs"]["all-to-s3"][0]["tags"] == expected


def test_a_conflict_in_the_second_definition_fails_before_any_write_naming_it(stubbed, capsys):
    describe_by_resource(stubbed, [s3_log("fl-old0", VPCS[0], log_format=OTHER_FORMAT)])
    result = run(capsys, [cw_definition(), s3_definition()])
    # No create for the first definition either: every conflict is found before the first write.
    assert result["failed"] is True
    assert result["msg"].startswith("definition 'all-to-s3': Flow logs exist with different settings")
    assert "no change was made" in result["msg"]
    assert list(result["conflicts"]) == ["all-to-s3"] and VPCS[0] in result["conflicts"]["all-to-s3"][0]


def test_overwrite_is_per_definition_and_replaces_without_a_gap(stubbed, capsys):
    describe_by_resource(stubbed, [s3_log("fl-old0", VPCS[0], log_format=OTHER_FORMAT)], VPCS[:1])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-new0"], "Unsuccessful": []}, s3_create(VPCS[:1]))
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-old0"]})
    stubbed.add_response("describe_flow_logs", {"FlowLogs": [s3_log("fl-new0", VPCS[0])]}, {"FlowLogIds": ["fl-new0"]})
    result = run(capsys, [s3_definition(resource_ids=VPCS[:1], overwrite=True)], overwrite=False)
    assert result["created_flow_log_ids"] == ["fl-new0"] and result["deleted_flow_log_ids"] == ["fl-old0"]
    assert "log_format" in result["replaced"]["all-to-s3"][0]


def test_an_error_in_the_second_definition_names_it_and_the_first_stays_applied(stubbed, capsys):
    describe_by_resource(stubbed, [])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": ["fl-cw0"], "Unsuccessful": []}, cw_create(VPCS[:1]))
    stubbed.add_client_error("create_flow_logs", "UnauthorizedOperation", "You are not authorized")
    # The module looks for flow logs the refused call may still have made, then stops: no read-back.
    describe_by_resource(stubbed, [cw_log("fl-cw0", VPCS[0])])
    result = run(capsys, [cw_definition(), s3_definition(), cw_definition("later", resource_ids=VPCS[1:2])])
    assert result["failed"] is True
    assert result["msg"].startswith("definition 'all-to-s3': ")
    assert "CreateFlowLogs" in result["msg"] and "UnauthorizedOperation" in result["msg"]
    assert result["created_flow_log_ids"] == ["fl-cw0"] and result["changed"] is True


def test_unsuccessful_entries_name_the_definition(stubbed, capsys):
    describe_by_resource(stubbed, [])
    stubbed.add_response("create_flow_logs", {"FlowLogIds": [], "Unsuccessful": [
        {"ResourceId": VPCS[0], "Error": {"Code": "InvalidVpcID.NotFound", "Message": "no such VPC"}}]},
        cw_create(VPCS[:1]))
    result = run(capsys, [cw_definition(), s3_definition()])
    assert result["failed"] is True
    assert result["msg"].startswith("definition 'rejects': CreateFlowLogs did not create flow logs for 1 of 1")
    assert result["unsuccessful"][0]["code"] == "InvalidVpcID.NotFound"


def test_check_mode_plans_every_definition_and_writes_nothing(stubbed, capsys):
    describe_by_resource(stubbed, [s3_log("fl-s30", VPCS[0])])
    result = run(capsys, [cw_definition(), s3_definition()], check_mode=True, diff=True)
    assert result["changed"] is True
    assert "flow_log_id" not in result["flow_logs"]["rejects"][0]
    assert [fl.get("flow_log_id") for fl in result["flow_logs"]["all-to-s3"]] == ["fl-s30", None, None]
    assert [len(v) for v in result["diff"]["before"]["flow_logs"].values()] == [0, 1]
    assert [len(v) for v in result["diff"]["after"]["flow_logs"].values()] == [1, 3]


def test_absent_is_one_describe_and_one_delete_for_every_definition(stubbed, capsys):
    foreign = s3_log("fl-hand", VPCS[2], tags=[])
    describe_by_resource(stubbed, [cw_log("fl-cw0", VPCS[0]), s3_log("fl-s30", VPCS[0]), s3_log("fl-s31", VPCS[1]),
                                   foreign])
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": ["fl-cw0", "fl-s30", "fl-s31"]})
    definitions = [cw_definition(), s3_definition(), s3_definition("nothing", resource_ids=[])]
    result = run(capsys, definitions, state="absent")
    assert result["changed"] is True
    assert result["deleted_flow_log_ids"] == ["fl-cw0", "fl-s30", "fl-s31"]
    assert [fl["flow_log_id"] for fl in result["flow_logs"]["rejects"]] == ["fl-cw0"]
    assert [fl["flow_log_id"] for fl in result["flow_logs"]["all-to-s3"]] == ["fl-s30", "fl-s31"]
    assert [fl["flow_log_id"] for fl in result["foreign"]["all-to-s3"]] == ["fl-hand"]
    assert result["flow_logs"]["nothing"] == [] and result["foreign"]["nothing"] == []


def test_absent_in_check_mode_deletes_nothing(stubbed, capsys):
    describe_by_resource(stubbed, [cw_log("fl-cw0", VPCS[0])], VPCS[:1])
    result = run(capsys, [cw_definition()], state="absent", check_mode=True)
    assert result["changed"] is True and result["deleted_flow_log_ids"] == []
    assert result["flow_logs"]["rejects"][0]["flow_log_id"] == "fl-cw0"


def test_every_problem_of_every_definition_is_reported_before_any_call(stubbed, capsys):
    definitions = [s3_definition(log_format="${version} ${nonsense}"),
                   cw_definition(deliver_logs_permission_arn=None),
                   s3_definition("all-to-s3", resource_ids=VPCS[:1])]
    result = run(capsys, definitions)
    assert result["failed"] is True and "no API call was made" in result["msg"]
    problems = result["problems"]
    assert problems[0].startswith("definitions[0] (all-to-s3): ") and "nonsense" in problems[0]
    assert problems[1].startswith("definitions[1] (rejects): log_destination_type cloud-watch-logs needs "
                                  "deliver_logs_permission_arn")
    assert problems[2].startswith("definitions[2].name: 'all-to-s3' is also the name of definitions[0]")
    assert len(problems) == 3


def test_two_definitions_asking_for_the_same_flow_log_are_refused(stubbed, capsys):
    result = run(capsys, [s3_definition("a"), s3_definition("b", resource_ids=VPCS[1:], log_format=OTHER_FORMAT)])
    assert result["failed"] is True
    assert result["problems"] == [
        "definitions[0] (a) and definitions[1] (b): ask for the same flow log (s3 arn:aws:s3:::flow-logs/prod, "
        "traffic ALL) on {0}, {1}; AWS keeps one flow log per resource, destination and traffic type, so give it "
        "in one definition".format(VPCS[1], VPCS[2])]


def test_a_log_group_arn_of_another_region_is_refused_naming_the_definition(stubbed, capsys):
    other = "arn:aws:logs:eu-west-1:123456789012:log-group:/flow"
    result = run(capsys, [cw_definition(log_group_name=None, log_destination=other)])
    assert result["failed"] is True
    assert result["problems"] == ["definitions[0] (rejects): log_destination {0!r} is in region eu-west-1, but the "
                                  "flow logs are created in us-east-1".format(other)]
