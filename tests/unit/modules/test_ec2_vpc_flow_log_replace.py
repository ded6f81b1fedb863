"""ec2_vpc_flow_log replaces without a gap: the order of API calls, enforced by botocore's Stubber.

LocalStack shows the end state of a replacement; only a stub shows the order of the
calls in between, and what happens when AWS refuses the replacement (nothing is deleted).
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

OLD_FORMAT = "${version} ${srcaddr} ${dstaddr} ${action}"
NEW_FORMAT = "${version} ${srcaddr} ${dstaddr} ${action} ${flow-direction}"
BUCKET = "arn:aws:s3:::flow-logs/prod/"
SUBNETS = ["subnet-%017x" % i for i in range(3)]


def described(flow_log_id, subnet, log_format):
    return {
        "FlowLogId": flow_log_id, "ResourceId": subnet, "TrafficType": "ALL", "LogDestinationType": "s3",
        "LogDestination": BUCKET, "LogFormat": log_format, "MaxAggregationInterval": 600,
        "DestinationOptions": {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                               "PerHourPartition": False},
        "FlowLogStatus": "ACTIVE", "DeliverLogsStatus": "SUCCESS",
        "Tags": [{"Key": "managed-by", "Value": "flowlogs.aws"}],
    }


@pytest.fixture
def stubbed(monkeypatch):
    raw = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(raw)
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)

    def client(self, service, retry_decorator=None):
        assert service == "ec2"
        return _wrap(raw, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    with stub:
        yield stub


def _wrap(raw, retry_decorator):
    """The client AnsibleAWSModule would give, around the stubbed one."""
    return RetryingBotoClientWrapper(raw, retry_decorator)


def run(capsys, **params):
    args = dict(resource_type="Subnet", resource_ids=SUBNETS, log_destination_type="s3",
                log_destination=BUCKET, log_format=NEW_FORMAT, region="us-east-1", **params)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            ec2_vpc_flow_log.main()
    return json.loads(capsys.readouterr().out)


def test_overwrite_creates_every_replacement_before_deleting_anything(stubbed, capsys):
    old = [described("fl-old%012d" % i, s, OLD_FORMAT) for i, s in enumerate(SUBNETS)]
    new = [described("fl-new%012d" % i, s, NEW_FORMAT) for i, s in enumerate(SUBNETS)]
    stubbed.add_response("describe_flow_logs", {"FlowLogs": old},
                         {"Filters": [{"Name": "resource-id", "Values": SUBNETS}]})
    # Stubber answers in this order and fails on any other: create first, then delete.
    stubbed.add_response("create_flow_logs", {"FlowLogIds": [f["FlowLogId"] for f in new], "Unsuccessful": []},
                         {"ResourceType": "Subnet", "ResourceIds": SUBNETS, "TrafficType": "ALL",
                          "LogDestinationType": "s3", "LogDestination": BUCKET, "LogFormat": NEW_FORMAT,
                          "MaxAggregationInterval": 600, "ClientToken": ANY,
                          "TagSpecifications": [{"ResourceType": "vpc-flow-log",
                                                 "Tags": [{"Key": "managed-by", "Value": "flowlogs.aws"}]}],
                          "DestinationOptions": {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                                                 "PerHourPartition": False}})
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []},
                         {"FlowLogIds": [f["FlowLogId"] for f in old]})
    stubbed.add_response("describe_flow_logs", {"FlowLogs": new},
                         {"FlowLogIds": [f["FlowLogId"] for f in new]})
    result = run(capsys, overwrite=True)
    stubbed.assert_no_pending_responses()
    assert result["changed"] is True
    assert result["created_flow_log_ids"] == [f["FlowLogId"] for f in new]
    assert result["deleted_flow_log_ids"] == [f["FlowLogId"] for f in old]
    assert [f["log_format"] for f in result["flow_logs"]] == [NEW_FORMAT] * 3


def test_refused_replacement_deletes_nothing(stubbed, capsys):
    old = [described("fl-old%012d" % i, s, OLD_FORMAT) for i, s in enumerate(SUBNETS)]
    stubbed.add_response("describe_flow_logs", {"FlowLogs": old},
                         {"Filters": [{"Name": "resource-id", "Values": SUBNETS}]})
    stubbed.add_client_error("create_flow_logs", "FlowLogAlreadyExists", "There is an existing Flow Log")
    # After the error the module looks for flow logs the refused call may still have made.
    stubbed.add_response("describe_flow_logs", {"FlowLogs": old},
                         {"Filters": [{"Name": "resource-id", "Values": SUBNETS}]})
    result = run(capsys, overwrite=True)
    stubbed.assert_no_pending_responses()  # and no delete_flow_logs was ever called
    assert result["failed"] is True
    assert "no existing flow log was deleted" in result["msg"]
    assert result["created_flow_log_ids"] == []


def test_partial_replacement_retires_only_what_was_replaced(stubbed, capsys):
    old = [described("fl-old%012d" % i, s, OLD_FORMAT) for i, s in enumerate(SUBNETS)]
    stubbed.add_response("describe_flow_logs", {"FlowLogs": old},
                         {"Filters": [{"Name": "resource-id", "Values": SUBNETS}]})
    stubbed.add_response("create_flow_logs", {
        "FlowLogIds": ["fl-new000000000000", "fl-new000000000002"],
        "Unsuccessful": [{"ResourceId": SUBNETS[1], "Error": {"Code": "Client.InternalError", "Message": "try again"}}],
    })
    stubbed.add_response("delete_flow_logs", {"Unsuccessful": []},
                         {"FlowLogIds": ["fl-old000000000000", "fl-old000000000002"]})
    result = run(capsys, overwrite=True)
    stubbed.assert_no_pending_responses()
    assert result["failed"] is True
    assert SUBNETS[1] in result["msg"] and "Client.InternalError" in result["msg"]
    assert result["deleted_flow_log_ids"] == ["fl-old000000000000", "fl-old000000000002"]


def test_conflict_without_overwrite_makes_no_write_call(stubbed, capsys):
    old = [described("fl-old%012d" % i, s, OLD_FORMAT) for i, s in enumerate(SUBNETS)]
    stubbed.add_response("describe_flow_logs", {"FlowLogs": old},
                         {"Filters": [{"Name": "resource-id", "Values": SUBNETS}]})
    result = run(capsys)
    stubbed.assert_no_pending_responses()
    assert result["failed"] is True
    assert len(result["conflicts"]) == 3
    assert "overwrite: true" in result["msg"]
