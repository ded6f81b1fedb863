# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_api.py with botocore's Stubber.

Only the paths an emulator cannot produce are covered here: throttling, IAM role
propagation delays, partial failures, batching limits, pagination and tag grouping.
The client is a real boto3 EC2 client wrapped the way AnsibleAWSModule.client() wraps
it (RetryingBotoClientWrapper + the retry decorator ec2_client() asks for), so
aws_retry=True calls really go through amazon.aws's AWSRetry.
"""

import types
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_api as api
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import DEFAULT_FORMAT
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import build_desired
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import create_request
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import max_resource_ids

ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
GROUP = "/aws/vpc-flow-logs/prod"
IAM_MESSAGE = "Unable to assume given IAM role."
REQUEST = {
    "ResourceType": "VPC",
    "LogDestinationType": "cloud-watch-logs",
    "LogFormat": DEFAULT_FORMAT,
    "MaxAggregationInterval": 600,
    "TrafficType": "ALL",
    "LogGroupName": GROUP,
    "DeliverLogsPermissionArn": ROLE,
}


def vpc(i):
    return "vpc-%017x" % i


def tgw(i):
    return "tgw-%017x" % i


def fl(i):
    return "fl-%017x" % i


class Token:
    """Stubber matcher for ClientToken: any UUID string; remembers what it saw."""

    def __init__(self):
        self.value = None

    def __eq__(self, other):
        try:
            uuid.UUID(other)
        except (TypeError, ValueError, AttributeError):
            return False
        self.value = other
        return True

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return "<any ClientToken>"


class Unordered:
    """Stubber matcher for a list whose order does not matter."""

    def __init__(self, items):
        self.items = items

    def __eq__(self, other):
        return isinstance(other, list) and len(other) == len(self.items) and all(
            other.count(item) == self.items.count(item) for item in self.items
        )

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None

    def __repr__(self):
        return "Unordered(%r)" % (self.items,)


class FakeModule:
    """Just enough of AnsibleAWSModule for api.ec2_client()."""

    def __init__(self, client):
        self._client = client
        self.requested = []

    def client(self, service, retry_decorator=None):
        self.requested.append(service)
        return self._client if retry_decorator is None else RetryingBotoClientWrapper(self._client, retry_decorator)


class Clock:
    """A fake monotonic clock that only advances when something sleeps."""

    def __init__(self):
        self.now = 5000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def aws_sleeps(monkeypatch):
    """amazon.aws's CloudRetry sleeps with time.sleep in module_utils/cloud.py: record instead."""
    slept = []
    monkeypatch.setattr(aws_cloud.time, "sleep", slept.append)
    return slept


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(api, "time", types.SimpleNamespace(monotonic=fake.monotonic, sleep=fake.sleep))
    return fake


@pytest.fixture
def ec2():
    raw = boto3.client(
        "ec2", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stub = Stubber(raw)
    module = FakeModule(raw)
    client = api.ec2_client(module)
    assert module.requested == ["ec2"]
    assert isinstance(client, RetryingBotoClientWrapper)
    with stub:
        yield types.SimpleNamespace(client=client, stub=stub)


def create_params(resource_ids, request=None, tags=None):
    request = REQUEST if request is None else request
    token = Token()
    expected = dict(request, ResourceIds=list(resource_ids), ClientToken=token)
    if tags:
        expected["TagSpecifications"] = [
            {"ResourceType": "vpc-flow-log", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
        ]
    return expected, token


def create_response(flow_log_ids, unsuccessful=()):
    return {
        "ClientToken": "token",
        "FlowLogIds": list(flow_log_ids),
        "Unsuccessful": [
            {"ResourceId": rid, "Error": {"Code": code, "Message": message}} for rid, code, message in unsuccessful
        ],
    }


def flow_log(flow_log_id, resource_id, **extra):
    entry = {
        "FlowLogId": flow_log_id,
        "ResourceId": resource_id,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": GROUP,
        "DeliverLogsPermissionArn": ROLE,
        "LogFormat": DEFAULT_FORMAT,
        "MaxAggregationInterval": 600,
        "FlowLogStatus": "ACTIVE",
        "DeliverLogsStatus": "SUCCESS",
    }
    entry.update(extra)
    return entry


# ---- throttling ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "Throttling"])
def test_create_retries_throttling_with_the_same_client_token(ec2, aws_sleeps, clock, code):
    ids = [vpc(1), vpc(2)]
    tokens = []
    for _attempt in range(2):
        expected, token = create_params(ids)
        ec2.stub.add_client_error("create_flow_logs", code, "Rate exceeded.", 503, expected_params=expected)
        tokens.append(token)
    expected, token = create_params(ids)
    tokens.append(token)
    ec2.stub.add_response("create_flow_logs", create_response([fl(1), fl(2)]), expected)

    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, 1000, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(vpc(1), fl(1)), (vpc(2), fl(2))]
    assert unsuccessful == []
    assert len(aws_sleeps) == 2  # AWSRetry backed off twice
    assert clock.sleeps == []  # not mistaken for IAM propagation
    # A retried call is the same request: the same ClientToken, so AWS cannot create twice.
    assert len(set(t.value for t in tokens)) == 1


def test_create_gives_up_after_ten_throttled_attempts(ec2, aws_sleeps, clock):
    for _attempt in range(10):
        ec2.stub.add_client_error("create_flow_logs", "RequestLimitExceeded", "Request limit exceeded.", 503)
    with pytest.raises(api.FlowLogApiError) as info:
        api.create_flow_logs(ec2.client, REQUEST, [vpc(1)], 1000, sleep=clock.sleep)
    ec2.stub.assert_no_pending_responses()
    assert info.value.message == "Failed to create flow logs (CreateFlowLogs)"
    assert isinstance(info.value.exception, ClientError)
    assert info.value.exception.response["Error"]["Code"] == "RequestLimitExceeded"
    assert len(aws_sleeps) == 9
    assert clock.sleeps == []


@pytest.mark.parametrize("code", ["RequestLimitExceeded", "Throttling"])
def test_describe_retries_throttling(ec2, aws_sleeps, code):
    expected = {"Filters": [{"Name": "resource-id", "Values": [vpc(1)]}]}
    ec2.stub.add_client_error("describe_flow_logs", code, "Rate exceeded.", 503, expected_params=expected)
    ec2.stub.add_client_error("describe_flow_logs", code, "Rate exceeded.", 503, expected_params=expected)
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(fl(1), vpc(1))]}, expected)

    found = api.describe_flow_logs(ec2.client, filters={"resource-id": [vpc(1)]})

    ec2.stub.assert_no_pending_responses()
    assert [f["FlowLogId"] for f in found] == [fl(1)]
    assert len(aws_sleeps) == 2


def test_describe_throttled_mid_pagination_restarts_without_duplicates(ec2, aws_sleeps):
    first = {"Filters": [{"Name": "resource-id", "Values": [vpc(1), vpc(2)]}]}
    second = dict(first, NextToken="page-2")
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(fl(1), vpc(1))], "NextToken": "page-2"}, first)
    ec2.stub.add_client_error("describe_flow_logs", "Throttling", "Rate exceeded.", 400, expected_params=second)
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(fl(1), vpc(1))], "NextToken": "page-2"}, first)
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(fl(2), vpc(2))]}, second)

    found = api.describe_flow_logs(ec2.client, filters={"resource-id": [vpc(1), vpc(2)]})

    ec2.stub.assert_no_pending_responses()
    assert [f["FlowLogId"] for f in found] == [fl(1), fl(2)]
    assert len(aws_sleeps) == 1


def test_delete_and_tag_calls_retry_throttling(ec2, aws_sleeps):
    ec2.stub.add_client_error("delete_flow_logs", "RequestLimitExceeded", "Request limit exceeded.", 503,
                              expected_params={"FlowLogIds": [fl(1)]})
    ec2.stub.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [fl(1)]})
    tags_expected = {"Resources": [fl(2)], "Tags": [{"Key": "team", "Value": "net"}]}
    ec2.stub.add_client_error("create_tags", "Throttling", "Rate exceeded.", 400, expected_params=tags_expected)
    ec2.stub.add_response("create_tags", {}, tags_expected)

    assert api.delete_flow_logs(ec2.client, [fl(1)]) == []
    api.apply_tag_changes(ec2.client, {frozenset([("team", "net")]): [fl(2)]}, {})

    ec2.stub.assert_no_pending_responses()
    assert len(aws_sleeps) == 2


# ---- IAM role propagation ------------------------------------------------------------------


def test_iam_propagation_error_is_retried_with_backoff_until_success(ec2, aws_sleeps, clock):
    ids = [vpc(1), vpc(2)]
    tokens = []
    for _attempt in range(3):
        expected, token = create_params(ids)
        tokens.append(token)
        ec2.stub.add_client_error("create_flow_logs", "InvalidParameter", IAM_MESSAGE, 400, expected_params=expected)
    expected, token = create_params(ids)
    tokens.append(token)
    ec2.stub.add_response("create_flow_logs", create_response([fl(1), fl(2)]), expected)

    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, 1000, propagation_timeout=120,
                                                 sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(vpc(1), fl(1)), (vpc(2), fl(2))]
    assert unsuccessful == []
    assert clock.sleeps == [2, 4, 8]  # exponential backoff
    assert aws_sleeps == []  # AWSRetry does not retry InvalidParameter itself
    # Each attempt is a new request, so each has its own token.
    assert len(set(t.value for t in tokens)) == 4


def test_iam_propagation_error_is_bounded_by_the_timeout(ec2, aws_sleeps, clock):
    # 2 + 4 + 8 + 16 + 30 + 30 + 30 = 120: the eighth refusal leaves no time for another wait.
    for _attempt in range(8):
        ec2.stub.add_client_error("create_flow_logs", "InvalidParameter", IAM_MESSAGE, 400)
    started = clock.now

    with pytest.raises(api.FlowLogApiError) as info:
        api.create_flow_logs(ec2.client, REQUEST, [vpc(1)], 1000, propagation_timeout=120, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert info.value.message == "Failed to create flow logs (CreateFlowLogs)"
    assert info.value.exception.response["Error"] == {"Code": "InvalidParameter", "Message": IAM_MESSAGE}
    assert clock.sleeps == [2, 4, 8, 16, 30, 30, 30]
    assert clock.now - started <= 120
    assert aws_sleeps == []


def test_iam_propagation_with_no_time_left_fails_on_the_first_refusal(ec2, clock):
    ec2.stub.add_client_error("create_flow_logs", "InvalidParameter", IAM_MESSAGE, 400)
    with pytest.raises(api.FlowLogApiError):
        api.create_flow_logs(ec2.client, REQUEST, [vpc(1)], 1000, propagation_timeout=1, sleep=clock.sleep)
    ec2.stub.assert_no_pending_responses()
    assert clock.sleeps == []


def test_iam_propagation_in_unsuccessful_entries_retries_only_those_resources(ec2, aws_sleeps, clock):
    ids = [vpc(1), vpc(2), vpc(3), vpc(4)]
    expected, _token = create_params(ids)
    ec2.stub.add_response(
        "create_flow_logs",
        create_response(
            [fl(1), fl(3)],
            [
                (vpc(2), "InvalidParameter", IAM_MESSAGE),
                (vpc(4), "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" % vpc(4)),
            ],
        ),
        expected,
    )
    expected, _token = create_params([vpc(2)])
    ec2.stub.add_response("create_flow_logs", create_response([fl(2)]), expected)

    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, 1000, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert sorted(created) == [(vpc(1), fl(1)), (vpc(2), fl(2)), (vpc(3), fl(3))]
    assert unsuccessful == [
        {"resource_id": vpc(4), "code": "InvalidVpcID.NotFound", "message": "The vpc ID '%s' does not exist" % vpc(4)}
    ]
    assert clock.sleeps == [2]
    assert aws_sleeps == []


def test_iam_propagation_in_unsuccessful_entries_is_bounded_and_reported(ec2, clock):
    ids = [vpc(1), vpc(2)]
    expected, _token = create_params(ids)
    ec2.stub.add_response(
        "create_flow_logs", create_response([fl(1)], [(vpc(2), "InvalidParameter", IAM_MESSAGE)]), expected
    )
    for _attempt in range(2):
        expected, _token = create_params([vpc(2)])
        ec2.stub.add_response(
            "create_flow_logs", create_response([], [(vpc(2), "InvalidParameter", IAM_MESSAGE)]), expected
        )

    # 10 seconds allow waits of 2 and 4; the next one (8) would overrun.
    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, 1000, propagation_timeout=10,
                                                 sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(vpc(1), fl(1))]
    assert unsuccessful == [{"resource_id": vpc(2), "code": "InvalidParameter", "message": IAM_MESSAGE}]
    assert clock.sleeps == [2, 4]


def test_genuine_validation_error_is_not_retried(ec2, aws_sleeps, clock):
    expected, _token = create_params([vpc(1)])
    ec2.stub.add_client_error("create_flow_logs", "InvalidParameter", "Invalid log format", 400,
                              expected_params=expected)
    with pytest.raises(api.FlowLogApiError) as info:
        api.create_flow_logs(ec2.client, REQUEST, [vpc(1), ], 1000, sleep=clock.sleep)
    ec2.stub.assert_no_pending_responses()  # exactly one call: a second one would find no stubbed response
    assert info.value.message == "Failed to create flow logs (CreateFlowLogs)"
    assert info.value.exception.response["Error"]["Message"] == "Invalid log format"
    assert clock.sleeps == []
    assert aws_sleeps == []


def test_unsuccessful_entries_with_other_errors_are_returned(ec2, clock):
    ids = [vpc(1), vpc(2), vpc(3)]
    expected, _token = create_params(ids)
    ec2.stub.add_response(
        "create_flow_logs",
        create_response(
            [fl(2)],
            [
                (vpc(1), "FlowLogAlreadyExists",
                 "There is an existing Flow Log with the same configuration and log destination."),
                (vpc(3), "FlowLogsLimitExceeded", "You have exceeded the limit for flow logs on this resource."),
            ],
        ),
        expected,
    )

    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, 1000, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(vpc(2), fl(2))]
    assert unsuccessful == [
        {"resource_id": vpc(1), "code": "FlowLogAlreadyExists",
         "message": "There is an existing Flow Log with the same configuration and log destination."},
        {"resource_id": vpc(3), "code": "FlowLogsLimitExceeded",
         "message": "You have exceeded the limit for flow logs on this resource."},
    ]
    assert clock.sleeps == []


# ---- batching ------------------------------------------------------------------------------


def test_create_batches_700_vpcs_into_300_300_100_with_tags(ec2, clock):
    # CreateFlowLogs takes at most 300 ResourceIds for VPC resource types.
    ids = [vpc(i) for i in range(700)]
    tags = {"team": "net", "env": "prod"}
    tokens = []
    for start, end in ((0, 300), (300, 600), (600, 700)):
        expected, token = create_params(ids[start:end], tags=tags)
        tokens.append(token)
        ec2.stub.add_response("create_flow_logs", create_response([fl(i) for i in range(start, end)]), expected)

    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, max_resource_ids("VPC"), tags=tags,
                                                 sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(vpc(i), fl(i)) for i in range(700)]
    assert unsuccessful == []
    assert len(set(t.value for t in tokens)) == 3  # a distinct ClientToken per batch


def test_create_batches_60_transit_gateways_by_25_without_tags(ec2, clock):
    desired = build_desired({
        "resource_type": "TransitGateway",
        "resource_ids": [tgw(i) for i in range(60)],
        "log_destination_type": "s3",
        "log_destination": "arn:aws:s3:::central-flow-logs/tgw/",
    })
    request = create_request(desired)
    assert "TrafficType" not in request
    for start, end in ((0, 25), (25, 50), (50, 60)):
        # No tags: no TagSpecifications key at all (the Stubber rejects extra parameters).
        expected, _token = create_params(desired["resource_ids"][start:end], request=request)
        ec2.stub.add_response("create_flow_logs", create_response([fl(i) for i in range(start, end)]), expected)

    created, unsuccessful = api.create_flow_logs(ec2.client, request, desired["resource_ids"],
                                                 max_resource_ids("TransitGateway"), tags={}, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(tgw(i), fl(i)) for i in range(60)]
    assert unsuccessful == []


def test_create_iam_refusal_in_a_later_batch_keeps_earlier_batches(ec2, clock):
    ids = [vpc(i) for i in range(3)]
    expected, _token = create_params(ids[:2])
    ec2.stub.add_response("create_flow_logs", create_response([fl(0), fl(1)]), expected)
    expected, _token = create_params(ids[2:])
    ec2.stub.add_client_error("create_flow_logs", "InvalidParameter", IAM_MESSAGE, 400, expected_params=expected)
    expected, _token = create_params(ids[2:])
    ec2.stub.add_response("create_flow_logs", create_response([fl(2)]), expected)

    created, unsuccessful = api.create_flow_logs(ec2.client, REQUEST, ids, 2, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert created == [(vpc(i), fl(i)) for i in range(3)]
    assert unsuccessful == []
    assert clock.sleeps == [2]


# ---- describe ------------------------------------------------------------------------------


def test_describe_450_resources_in_3_paginated_chunks_without_duplicates(ec2):
    ids = [vpc(i) for i in range(450)]
    chunk_1 = {"Filters": [{"Name": "resource-id", "Values": ids[:200]}]}
    chunk_2 = {"Filters": [{"Name": "resource-id", "Values": ids[200:400]}]}
    chunk_3 = {"Filters": [{"Name": "resource-id", "Values": ids[400:]}]}
    ec2.stub.add_response(
        "describe_flow_logs", {"FlowLogs": [flow_log(fl(0), ids[0])], "NextToken": "next-1"}, chunk_1
    )
    ec2.stub.add_response(
        "describe_flow_logs", {"FlowLogs": [flow_log(fl(199), ids[199])]}, dict(chunk_1, NextToken="next-1")
    )
    # fl(199) shows up again in the next chunk (a list that moved between calls): reported once.
    ec2.stub.add_response(
        "describe_flow_logs", {"FlowLogs": [flow_log(fl(199), ids[199]), flow_log(fl(200), ids[200])]}, chunk_2
    )
    ec2.stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": [flow_log(fl(449), ids[449]), flow_log(fl(1449), ids[449], TrafficType="REJECT")]},
        chunk_3,
    )

    found = api.describe_flow_logs(ec2.client, filters={"resource-id": ids})

    ec2.stub.assert_no_pending_responses()
    assert [f["FlowLogId"] for f in found] == [fl(0), fl(199), fl(200), fl(449), fl(1449)]


def test_describe_keeps_short_filters_whole_and_chunks_the_long_one(ec2):
    ids = [vpc(i) for i in range(201)]
    ec2.stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": [flow_log(fl(1), ids[1])]},
        {"Filters": [{"Name": "traffic-type", "Values": ["ALL"]}, {"Name": "resource-id", "Values": ids[:200]}]},
    )
    ec2.stub.add_response(
        "describe_flow_logs",
        {"FlowLogs": []},
        {"Filters": [{"Name": "traffic-type", "Values": ["ALL"]}, {"Name": "resource-id", "Values": ids[200:]}]},
    )
    found = api.describe_flow_logs(ec2.client, filters={"traffic-type": ["ALL"], "resource-id": ids})
    ec2.stub.assert_no_pending_responses()
    assert [f["FlowLogId"] for f in found] == [fl(1)]


def test_describe_by_flow_log_ids_chunks_ids_and_sends_no_filters(ec2):
    ids = [fl(i) for i in range(1250)]
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(ids[0], vpc(0))]}, {"FlowLogIds": ids[:1000]})
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(ids[1249], vpc(1249))]}, {"FlowLogIds": ids[1000:]})
    found = api.describe_flow_logs(ec2.client, flow_log_ids=ids)
    ec2.stub.assert_no_pending_responses()
    assert [f["FlowLogId"] for f in found] == [ids[0], ids[1249]]


def test_describe_with_nothing_found(ec2):
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": []},
                          {"Filters": [{"Name": "resource-id", "Values": [vpc(1)]}]})
    assert api.describe_flow_logs(ec2.client, filters={"resource-id": [vpc(1)]}) == []
    ec2.stub.assert_no_pending_responses()


# ---- delete --------------------------------------------------------------------------------


def test_delete_ignores_not_found_and_returns_other_errors_in_batches_of_1000(ec2):
    ids = [fl(i) for i in range(1500)]
    ec2.stub.add_response(
        "delete_flow_logs",
        {"Unsuccessful": [
            {"ResourceId": ids[3], "Error": {"Code": "InvalidFlowLogId.NotFound",
                                             "Message": "Flow log %s does not exist" % ids[3]}},
            {"ResourceId": ids[7], "Error": {"Code": "UnauthorizedOperation",
                                             "Message": "You are not authorized to perform this operation."}},
        ]},
        {"FlowLogIds": ids[:1000]},
    )
    ec2.stub.add_response(
        "delete_flow_logs",
        {"Unsuccessful": [{"ResourceId": ids[1400],
                           "Error": {"Code": "InvalidFlowLogId.NotFound", "Message": "gone"}}]},
        {"FlowLogIds": ids[1000:]},
    )

    unsuccessful = api.delete_flow_logs(ec2.client, ids)

    ec2.stub.assert_no_pending_responses()
    assert unsuccessful == [
        {"flow_log_id": ids[7], "code": "UnauthorizedOperation",
         "message": "You are not authorized to perform this operation."}
    ]


def test_delete_nothing_makes_no_call(ec2):
    assert api.delete_flow_logs(ec2.client, []) == []
    ec2.stub.assert_no_pending_responses()


# ---- tags ----------------------------------------------------------------------------------


def test_100_flow_logs_needing_the_same_tag_take_one_create_tags_call(ec2):
    ids = [fl(i) for i in range(100)]
    to_set, to_unset = api.plan_tag_changes({i: {} for i in ids}, {"team": "net"}, purge_tags=True)
    assert to_set == {frozenset([("team", "net")]): ids}
    assert to_unset == {}
    ec2.stub.add_response("create_tags", {}, {"Resources": ids, "Tags": [{"Key": "team", "Value": "net"}]})

    api.apply_tag_changes(ec2.client, to_set, to_unset)

    ec2.stub.assert_no_pending_responses()


def test_tag_changes_are_grouped_by_identical_change(ec2):
    current = {
        fl(1): {"team": "net"},  # already right
        fl(2): {},  # needs team
        fl(3): {"team": "old"},  # needs team (changed value): same change as fl(2)
        fl(4): {"team": "net", "stale": "x"},  # needs stale removed
        fl(5): {"stale": "x"},  # needs both
    }
    to_set, to_unset = api.plan_tag_changes(current, {"team": "net"}, purge_tags=True)
    assert to_set == {frozenset([("team", "net")]): [fl(2), fl(3), fl(5)]}
    assert to_unset == {frozenset(["stale"]): [fl(4), fl(5)]}
    ec2.stub.add_response("delete_tags", {}, {"Resources": [fl(4), fl(5)], "Tags": [{"Key": "stale"}]})
    ec2.stub.add_response("create_tags", {}, {"Resources": [fl(2), fl(3), fl(5)],
                                              "Tags": [{"Key": "team", "Value": "net"}]})

    api.apply_tag_changes(ec2.client, to_set, to_unset)

    ec2.stub.assert_no_pending_responses()


def test_purge_removes_only_keys_not_starting_with_aws(ec2):
    current = {
        fl(i): {"aws:cloudformation:stack-name": "network", "aws:createdBy": "x", "old": "1", "team": "net"}
        for i in range(3)
    }
    to_set, to_unset = api.plan_tag_changes(current, {"team": "net"}, purge_tags=True)
    assert to_set == {}
    assert to_unset == {frozenset(["old"]): [fl(0), fl(1), fl(2)]}
    ec2.stub.add_response("delete_tags", {}, {"Resources": [fl(0), fl(1), fl(2)], "Tags": [{"Key": "old"}]})

    api.apply_tag_changes(ec2.client, to_set, to_unset)

    ec2.stub.assert_no_pending_responses()


def test_purge_with_empty_tags_removes_every_user_tag():
    to_set, to_unset = api.plan_tag_changes({fl(1): {"a": "1", "b": "2", "aws:x": "y"}}, {}, purge_tags=True)
    assert to_set == {}
    assert to_unset == {frozenset(["a", "b"]): [fl(1)]}


def test_purge_tags_false_never_deletes(ec2):
    current = {fl(1): {"old": "1", "team": "old"}, fl(2): {"other": "2"}}
    to_set, to_unset = api.plan_tag_changes(current, {"team": "net"}, purge_tags=False)
    assert to_unset == {}
    assert to_set == {frozenset([("team", "net")]): [fl(1), fl(2)]}
    assert api.plan_tag_changes(current, {}, purge_tags=False) == ({}, {})
    ec2.stub.add_response("create_tags", {}, {"Resources": [fl(1), fl(2)], "Tags": [{"Key": "team", "Value": "net"}]})

    api.apply_tag_changes(ec2.client, to_set, to_unset)

    ec2.stub.assert_no_pending_responses()


def test_no_tags_parameter_leaves_tags_alone(ec2):
    assert api.plan_tag_changes({fl(1): {"old": "1"}, fl(2): None}, None, purge_tags=True) == ({}, {})
    api.apply_tag_changes(ec2.client, {}, {})
    ec2.stub.assert_no_pending_responses()  # and no call was made: none was stubbed


def test_matching_tags_need_no_change():
    current = {fl(1): {"team": "net", "aws:x": "y"}, fl(2): {"team": "net"}}
    assert api.plan_tag_changes(current, {"team": "net"}, purge_tags=True) == ({}, {})


def test_non_string_tag_values_compare_as_aws_stores_them():
    # AWS stores tag values as strings; YAML may give ints or booleans. Like amazon.aws's
    # compare_aws_tags, compare the text form, or every run would report a change.
    current = {fl(1): {"count": "3", "enabled": "True"}}
    assert api.plan_tag_changes(current, {"count": 3, "enabled": True}, purge_tags=True) == ({}, {})
    to_set, _to_unset = api.plan_tag_changes({fl(1): {"count": "2"}}, {"count": 3}, purge_tags=True)
    assert to_set == {frozenset([("count", "3")]): [fl(1)]}


def test_more_than_1000_flow_logs_per_tag_change_are_split(ec2):
    ids = [fl(i) for i in range(1200)]
    to_set, to_unset = api.plan_tag_changes({i: {"old": "x"} for i in ids}, {"team": "net"}, purge_tags=True)
    ec2.stub.add_response("delete_tags", {}, {"Resources": ids[:1000], "Tags": [{"Key": "old"}]})
    ec2.stub.add_response("delete_tags", {}, {"Resources": ids[1000:], "Tags": [{"Key": "old"}]})
    ec2.stub.add_response("create_tags", {}, {"Resources": ids[:1000], "Tags": [{"Key": "team", "Value": "net"}]})
    ec2.stub.add_response("create_tags", {}, {"Resources": ids[1000:], "Tags": [{"Key": "team", "Value": "net"}]})

    api.apply_tag_changes(ec2.client, to_set, to_unset)

    ec2.stub.assert_no_pending_responses()


def test_several_tags_in_one_change(ec2):
    to_set, to_unset = api.plan_tag_changes({fl(1): {"b": "1", "a": "2"}}, {"c": "3", "d": "4"}, purge_tags=True)
    assert to_set == {frozenset([("c", "3"), ("d", "4")]): [fl(1)]}
    assert to_unset == {frozenset(["a", "b"]): [fl(1)]}
    # DeleteTags keys are sorted; CreateTags items follow set order, which AWS does not care about.
    ec2.stub.add_response("delete_tags", {}, {"Resources": [fl(1)], "Tags": [{"Key": "a"}, {"Key": "b"}]})
    ec2.stub.add_response("create_tags", {}, {"Resources": [fl(1)], "Tags": Unordered([{"Key": "c", "Value": "3"},
                                                                                      {"Key": "d", "Value": "4"}])})
    api.apply_tag_changes(ec2.client, to_set, to_unset)
    ec2.stub.assert_no_pending_responses()


# ---- waiting and results -------------------------------------------------------------------


def test_wait_polls_until_every_flow_log_is_active(ec2, clock):
    ids = [fl(1), fl(2)]
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [flow_log(fl(1), vpc(1))]}, {"FlowLogIds": ids})
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [
        flow_log(fl(1), vpc(1)), flow_log(fl(2), vpc(2), FlowLogStatus="PENDING")]}, {"FlowLogIds": ids})
    ec2.stub.add_response("describe_flow_logs", {"FlowLogs": [
        flow_log(fl(1), vpc(1)), flow_log(fl(2), vpc(2))]}, {"FlowLogIds": ids})

    current = api.wait_for_flow_logs(ec2.client, ids, timeout=60, sleep=clock.sleep)

    ec2.stub.assert_no_pending_responses()
    assert [f["FlowLogId"] for f in current] == ids
    assert clock.sleeps == [5, 5]


def test_wait_returns_what_it_has_at_the_timeout(ec2, clock):
    ids = [fl(1)]
    # Polls every 5 seconds at t=0, 5, 10 and 15, and gives up once the deadline (t=10) has passed.
    for _attempt in range(4):
        ec2.stub.add_response("describe_flow_logs", {"FlowLogs": []}, {"FlowLogIds": ids})
    assert api.wait_for_flow_logs(ec2.client, ids, timeout=10, sleep=clock.sleep) == []
    ec2.stub.assert_no_pending_responses()
    assert clock.sleeps == [5, 5, 5]


def test_delivery_errors_and_format_flow_log():
    failed = flow_log(fl(2), vpc(2), DeliverLogsStatus="FAILED", DeliverLogsErrorMessage="Access error")
    assert api.delivery_errors([flow_log(fl(1), vpc(1)), failed]) == [
        {"flow_log_id": fl(2), "resource_id": vpc(2), "deliver_logs_status": "FAILED",
         "deliver_logs_error_message": "Access error"}
    ]
    result = api.format_flow_log(dict(
        flow_log(fl(1), vpc(1), LogFormat="${version} ${srcaddr}",
                 DestinationOptions={"FileFormat": "parquet", "HiveCompatiblePartitions": True,
                                     "PerHourPartition": False}),
        Tags=[{"Key": "Team", "Value": "Net"}],
    ))
    assert result["flow_log_id"] == fl(1)
    assert result["tags"] == {"Team": "Net"}
    assert result["log_format_fields"] == ["version", "srcaddr"]
    assert result["destination_options"] == {"file_format": "parquet", "hive_compatible_partitions": True,
                                             "per_hour_partition": False}
    newer = api.format_flow_log(flow_log(fl(1), vpc(1), LogFormat="${version} ${future-field}"))
    assert newer["log_format_fields"] == ["version", "future-field"]
    assert newer["tags"] == {}
