"""s3_bucket_contents_info: what DeleteBucket would call "not empty", and clean errors.

LocalStack answers ListObjectVersions too (the destination molecule scenario uses it); the
stub adds what it cannot produce on demand: a bucket holding only delete markers,
AccessDenied, throttling, and connection errors (EndpointConnectionError, a read timeout),
which no emulator raises for a chosen call.
"""

import json

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.modules import s3_bucket_contents_info

BUCKET = "flowlogs-archive"


@pytest.fixture
def stubbed(monkeypatch):
    raw = boto3.client("s3", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    stub = Stubber(raw)
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)

    def client(self, service, retry_decorator=None):
        assert service == "s3"
        return RetryingBotoClientWrapper(raw, retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    with stub:
        yield stub


def run(capsys, **params):
    args = dict(name=BUCKET, region="us-east-1", **params)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            s3_bucket_contents_info.main()
    return json.loads(capsys.readouterr().out)


def test_empty_bucket(stubbed, capsys):
    stubbed.add_response("list_object_versions", {"IsTruncated": False}, {"Bucket": BUCKET, "MaxKeys": 5})
    result = run(capsys)
    assert (result["changed"], result["exists"], result["empty"], result["sample"]) == (False, True, True, [])


def test_objects_are_reported_with_their_versions(stubbed, capsys):
    stubbed.add_response(
        "list_object_versions",
        {"IsTruncated": True, "Versions": [{"Key": "AWSLogs/a.log.gz", "VersionId": "null", "IsLatest": True}]},
        {"Bucket": BUCKET, "MaxKeys": 1},
    )
    result = run(capsys, sample_size=1)
    assert result["empty"] is False and result["truncated"] is True
    assert result["sample"] == [
        {"key": "AWSLogs/a.log.gz", "version_id": "null", "is_latest": True, "delete_marker": False}
    ]


def test_a_bucket_with_only_delete_markers_is_not_empty(stubbed, capsys):
    # ListObjectsV2 would call this bucket empty; DeleteBucket would still refuse it.
    stubbed.add_response(
        "list_object_versions",
        {"IsTruncated": False, "DeleteMarkers": [{"Key": "AWSLogs/a.log.gz", "VersionId": "v2", "IsLatest": True}]},
        {"Bucket": BUCKET, "MaxKeys": 5},
    )
    result = run(capsys)
    assert result["empty"] is False
    assert result["sample"][0]["delete_marker"] is True


def test_missing_bucket(stubbed, capsys):
    stubbed.add_client_error("list_object_versions", "NoSuchBucket", "The specified bucket does not exist", 404)
    result = run(capsys)
    assert (result["exists"], result["empty"]) == (False, True)


def assert_clean_failure(result, cause):
    """fail_json with a message naming the operation and the bucket, then the cause; no traceback."""
    assert result["failed"] is True
    assert result["msg"].startswith(
        "Failed to list the object versions (ListObjectVersions) of the bucket flowlogs-archive: "), result["msg"]
    assert cause in result["msg"]
    assert "Traceback" not in json.dumps(result)
    assert "exists" not in result and "empty" not in result  # no guess about the contents


def test_access_denied_is_a_clean_message_naming_the_call(stubbed, capsys):
    stubbed.add_client_error("list_object_versions", "AccessDenied", "Access Denied", 403)
    result = run(capsys)
    assert_clean_failure(result, "Access Denied")
    assert result["error"]["code"] == "AccessDenied"


@pytest.mark.parametrize("error, cause", [
    (EndpointConnectionError(endpoint_url="https://flowlogs-archive.s3.amazonaws.com/"),
     "Could not connect to the endpoint URL"),
    (ReadTimeoutError(endpoint_url="https://flowlogs-archive.s3.amazonaws.com/"), "Read timeout"),
], ids=["endpoint-connection-error", "read-timeout"])
def test_connection_errors_are_a_clean_message_naming_the_call(stubbed, capsys, monkeypatch, error, cause):
    # A BotoCoreError, not a ClientError: raised before any response, so the Stubber
    # cannot produce it; the raw client's method raises it instead.
    calls = []

    def unreachable(**kwargs):
        calls.append(kwargs)
        raise error

    monkeypatch.setattr(stubbed.client, "list_object_versions", unreachable)
    result = run(capsys)
    assert_clean_failure(result, cause)
    assert calls == [{"Bucket": BUCKET, "MaxKeys": 5}]


def test_throttling_is_retried_then_succeeds(stubbed, capsys):
    # The client retries throttling (AWSRetry.jittered_backoff); only a lasting error fails.
    stubbed.add_client_error("list_object_versions", "SlowDown", "Please reduce your request rate.", 503)
    stubbed.add_response("list_object_versions", {"IsTruncated": False}, {"Bucket": BUCKET, "MaxKeys": 5})
    result = run(capsys)
    assert (result["exists"], result["empty"]) == (True, True)
    stubbed.assert_no_pending_responses()


def test_sample_size_is_checked_before_any_call(stubbed, capsys):
    result = run(capsys, sample_size=0)
    assert result["failed"] is True and result["msg"].startswith("sample_size: must be 1 to 1000")
