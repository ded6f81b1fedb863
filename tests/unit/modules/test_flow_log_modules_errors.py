"""Every AWS call of ec2_vpc_flow_log, ec2_vpc_flow_logs and ec2_vpc_flow_log_info fails cleanly.

Each scenario is run once to record its calls; then again once per call and per error
kind, with that call raising a ClientError or a botocore EndpointConnectionError. The
module must exit through fail_json (no uncaught exception, no traceback in the message),
name the API operation, and still report what it had created, deleted or retagged before.

The client is a small in-memory EC2 (flow logs and their tags) wrapped the way
AnsibleAWSModule wraps clients, so the calls before the failure really change its state.
"""

import itertools
import json

import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_log
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_log_info
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_logs

BUCKET = "arn:aws:s3:::flow-logs/prod/"
FORMAT = "${version} ${srcaddr} ${dstaddr} ${action}"
VPCS = ["vpc-%017x" % i for i in range(3)]
MARKER = {"Key": "managed-by", "Value": "flowlogs.aws"}
OPERATIONS = {"describe_flow_logs": "DescribeFlowLogs", "create_flow_logs": "CreateFlowLogs",
              "delete_flow_logs": "DeleteFlowLogs", "create_tags": "CreateTags", "delete_tags": "DeleteTags"}


def flow_log(flow_log_id, resource_id, tags=(MARKER,), log_format=FORMAT):
    return {"FlowLogId": flow_log_id, "ResourceId": resource_id, "TrafficType": "ALL", "LogDestinationType": "s3",
            "LogDestination": BUCKET, "LogFormat": log_format, "MaxAggregationInterval": 600,
            "DestinationOptions": {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                                   "PerHourPartition": False},
            "FlowLogStatus": "ACTIVE", "DeliverLogsStatus": "SUCCESS", "Tags": list(tags)}


class FakeEC2:
    """Flow logs in memory; the call numbered fail_at raises error(operation) instead."""

    def __init__(self, flow_logs, fail_at=None, error=None):
        self.flow_logs = dict((fl["FlowLogId"], fl) for fl in flow_logs)
        self.fail_at, self.error = fail_at, error
        self.calls, self.created, self.deleted, self.tagged = [], [], [], []
        self._next = itertools.count(100)

    def _enter(self, name):
        self.calls.append(name)
        index = len(self.calls) - 1
        if index == self.fail_at or (isinstance(self.fail_at, (set, frozenset)) and index in self.fail_at):
            raise self.error(OPERATIONS[name])

    def describe_flow_logs(self, Filters=(), FlowLogIds=None, **_):
        self._enter("describe_flow_logs")
        found = list(self.flow_logs.values())
        for flt in Filters:
            assert flt["Name"] == "resource-id"
            found = [fl for fl in found if fl["ResourceId"] in flt["Values"]]
        if FlowLogIds:
            found = [fl for fl in found if fl["FlowLogId"] in FlowLogIds]
        return {"FlowLogs": [dict(fl, Tags=list(fl["Tags"])) for fl in found]}

    def get_paginator(self, name):
        fake = self

        class Paginator:
            def paginate(self, **kwargs):
                class Pages:
                    def build_full_result(self):
                        return getattr(fake, name)(**kwargs)
                return Pages()
        return Paginator()

    def create_flow_logs(self, ResourceIds, TagSpecifications=(), LogFormat=FORMAT, **_):
        self._enter("create_flow_logs")
        tags = [t for spec in TagSpecifications for t in spec["Tags"]]
        ids = []
        for resource_id in ResourceIds:
            flow_log_id = "fl-%017d" % next(self._next)
            self.flow_logs[flow_log_id] = flow_log(flow_log_id, resource_id, tags, LogFormat)
            ids.append(flow_log_id)
        self.created.extend(ids)
        return {"FlowLogIds": ids, "Unsuccessful": []}

    def delete_flow_logs(self, FlowLogIds, **_):
        self._enter("delete_flow_logs")
        for flow_log_id in FlowLogIds:
            self.flow_logs.pop(flow_log_id)
        self.deleted.extend(FlowLogIds)
        return {"Unsuccessful": []}

    def create_tags(self, Resources, Tags, **_):
        self._enter("create_tags")
        for flow_log_id in Resources:
            current = dict((t["Key"], t["Value"]) for t in self.flow_logs[flow_log_id]["Tags"])
            current.update((t["Key"], t["Value"]) for t in Tags)
            self.flow_logs[flow_log_id]["Tags"] = [{"Key": k, "Value": v} for k, v in current.items()]
        self.tagged.extend(r for r in Resources if r not in self.tagged)
        return {}

    def delete_tags(self, Resources, Tags, **_):
        self._enter("delete_tags")
        keys = set(t["Key"] for t in Tags)
        for flow_log_id in Resources:
            self.flow_logs[flow_log_id]["Tags"] = [t for t in self.flow_logs[flow_log_id]["Tags"]
                                                   if t["Key"] not in keys]
        self.tagged.extend(r for r in Resources if r not in self.tagged)
        return {}


def client_error(operation):
    return ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "You are not authorized"}}, operation)


def connection_error(operation):
    return EndpointConnectionError(endpoint_url="https://ec2.us-east-1.amazonaws.com/")


ERRORS = {"ClientError": (client_error, "UnauthorizedOperation"),
          "EndpointConnectionError": (connection_error, "Could not connect to the endpoint URL")}

PRESENT = dict(resource_ids=VPCS, log_destination_type="s3", log_destination=BUCKET, log_format=FORMAT)
SCENARIOS = {
    "create": (ec2_vpc_flow_log, dict(PRESENT, tags={"team": "net"}), []),
    "create and wait": (ec2_vpc_flow_log, dict(PRESENT, wait=True), []),
    "replace": (ec2_vpc_flow_log, dict(PRESENT, overwrite=True),
                [flow_log("fl-old%d" % i, vpc, log_format="${version}") for i, vpc in enumerate(VPCS)]),
    "retag and adopt": (ec2_vpc_flow_log, dict(PRESENT, tags={"team": "net"}, adopt=True),
                        [flow_log("fl-ours", VPCS[0], [MARKER, {"Key": "old", "Value": "x"}]),
                         flow_log("fl-hand", VPCS[1], [])]),
    "absent by destination": (ec2_vpc_flow_log, dict(PRESENT, state="absent"),
                              [flow_log("fl-a", VPCS[0]), flow_log("fl-b", VPCS[1])]),
    "absent by id": (ec2_vpc_flow_log, dict(state="absent", flow_log_ids=["fl-a"]), [flow_log("fl-a", VPCS[0])]),
    "info": (ec2_vpc_flow_log_info, dict(resource_ids=VPCS), [flow_log("fl-a", VPCS[0])]),
    # Several definitions in one run: the second one creates, replaces and retags after the first created.
    "definitions": (ec2_vpc_flow_logs, dict(tags={"team": "net"}, definitions=[
        dict(PRESENT, name="first", resource_ids=VPCS[:1], log_destination="arn:aws:s3:::flow-logs/first/"),
        dict(PRESENT, name="second", overwrite=True)]),
        [flow_log("fl-old1", VPCS[1], log_format="${version}"), flow_log("fl-ours", VPCS[2])]),
    "definitions absent": (ec2_vpc_flow_logs, dict(state="absent", definitions=[
        dict(PRESENT, name="first", resource_ids=VPCS[:1]), dict(PRESENT, name="second", resource_ids=VPCS[1:])]),
        [flow_log("fl-a", VPCS[0]), flow_log("fl-b", VPCS[1])]),
}
FLOW_LOG_MODULES = (ec2_vpc_flow_log, ec2_vpc_flow_logs)


def run(monkeypatch, capsys, scenario, fail_at=None, error=None):
    module, params, existing = SCENARIOS[scenario]
    fake = FakeEC2([dict(fl) for fl in existing], fail_at, error)
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(AnsibleAWSModule, "client",
                        lambda self, service, retry_decorator=None: RetryingBotoClientWrapper(fake, retry_decorator))
    with patch_module_args(dict(params, region="us-east-1")):
        with pytest.raises(SystemExit):  # any other exception fails the test: that would be a traceback
            module.main()
    return json.loads(capsys.readouterr().out), fake


def _cases():
    """(scenario, call index, error kind) for every call each scenario makes."""
    cases = []
    for scenario in SCENARIOS:
        for index in range(len(_recorded[scenario])):
            for kind in ERRORS:
                cases.append((scenario, index, kind))
    return cases


def _record():
    """The calls each scenario makes when nothing fails (recorded without pytest fixtures)."""
    recorded = {}
    for scenario, (module, params, existing) in SCENARIOS.items():
        fake = FakeEC2([dict(fl) for fl in existing])
        original = AnsibleAWSModule.client
        AnsibleAWSModule.client = lambda self, service, retry_decorator=None: RetryingBotoClientWrapper(
            fake, retry_decorator)
        try:
            with patch_module_args(dict(params, region="us-east-1")):
                try:
                    module.main()
                except SystemExit:
                    pass
        finally:
            AnsibleAWSModule.client = original
        recorded[scenario] = fake.calls
    return recorded


_recorded = {}


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        if not _recorded:
            import contextlib
            import io
            with contextlib.redirect_stdout(io.StringIO()):
                _recorded.update(_record())
        metafunc.parametrize("case", _cases(), ids=lambda c: "{0}-{1}-{2}".format(*c))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_each_scenario_succeeds_without_injected_errors(monkeypatch, capsys, scenario):
    result, fake = run(monkeypatch, capsys, scenario)
    assert not result.get("failed"), result.get("msg")
    assert fake.calls, "the scenario must call AWS"


def test_the_scenarios_reach_every_call_site():
    if not _recorded:
        _recorded.update(_record())
    reached = set(name for calls in _recorded.values() for name in calls)
    assert reached == set(OPERATIONS)


def test_an_error_at_any_call_fails_cleanly_and_reports_what_was_done(monkeypatch, capsys, case):
    scenario, index, kind = case
    make_error, text = ERRORS[kind]
    result, fake = run(monkeypatch, capsys, scenario, fail_at=index, error=make_error)
    operation = OPERATIONS[fake.calls[index]]
    assert result.get("failed") is True, result
    assert "Traceback" not in result["msg"]
    assert operation in result["msg"], result["msg"]
    assert text in result["msg"]
    if SCENARIOS[scenario][0] is ec2_vpc_flow_logs:
        assert "definition 'first'" in result["msg"] or "definition 'second'" in result["msg"] \
            or "definitions 'first', 'second'" in result["msg"], result["msg"]
    if SCENARIOS[scenario][0] in FLOW_LOG_MODULES:
        assert sorted(result["created_flow_log_ids"]) == sorted(fake.created)
        assert sorted(result["deleted_flow_log_ids"]) == sorted(fake.deleted)
        assert sorted(result.get("tagged_flow_log_ids", [])) == sorted(fake.tagged)
        assert result["changed"] is bool(fake.created or fake.deleted or fake.tagged)


def test_a_failed_create_whose_follow_up_describe_fails_too_still_fails_cleanly(monkeypatch, capsys):
    # After a refused CreateFlowLogs the module describes the resources to report what was made
    # anyway; when that fails too, the CreateFlowLogs error is the one reported.
    result, fake = run(monkeypatch, capsys, "create", fail_at={1, 2}, error=client_error)
    assert fake.calls == ["describe_flow_logs", "create_flow_logs", "describe_flow_logs"]
    assert result["failed"] is True and "CreateFlowLogs" in result["msg"]
    assert result["created_flow_log_ids"] == [] and result["changed"] is False


def test_a_delivery_role_that_cannot_be_assumed_is_named_in_the_failure(monkeypatch, capsys):
    def iam_error(operation):
        return ClientError({"Error": {"Code": "InvalidParameter", "Message": "Unable to assume given IAM role."}},
                           operation)

    role = "arn:aws:iam::123456789012:role/new-delivery-role"
    SCENARIOS["cloudwatch"] = (ec2_vpc_flow_log, dict(resource_ids=VPCS[:1], log_group_name="/flow",
                                                      deliver_logs_permission_arn=role,
                                                      role_propagation_timeout=0), [])
    try:
        result, fake = run(monkeypatch, capsys, "cloudwatch", fail_at=1, error=iam_error)
    finally:
        del SCENARIOS["cloudwatch"]
    assert fake.calls[1] == "create_flow_logs"
    assert result["failed"] is True
    assert "CreateFlowLogs" in result["msg"] and "could not assume " + role in result["msg"]
