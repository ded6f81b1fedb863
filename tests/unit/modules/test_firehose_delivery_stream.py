"""flowlogs.aws.firehose_delivery_stream: its pure rules, and a clean failure at every AWS call.

The rules (module_utils/firehose_streams.py) are tested directly. The errors use botocore's
Stubber on a real Firehose client: each scenario's calls are scripted once, then replayed
with a ClientError at each call in turn; the module must fail naming the operation and the
stream, call nothing after, and report what it changed before. No emulator can fail a chosen
call. The behaviour against an emulator is in tests/integration/test_firehose_module.py.
"""

import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.module_utils import firehose_streams as fs
from ansible_collections.flowlogs.aws.plugins.modules import firehose_delivery_stream

NAME = "flow-stream"
ARN = "arn:aws:firehose:us-east-1:123456789012:deliverystream/" + NAME
ROLE = "arn:aws:iam::123456789012:role/firehose"
BUCKET = "arn:aws:s3:::flow-bucket"
ARGS = {"name": NAME, "bucket_arn": BUCKET, "role_arn": ROLE, "prefix": "flow/", "tags": {"team": "net"}}
PARAMS = dict(ARGS, error_output_prefix="", buffering_size=5, buffering_interval=300, compression_format="GZIP",
              encryption=True, encryption_key_arn="")


def description(prefix="flow/", encrypted=True, status="ACTIVE"):
    described = {
        "DeliveryStreamName": NAME, "DeliveryStreamARN": ARN, "DeliveryStreamStatus": status,
        "DeliveryStreamType": "DirectPut", "VersionId": "1", "HasMoreDestinations": False,
        "Destinations": [{"DestinationId": "d-1", "ExtendedS3DestinationDescription": {
            "RoleARN": ROLE, "BucketARN": BUCKET, "Prefix": prefix, "ErrorOutputPrefix": "",
            "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300}, "CompressionFormat": "GZIP",
            "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"}}}],
        "CreateTimestamp": datetime.datetime(2025, 1, 1),
    }
    if encrypted:
        described["DeliveryStreamEncryptionConfiguration"] = {"KeyType": "AWS_OWNED_CMK", "Status": "ENABLED"}
    return {"DeliveryStreamDescription": described}


def tags(**extra):
    values = dict({"managed-by": "flowlogs.aws", "LogDeliveryEnabled": "true"}, **extra)
    return {"Tags": [{"Key": k, "Value": v} for k, v in values.items()], "HasMoreTags": False}


NOT_FOUND = ("ResourceNotFoundException", None)

# Each scenario: the module's arguments, and its calls in order as (operation, answer), where an
# answer of (code, None) is an error the script expects (a stream not found).
SCENARIOS = {
    "create": (ARGS, [("describe_delivery_stream", NOT_FOUND),
                      ("create_delivery_stream", {"DeliveryStreamARN": ARN}),
                      ("describe_delivery_stream", description()),
                      ("list_tags_for_delivery_stream", tags(team="net"))]),
    "update": (dict(ARGS, prefix="new/", tags={"env": "it"}),
               [("describe_delivery_stream", description(encrypted=False)),
                ("list_tags_for_delivery_stream", tags(team="net")),
                ("update_destination", {}),
                ("start_delivery_stream_encryption", {}),
                ("untag_delivery_stream", {}),
                ("tag_delivery_stream", {}),
                ("describe_delivery_stream", description(prefix="new/")),
                ("list_tags_for_delivery_stream", tags(env="it"))]),
    "stop encryption": (dict(ARGS, encryption=False),
                        [("describe_delivery_stream", description()),
                         ("list_tags_for_delivery_stream", tags(team="net")),
                         ("stop_delivery_stream_encryption", {}),
                         ("describe_delivery_stream", description(encrypted=False)),
                         ("list_tags_for_delivery_stream", tags(team="net"))]),
    "absent": ({"name": NAME, "state": "absent"},
               [("describe_delivery_stream", description()),
                ("list_tags_for_delivery_stream", tags()),
                ("delete_delivery_stream", {}),
                ("describe_delivery_stream", NOT_FOUND)]),
}
WRITES = ("create_", "update_", "start_", "stop_", "tag_", "untag_", "delete_")


def run(monkeypatch, capsys, args, calls, fail_at=None):
    client = boto3.client("firehose", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    stubber = Stubber(client)
    for index, (operation, answer) in enumerate(calls):
        if index == fail_at:
            stubber.add_client_error(operation, service_error_code="AccessDeniedException", service_message="injected")
            break
        if isinstance(answer, tuple):
            stubber.add_client_error(operation, service_error_code=answer[0], service_message="not found")
        else:
            stubber.add_response(operation, answer)
    stubber.activate()
    monkeypatch.setattr(AnsibleAWSModule, "client",
                        lambda self, service, retry_decorator=None: RetryingBotoClientWrapper(client, retry_decorator))
    monkeypatch.setattr(firehose_delivery_stream, "_POLL_SECONDS", 0)
    with patch_module_args(dict(args, region="us-east-1")):
        with pytest.raises(SystemExit):
            firehose_delivery_stream.main()
    stubber.assert_no_pending_responses()
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_scenario_runs_as_scripted(monkeypatch, capsys, name):
    args, calls = SCENARIOS[name]
    result = run(monkeypatch, capsys, args, calls)
    assert not result.get("failed"), result
    assert result["changed"] is True


@pytest.mark.parametrize("name,index", [(n, i) for n in sorted(SCENARIOS) for i in range(len(SCENARIOS[n][1]))
                                        if not isinstance(SCENARIOS[n][1][i][1], tuple)])
def test_an_error_at_every_call_fails_cleanly(monkeypatch, capsys, name, index):
    args, calls = SCENARIOS[name]
    result = run(monkeypatch, capsys, args, calls, fail_at=index)
    operation = "".join(part.capitalize() for part in calls[index][0].split("_"))
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to "), result["msg"]
    assert "({0})".format(operation) in result["msg"] and "delivery stream " + NAME in result["msg"], result["msg"]
    assert "injected" in result["msg"] and "Traceback" not in result["msg"]
    writes_before = [c for c, _a in calls[:index] if c.startswith(WRITES)]
    assert result["changed"] is bool(writes_before), result
    assert bool(result["changes"]) is bool(writes_before), result


def test_unchanged_stream_only_reads(monkeypatch, capsys):
    result = run(monkeypatch, capsys, ARGS, [("describe_delivery_stream", description()),
                                             ("list_tags_for_delivery_stream", tags(team="net"))])
    assert result["changed"] is False and result["changes"] == []
    assert result["delivery_stream"]["tags"]["LogDeliveryEnabled"] == "true"


def test_check_mode_changes_nothing(monkeypatch, capsys):
    result = run(monkeypatch, capsys, dict(ARGS, _ansible_check_mode=True), [("describe_delivery_stream", NOT_FOUND)])
    assert result["changed"] is True and result["changes"] == ["create delivery stream " + NAME]
    assert result["delivery_stream"]["encryption"]["status"] == "ENABLED"


def test_foreign_stream_left_alone(monkeypatch, capsys):
    foreign = {"Tags": [{"Key": "owner", "Value": "someone"}], "HasMoreTags": False}
    result = run(monkeypatch, capsys, dict(ARGS, prefix="other/"),
                 [("describe_delivery_stream", description()), ("list_tags_for_delivery_stream", foreign)])
    assert result["changed"] is False and result["foreign"] == [NAME]


def test_invalid_input_fails_before_any_call(monkeypatch, capsys):
    result = run(monkeypatch, capsys, {"name": "x" * 65, "bucket_arn": "b", "role_arn": ROLE,
                                       "tags": {"managed-by": "me", "LogDeliveryEnabled": "false"}}, [])
    assert result["failed"] is True
    assert [p.split(":")[0] for p in result["problems"]] == ["name", "bucket_arn", "tags.managed-by",
                                                             "tags.LogDeliveryEnabled"]


# ---- the pure rules ------------------------------------------------------------------------------

def test_problems_name_each_field_with_the_callers_names():
    params = dict(PARAMS, name="bad name", role_arn="", buffering_size=129, buffering_interval=901,
                  encryption=False, encryption_key_arn="alias/x")
    problems = fs.stream_problems(params, {"name": "destination_stream_name"})
    assert [p.split(":")[0] for p in problems] == [
        "destination_stream_name", "role_arn", "buffering_size", "buffering_interval", "encryption_key_arn",
        "encryption_key_arn"]
    assert fs.stream_problems(PARAMS) == []
    assert fs.stream_name_problems("a" * 64) == [] and fs.stream_name_problems("a" * 65)


def test_destination_differences_and_encryption():
    desired = fs.desired_destination(dict(PARAMS, prefix="new/", buffering_interval=60))
    current = description()["DeliveryStreamDescription"]
    assert fs.destination_differences(current, desired) == [
        "Prefix: flow/ -> new/", "BufferingHints.IntervalInSeconds: 300 -> 60"]
    assert fs.destination_differences(current, fs.desired_destination(PARAMS)) == []
    assert fs.encryption_difference(current, fs.desired_encryption(PARAMS)) is None
    assert fs.encryption_difference(current, None) == "stop"
    key = "arn:aws:kms:us-east-1:123456789012:key/abcd"
    wanted = {"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": key}
    assert fs.desired_encryption(dict(PARAMS, encryption_key_arn=key)) == wanted
    assert fs.encryption_difference(current, fs.desired_encryption(dict(PARAMS, encryption_key_arn=key))) == "start"
    assert fs.destination_differences({"Destinations": []}, desired)[0].startswith("destination: not S3")


def test_a_role_not_assumable_yet_is_retried_then_created(monkeypatch, capsys):
    # IAM is eventually consistent: a role created moments ago may not be assumable by Firehose yet.
    client = boto3.client("firehose", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    stubber = Stubber(client)
    stubber.add_client_error("describe_delivery_stream", service_error_code="ResourceNotFoundException")
    stubber.add_client_error("create_delivery_stream", service_error_code="InvalidArgumentException",
                             service_message="Firehose is unable to assume role " + ROLE + ". Please check the role provided.")
    stubber.add_response("create_delivery_stream", {"DeliveryStreamARN": ARN})
    stubber.add_response("describe_delivery_stream", description())
    stubber.add_response("list_tags_for_delivery_stream", tags(team="net"))
    stubber.activate()
    monkeypatch.setattr(AnsibleAWSModule, "client",
                        lambda self, service, retry_decorator=None: RetryingBotoClientWrapper(client, retry_decorator))
    monkeypatch.setattr(firehose_delivery_stream, "_POLL_SECONDS", 0)
    with patch_module_args(dict(ARGS, region="us-east-1")):
        with pytest.raises(SystemExit):
            firehose_delivery_stream.main()
    result = json.loads(capsys.readouterr().out)
    stubber.assert_no_pending_responses()
    assert not result.get("failed") and result["changes"] == ["create delivery stream " + NAME], result
