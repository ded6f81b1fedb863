"""cloudwatchlogs_log_group: call order and error handling at every call site.

An in-memory CloudWatch Logs client (each request checked against botocore's model) stands
in for AWS, so that an AWS error or a connection error can be injected at each call site,
which no emulator can do. Every failure must be a clean fail_json_aws naming the operation
and the log group, never a traceback, and must leave the result of what was done so far.
"""

import json

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError
from botocore.validate import validate_parameters

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.modules import cloudwatchlogs_log_group

MODEL = botocore.session.get_session().get_service_model("logs")
NAME = "/flowlogs/prod"
ARN = "arn:aws:logs:us-east-1:123456789012:log-group:" + NAME
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MARKER = {"managed-by": "flowlogs.aws"}

OPERATIONS = {
    "describe_log_groups": "DescribeLogGroups", "list_tags_for_resource": "ListTagsForResource",
    "create_log_group": "CreateLogGroup", "put_retention_policy": "PutRetentionPolicy",
    "delete_retention_policy": "DeleteRetentionPolicy", "associate_kms_key": "AssociateKmsKey",
    "disassociate_kms_key": "DisassociateKmsKey", "tag_resource": "TagResource", "untag_resource": "UntagResource",
    "describe_log_streams": "DescribeLogStreams", "delete_log_group": "DeleteLogGroup",
}


class FakeLogs:
    """One log group in memory; records calls; raises what ``fail`` says for one operation."""

    def __init__(self, group=None, tags=None, streams=0):
        self.group = group
        self.tags = dict(tags or {})
        self.streams = streams
        self.calls = []
        self.fail = {}

    def __getattr__(self, method):
        if method not in OPERATIONS:
            raise AttributeError(method)

        def call(**kwargs):
            operation = OPERATIONS[method]
            validate_parameters(kwargs, MODEL.operation_model(operation).input_shape)
            self.calls.append(operation)
            if operation in self.fail:
                raise self.fail[operation]
            return getattr(self, "_" + method)(**kwargs)

        return call

    def _missing(self):
        return ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "x")

    def _describe_log_groups(self, logGroupNamePrefix, limit):
        groups = [dict(self.group)] if self.group and self.group["logGroupName"].startswith(logGroupNamePrefix) else []
        return {"logGroups": groups}

    def _list_tags_for_resource(self, resourceArn):
        return {"tags": dict(self.tags)}

    def _create_log_group(self, logGroupName, logGroupClass, tags, kmsKeyId=None):
        self.group = {"logGroupName": logGroupName, "arn": ARN + ":*", "logGroupArn": ARN, "storedBytes": 0,
                      "logGroupClass": logGroupClass}
        if kmsKeyId:
            self.group["kmsKeyId"] = kmsKeyId
        self.tags = dict(tags)
        return {}

    def _put_retention_policy(self, logGroupName, retentionInDays):
        self.group["retentionInDays"] = retentionInDays
        return {}

    def _delete_retention_policy(self, logGroupName):
        self.group.pop("retentionInDays", None)
        return {}

    def _associate_kms_key(self, logGroupName, kmsKeyId):
        self.group["kmsKeyId"] = kmsKeyId
        return {}

    def _disassociate_kms_key(self, logGroupName):
        self.group.pop("kmsKeyId", None)
        return {}

    def _tag_resource(self, resourceArn, tags):
        self.tags.update(tags)
        return {}

    def _untag_resource(self, resourceArn, tagKeys):
        for key in tagKeys:
            self.tags.pop(key, None)
        return {}

    def _describe_log_streams(self, logGroupName, limit):
        return {"logStreams": [{"logStreamName": "eni-%d" % i} for i in range(min(self.streams, limit))]}

    def _delete_log_group(self, logGroupName):
        if self.group is None:
            raise self._missing()
        self.group = None
        return {}


def group(retention=365, cls="STANDARD", stored=0):
    described = {"logGroupName": NAME, "arn": ARN + ":*", "logGroupArn": ARN, "storedBytes": stored,
                 "logGroupClass": cls}
    if retention:
        described["retentionInDays"] = retention
    return described


@pytest.fixture
def fake(monkeypatch):
    holder = {}
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)

    def client(self, service, retry_decorator=None):
        assert service == "logs"
        return RetryingBotoClientWrapper(holder["fake"], retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    return holder


def run(capsys, holder, fake_logs, check_mode=False, **params):
    holder["fake"] = fake_logs
    args = dict(name=NAME, region="us-east-1", **params)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            cloudwatchlogs_log_group.main()
    return json.loads(capsys.readouterr().out)


def test_create_with_a_retention_the_amazon_aws_module_rejects(fake, capsys):
    logs = FakeLogs()
    result = run(capsys, fake, logs, retention_days=2192, log_group_class="INFREQUENT_ACCESS", tags={"env": "prod"})
    assert result["changed"]
    assert logs.calls == ["DescribeLogGroups", "CreateLogGroup", "PutRetentionPolicy", "DescribeLogGroups",
                          "ListTagsForResource"]
    assert logs.group["retentionInDays"] == 2192 and logs.group["logGroupClass"] == "INFREQUENT_ACCESS"
    assert logs.tags == dict(MARKER, env="prod")
    assert result["log_group"]["arn"] == ARN


def test_unchanged_run_only_reads(fake, capsys):
    logs = FakeLogs(group(), dict(MARKER, env="prod"))
    result = run(capsys, fake, logs, retention_days=365, tags={"env": "prod"})
    assert not result["changed"]
    assert logs.calls == ["DescribeLogGroups", "ListTagsForResource"]


def test_check_mode_only_reads(fake, capsys):
    logs = FakeLogs(group(retention=7), dict(MARKER))
    result = run(capsys, fake, logs, check_mode=True, retention_days=3653, kms_key_id=KEY, tags={"env": "prod"})
    assert result["changed"] and result["log_group"]["retention_in_days"] == 3653
    assert logs.calls == ["DescribeLogGroups", "ListTagsForResource"]
    absent = run(capsys, fake, logs, check_mode=True, state="absent", force_delete=True)
    assert absent["changed"] and logs.group is not None
    assert "DeleteLogGroup" not in logs.calls


def test_class_change_fails_naming_the_option_and_writes_nothing(fake, capsys):
    logs = FakeLogs(group(cls="INFREQUENT_ACCESS", retention=7), dict(MARKER))
    result = run(capsys, fake, logs, retention_days=30, log_group_class="STANDARD")
    assert result["failed"] and result["msg"].startswith("log_group_class:")
    assert logs.calls == ["DescribeLogGroups", "ListTagsForResource"]
    assert logs.group["retentionInDays"] == 7


def test_foreign_group_is_reported_and_left_alone(fake, capsys):
    logs = FakeLogs(group(retention=None), {"team": "net"})
    result = run(capsys, fake, logs, retention_days=30, tags={"env": "prod"})
    assert not result["changed"] and result["foreign"]
    assert logs.calls == ["DescribeLogGroups", "ListTagsForResource"]
    kept = run(capsys, fake, logs, state="absent", force_delete=True)
    assert kept["kept"] and not kept["changed"] and logs.group is not None
    assert "DescribeLogStreams" not in logs.calls and "DeleteLogGroup" not in logs.calls


def test_adopt_takes_it_over(fake, capsys):
    logs = FakeLogs(group(retention=None), {"team": "net"})
    result = run(capsys, fake, logs, retention_days=30, adopt=True)
    assert result["changed"] and not result["foreign"]
    assert logs.tags == dict(MARKER, team="net") and logs.group["retentionInDays"] == 30


def test_group_with_data_is_kept_without_failing(fake, capsys):
    logs = FakeLogs(group(stored=10), dict(MARKER))
    result = run(capsys, fake, logs, state="absent")
    assert not result.get("failed") and not result["changed"] and result["kept"]
    assert "holds data" in result["kept_reason"] and logs.group is not None
    streams_only = FakeLogs(group(stored=0), dict(MARKER), streams=1)
    assert run(capsys, fake, streams_only, state="absent")["kept"]
    forced = run(capsys, fake, streams_only, state="absent", force_delete=True)
    assert forced["changed"] and not forced["kept"] and streams_only.group is None


def test_empty_managed_group_is_deleted(fake, capsys):
    logs = FakeLogs(group(), dict(MARKER))
    result = run(capsys, fake, logs, state="absent")
    assert result["changed"] and logs.group is None
    assert logs.calls == ["DescribeLogGroups", "ListTagsForResource", "DescribeLogStreams", "DeleteLogGroup"]
    assert not run(capsys, fake, logs, state="absent")["changed"]


def _client_error(operation):
    return ClientError({"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, operation)


def _connection_error(operation):
    return EndpointConnectionError(endpoint_url="https://logs.us-east-1.amazonaws.com")


# (scenario, fake factory, params, call sites)
SCENARIOS = [
    ("create", FakeLogs, dict(retention_days=3653, log_group_class="INFREQUENT_ACCESS", kms_key_id=KEY),
     ["DescribeLogGroups", "CreateLogGroup", "PutRetentionPolicy"]),
    ("update", lambda: FakeLogs(group(retention=7), dict(MARKER, old="x")),
     dict(retention_days=30, kms_key_id=KEY, tags={"env": "prod"}),
     ["DescribeLogGroups", "ListTagsForResource", "PutRetentionPolicy", "AssociateKmsKey", "TagResource",
      "UntagResource"]),
    ("unset", lambda: FakeLogs(dict(group(retention=7), kmsKeyId=KEY), dict(MARKER)),
     dict(retention_days=None, kms_key_id=""), ["DeleteRetentionPolicy", "DisassociateKmsKey"]),
    ("absent", lambda: FakeLogs(group(), dict(MARKER)), dict(state="absent"),
     ["DescribeLogStreams", "DeleteLogGroup"]),
]
CASES = [(name, factory, params, site, kind)
         for name, factory, params, sites in SCENARIOS for site in sites for kind in ("client", "connection")]


@pytest.mark.parametrize("name,factory,params,site,kind", CASES,
                         ids=["%s-%s-%s" % (c[0], c[3], c[4]) for c in CASES])
def test_every_call_site_fails_cleanly(fake, capsys, name, factory, params, site, kind):
    logs = factory()
    logs.fail[site] = (_client_error if kind == "client" else _connection_error)(site)
    result = run(capsys, fake, logs, **params)
    assert result["failed"]
    assert "(%s)" % site in result["msg"] and NAME in result["msg"]
    assert result["msg"].startswith("Failed to ")
    if kind == "client":
        assert "not allowed" in result["msg"] and result["error"]["code"] == "AccessDeniedException"
    else:
        assert "Could not connect" in result["msg"]
    # The call that failed is the last one made: nothing after it.
    assert logs.calls[-1] == site
    assert "log_group" in result and "kept" in result


def test_invalid_parameters_fail_before_any_call(fake, capsys):
    logs = FakeLogs()
    result = run(capsys, fake, logs, retention_days=3650, log_group_class="STANDARD")
    assert result["failed"] and "retention_days" in result["msg"]
    assert logs.calls == []
