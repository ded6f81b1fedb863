# -*- coding: utf-8 -*-
"""Unit tests for plugins/module_utils/flow_log_settings.py.

Pure logic: validation and normalisation of the ec2_vpc_flow_log parameters, and the
comparison of what AWS describes with what the task asks for. No AWS call is made.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import DEFAULT_FORMAT
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import (
    DEFAULT_DESTINATION_OPTIONS,
    RESOURCE_TYPES,
    UNSUPPORTED_RESOURCE_TYPES,
    FlowLogSettingsError,
    build_desired,
    chunks,
    create_request,
    definition_params,
    describe_differences,
    destination_key,
    differences,
    log_group_from_destination,
    matches_filter,
    max_resource_ids,
    normalize_existing,
    normalize_s3_destination,
    same_identity,
)

VPC = "vpc-0123456789abcdef0"
VPC2 = "vpc-0fedcba9876543210"
SUBNET = "subnet-0123456789abcdef0"
ENI = "eni-0123456789abcdef0"
TGW = "tgw-0123456789abcdef0"
TGW_ATTACH = "tgw-attach-0123456789abcdef0"
ROLE = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
OTHER_ROLE = "arn:aws:iam::123456789012:role/other-delivery"
CROSS_ROLE = "arn:aws:iam::210987654321:role/AWSLogDeliveryFirehoseCrossAccountRole"
GROUP = "/aws/vpc-flow-logs/prod"
GROUP_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/prod"
BUCKET_ARN = "arn:aws:s3:::central-flow-logs"
FIREHOSE = "arn:aws:firehose:us-east-1:123456789012:deliverystream/flow-logs"
CUSTOM_FORMAT = "${version} ${srcaddr} ${dstaddr} ${action}"


def params(**overrides):
    """Module parameters as AnsibleModule hands them over (argument spec defaults applied)."""
    result = {
        "state": "present",
        "resource_type": "VPC",
        "resource_ids": [VPC],
        "traffic_type": None,
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": GROUP,
        "log_destination": None,
        "deliver_logs_permission_arn": ROLE,
        "deliver_cross_account_role": None,
        "log_format": None,
        "max_aggregation_interval": None,
        "destination_options": None,
    }
    result.update(overrides)
    return result


def s3_params(**overrides):
    base = {
        "log_destination_type": "s3",
        "log_group_name": None,
        "log_destination": BUCKET_ARN + "/prod/",
        "deliver_logs_permission_arn": None,
    }
    base.update(overrides)
    return params(**base)


def firehose_params(**overrides):
    base = {
        "log_destination_type": "kinesis-data-firehose",
        "log_group_name": None,
        "log_destination": FIREHOSE,
        "deliver_logs_permission_arn": None,
    }
    base.update(overrides)
    return params(**base)


def problems_of(parameters, region=None):
    with pytest.raises(FlowLogSettingsError) as info:
        build_desired(parameters, region=region)
    return info.value.problems


def described(**overrides):
    """A DescribeFlowLogs entry for a CloudWatch Logs flow log matching params()."""
    entry = {
        "FlowLogId": "fl-0123456789abcdef0",
        "ResourceId": VPC,
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        "LogGroupName": GROUP,
        "LogDestination": GROUP_ARN,
        "DeliverLogsPermissionArn": ROLE,
        "LogFormat": DEFAULT_FORMAT,
        "MaxAggregationInterval": 600,
        "FlowLogStatus": "ACTIVE",
        "DeliverLogsStatus": "SUCCESS",
    }
    entry.update(overrides)
    return {k: v for k, v in entry.items() if v is not None}


def described_s3(**overrides):
    base = {
        "LogDestinationType": "s3",
        "LogGroupName": None,
        "LogDestination": BUCKET_ARN + "/prod/",
        "DeliverLogsPermissionArn": None,
        "DestinationOptions": dict(DEFAULT_DESTINATION_OPTIONS),
    }
    base.update(overrides)
    return described(**base)


# ---- validation: one message per problem ---------------------------------------------------


def test_unknown_resource_type_is_reported_alone_and_first():
    problems = problems_of(params(resource_type="Instance", resource_ids=["i-123"], log_group_name=None))
    assert problems == [
        "resource_type must be one of CoreNetwork, CoreNetworkAttachment, NetworkInterface, RegionalNatGateway, "
        "Subnet, TransitGateway, TransitGatewayAttachment, VPC"
    ]


def test_core_network_edge_is_refused_with_the_reason_before_anything_else():
    problems = problems_of(params(resource_type="CoreNetworkEdge", resource_ids=["anything"], log_group_name=None))
    assert len(problems) == 1
    assert problems[0].startswith("resource_type CoreNetworkEdge is not supported: AWS documents no resource id form")
    assert set(UNSUPPORTED_RESOURCE_TYPES) == {"CoreNetworkEdge"}


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(resource_ids=[]), "resource_ids must list at least one VPC id"),
        (dict(resource_ids=None), "resource_ids must list at least one VPC id"),
        (
            dict(resource_type="Subnet", resource_ids=[]),
            "resource_ids must list at least one Subnet id",
        ),
        (
            dict(resource_ids=[VPC, SUBNET, "vpc-XYZ"]),
            "resource_ids {0}, vpc-XYZ do not look like VPC ids (expected e.g. vpc-0123456789abcdef0)".format(SUBNET),
        ),
        (
            dict(resource_ids=["vpc-0123456"]),  # 7 hex digits: too short
            "resource_ids vpc-0123456 do not look like VPC ids (expected e.g. vpc-0123456789abcdef0)",
        ),
        (
            dict(resource_type="TransitGateway", resource_ids=[TGW_ATTACH]),
            "resource_ids {0} do not look like TransitGateway ids (expected e.g. tgw-0123456789abcdef0)".format(
                TGW_ATTACH
            ),
        ),
        (
            dict(resource_type="TransitGatewayAttachment", resource_ids=[TGW]),
            "resource_ids {0} do not look like TransitGatewayAttachment ids "
            "(expected e.g. tgw-attach-0123456789abcdef0)".format(TGW),
        ),
        (
            dict(resource_type="NetworkInterface", resource_ids=[VPC]),
            "resource_ids {0} do not look like NetworkInterface ids (expected e.g. eni-0123456789abcdef0)".format(VPC),
        ),
        (
            dict(resource_ids=[VPC, VPC2, VPC, VPC2, VPC]),
            "resource_ids lists {0}, {1} more than once".format(VPC, VPC2),
        ),
        (
            dict(resource_type="TransitGateway", resource_ids=[TGW], traffic_type="ALL"),
            "traffic_type is not supported for resource_type TransitGateway; omit it",
        ),
        (
            dict(resource_type="TransitGatewayAttachment", resource_ids=[TGW_ATTACH], traffic_type="REJECT"),
            "traffic_type is not supported for resource_type TransitGatewayAttachment; omit it",
        ),
        (dict(max_aggregation_interval=300), "max_aggregation_interval must be 60 or 600, got 300"),
        (
            dict(resource_type="TransitGateway", resource_ids=[TGW], max_aggregation_interval=600),
            "max_aggregation_interval must be 60 for resource_type TransitGateway, got 600",
        ),
        (
            dict(resource_type="TransitGatewayAttachment", resource_ids=[TGW_ATTACH], max_aggregation_interval=600),
            "max_aggregation_interval must be 60 for resource_type TransitGatewayAttachment, got 600",
        ),
        (
            dict(deliver_logs_permission_arn="vpc-flow-logs-delivery"),
            "deliver_logs_permission_arn must be an IAM role ARN like arn:aws:iam::123456789012:role/flow-logs, "
            "got 'vpc-flow-logs-delivery'",
        ),
        (
            dict(deliver_logs_permission_arn="arn:aws:iam::123456789012:user/alice"),
            "deliver_logs_permission_arn must be an IAM role ARN like arn:aws:iam::123456789012:role/flow-logs, "
            "got 'arn:aws:iam::123456789012:user/alice'",
        ),
        (
            dict(log_destination=GROUP_ARN),
            "log_group_name and log_destination are mutually exclusive; give one of them",
        ),
        (
            dict(log_group_name=None),
            "log_destination_type cloud-watch-logs needs log_group_name or log_destination (a log group ARN)",
        ),
        (
            dict(log_group_name="flow logs"),
            "log_group_name 'flow logs' is not a valid log group name (1-512 characters of A-Z a-z 0-9 . - _ / #)",
        ),
        (
            dict(log_group_name="x" * 513),
            "log_group_name {0!r} is not a valid log group name (1-512 characters of A-Z a-z 0-9 . - _ / #)".format(
                "x" * 513
            ),
        ),
        (
            dict(log_group_name=None, log_destination=BUCKET_ARN),
            "log_destination 'arn:aws:s3:::central-flow-logs' is not a CloudWatch Logs log group ARN "
            "(arn:aws:logs:REGION:ACCOUNT:log-group:NAME)",
        ),
        (
            dict(deliver_logs_permission_arn=None),
            "log_destination_type cloud-watch-logs needs deliver_logs_permission_arn "
            "(the IAM role VPC Flow Logs assumes)",
        ),
        (
            dict(destination_options={"file_format": "parquet"}),
            "destination_options are only valid with log_destination_type s3",
        ),
        (
            dict(deliver_cross_account_role=CROSS_ROLE),
            "deliver_cross_account_role is only valid with log_destination_type kinesis-data-firehose",
        ),
        (
            dict(log_format="${version} ${srcadr}"),
            "invalid log_format: unknown field ${srcadr}; did you mean ${srcaddr}?",
        ),
        (
            dict(log_format="${version} ${instance-tag}"),
            "invalid log_format: tag field ${instance-tag} needs tag_field_specifications "
            "(resource_type and tag_keys for each tagged resource kind)",
        ),
        (
            dict(log_format="   "),
            "invalid log_format: log_format is empty or blank ('   '); give at least one ${field}, "
            "or omit it for the default format",
        ),
    ],
)
def test_cloudwatch_and_common_problems(overrides, message):
    assert problems_of(params(**overrides)) == [message]


def test_log_group_arn_in_another_region_is_rejected():
    other = "arn:aws:logs:eu-west-1:123456789012:log-group:" + GROUP
    problems = problems_of(params(log_group_name=None, log_destination=other), region="us-east-1")
    assert problems == [
        "log_destination {0!r} is in region eu-west-1, but the flow logs are created in us-east-1".format(other)
    ]
    # Without a known region there is nothing to compare with.
    assert build_desired(params(log_group_name=None, log_destination=other))["destination"] == GROUP


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(log_group_name=GROUP), "log_group_name is only valid with log_destination_type cloud-watch-logs"),
        (
            dict(deliver_logs_permission_arn=ROLE),
            "deliver_logs_permission_arn is not applicable for s3 delivery; remove it",
        ),
        (
            dict(log_destination=None),
            "log_destination_type s3 needs log_destination (arn:aws:s3:::BUCKET[/PREFIX/])",
        ),
        (
            dict(log_destination="s3://central-flow-logs/prod/"),
            "log_destination 's3://central-flow-logs/prod/' is not an S3 ARN (arn:aws:s3:::BUCKET[/PREFIX/])",
        ),
        (
            dict(log_destination=GROUP_ARN),
            "log_destination {0!r} is not an S3 ARN (arn:aws:s3:::BUCKET[/PREFIX/])".format(GROUP_ARN),
        ),
        (
            dict(log_destination="arn:aws:s3:::Central_Flow_Logs/prod/"),
            "log_destination 'arn:aws:s3:::Central_Flow_Logs/prod/' names an invalid bucket 'Central_Flow_Logs'",
        ),
        (
            dict(log_destination="arn:aws:s3:::ab"),
            "log_destination 'arn:aws:s3:::ab' names an invalid bucket 'ab'",
        ),
        (
            dict(log_destination="arn:aws:s3:::central-flow-logs/AWSLogs/"),
            "log_destination prefix may not be AWSLogs (AWS adds AWSLogs/ itself): "
            "'arn:aws:s3:::central-flow-logs/AWSLogs/'",
        ),
        (
            dict(log_destination="arn:aws:s3:::central-flow-logs/AWSLogs/123456789012/"),
            "log_destination prefix may not be AWSLogs (AWS adds AWSLogs/ itself): "
            "'arn:aws:s3:::central-flow-logs/AWSLogs/123456789012/'",
        ),
        (
            dict(log_destination="arn:aws:s3:::central-flow-logs/prod//eu/"),
            "log_destination prefix 'arn:aws:s3:::central-flow-logs/prod//eu/' contains an empty path segment",
        ),
        (
            dict(deliver_cross_account_role=CROSS_ROLE),
            "deliver_cross_account_role is only valid with log_destination_type kinesis-data-firehose",
        ),
    ],
)
def test_s3_problems(overrides, message):
    assert problems_of(s3_params(**overrides)) == [message]


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(log_group_name=GROUP), "log_group_name is only valid with log_destination_type cloud-watch-logs"),
        (
            dict(log_destination=None),
            "log_destination_type kinesis-data-firehose needs log_destination (a delivery stream ARN)",
        ),
        (
            dict(log_destination="arn:aws:kinesis:us-east-1:123456789012:stream/flow-logs"),
            "log_destination 'arn:aws:kinesis:us-east-1:123456789012:stream/flow-logs' is not a Firehose "
            "delivery stream ARN (arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME)",
        ),
        (
            dict(destination_options={"file_format": "parquet"}),
            "destination_options are only valid with log_destination_type s3",
        ),
        (
            dict(deliver_cross_account_role=CROSS_ROLE),
            "deliver_cross_account_role needs deliver_logs_permission_arn (the source-account role "
            "VPC Flow Logs assumes for cross-account Firehose delivery)",
        ),
        (
            dict(deliver_cross_account_role="not-an-arn", deliver_logs_permission_arn=ROLE),
            "deliver_cross_account_role must be an IAM role ARN like arn:aws:iam::123456789012:role/flow-logs, "
            "got 'not-an-arn'",
        ),
    ],
)
def test_firehose_problems(overrides, message):
    assert problems_of(firehose_params(**overrides)) == [message]


def test_every_problem_is_reported_together():
    bad = params(
        resource_ids=[VPC, "subnet-0123456789abcdef0", VPC],
        traffic_type="ALL",
        max_aggregation_interval=120,
        log_group_name="bad name",
        deliver_logs_permission_arn=None,
        destination_options={"file_format": "parquet"},
        log_format="${version} ${bogus}",
    )
    with pytest.raises(FlowLogSettingsError) as info:
        build_desired(bad)
    problems = info.value.problems
    assert problems == [
        "resource_ids subnet-0123456789abcdef0 do not look like VPC ids (expected e.g. vpc-0123456789abcdef0)",
        "resource_ids lists {0} more than once".format(VPC),
        "max_aggregation_interval must be 60 or 600, got 120",
        "log_group_name 'bad name' is not a valid log group name (1-512 characters of A-Z a-z 0-9 . - _ / #)",
        "log_destination_type cloud-watch-logs needs deliver_logs_permission_arn "
        "(the IAM role VPC Flow Logs assumes)",
        "destination_options are only valid with log_destination_type s3",
        "invalid log_format: unknown field ${bogus}",
    ]
    # The exception text carries every problem, so fail_json's msg shows them all.
    assert str(info.value) == "; ".join(problems)
    assert isinstance(info.value, ValueError)


def test_firehose_in_the_same_account_needs_no_role():
    desired = build_desired(firehose_params())
    assert desired["destination"] == FIREHOSE
    assert desired["deliver_logs_permission_arn"] is None
    assert desired["deliver_cross_account_role"] is None


def test_s3_problems_are_reported_together_with_transit_gateway_problems():
    problems = problems_of(
        s3_params(
            resource_type="TransitGateway",
            resource_ids=[TGW],
            traffic_type="ALL",
            max_aggregation_interval=600,
            log_group_name=GROUP,
            deliver_logs_permission_arn=ROLE,
            log_destination="arn:aws:s3:::central-flow-logs/AWSLogs/",
        )
    )
    assert problems == [
        "traffic_type is not supported for resource_type TransitGateway; omit it",
        "max_aggregation_interval must be 60 for resource_type TransitGateway, got 600",
        "log_group_name is only valid with log_destination_type cloud-watch-logs",
        "deliver_logs_permission_arn is not applicable for s3 delivery; remove it",
        "log_destination prefix may not be AWSLogs (AWS adds AWSLogs/ itself): "
        "'arn:aws:s3:::central-flow-logs/AWSLogs/'",
    ]


def test_absent_does_not_need_a_delivery_role():
    desired = build_desired(params(state="absent", deliver_logs_permission_arn=None))
    assert desired["deliver_logs_permission_arn"] is None
    assert desired["destination"] == GROUP


def test_absent_still_validates_the_destination():
    assert problems_of(params(state="absent", log_group_name=None, deliver_logs_permission_arn=None)) == [
        "log_destination_type cloud-watch-logs needs log_group_name or log_destination (a log group ARN)"
    ]


@pytest.mark.parametrize("resource_type", sorted(RESOURCE_TYPES))
def test_each_resource_type_accepts_its_own_example_id(resource_type):
    example = RESOURCE_TYPES[resource_type].example
    desired = build_desired(s3_params(resource_type=resource_type, resource_ids=[example]))
    assert desired["resource_type"] == resource_type
    assert desired["resource_ids"] == [example]


@pytest.mark.parametrize("resource_type", sorted(RESOURCE_TYPES))
def test_each_resource_type_refuses_the_ids_of_every_other_type(resource_type):
    others = [t.example for name, t in RESOURCE_TYPES.items() if name != resource_type]
    problems = problems_of(s3_params(resource_type=resource_type, resource_ids=others))
    assert problems == ["resource_ids {0} do not look like {1} ids (expected e.g. {2})".format(
        ", ".join(others), resource_type, RESOURCE_TYPES[resource_type].example)]


@pytest.mark.parametrize("resource_type, resource_id", [
    ("CoreNetwork", "core-network-0123456789abcdef0"), ("CoreNetworkAttachment", "attachment-0123456789abcdef0"),
])
def test_cloud_wan_types_take_no_traffic_type_and_only_60_seconds(resource_type, resource_id):
    desired = build_desired(s3_params(resource_type=resource_type, resource_ids=[resource_id]))
    assert desired["traffic_type"] is None and desired["max_aggregation_interval"] == 60
    assert "TrafficType" not in create_request(desired)
    problems = problems_of(s3_params(resource_type=resource_type, resource_ids=[resource_id],
                                     traffic_type="ALL", max_aggregation_interval=600))
    assert problems == [
        "traffic_type is not supported for resource_type {0}; omit it".format(resource_type),
        "max_aggregation_interval must be 60 for resource_type {0}, got 600".format(resource_type),
    ]


def test_regional_nat_gateway_follows_the_vpc_rules():
    desired = build_desired(params(resource_type="RegionalNatGateway", resource_ids=["nat-0123456789abcdef0"]))
    assert desired["traffic_type"] == "ALL" and desired["max_aggregation_interval"] == 600
    assert create_request(desired)["TrafficType"] == "ALL"


@pytest.mark.parametrize(
    "role",
    [
        "arn:aws-cn:iam::123456789012:role/flow-logs",
        "arn:aws-us-gov:iam::123456789012:role/service-role/flow+logs=a,b.c@d-e_f",
    ],
)
def test_role_arns_in_other_partitions_and_with_paths_are_accepted(role):
    assert build_desired(params(deliver_logs_permission_arn=role))["deliver_logs_permission_arn"] == role


# ---- defaults ------------------------------------------------------------------------------


def test_defaults_for_a_vpc_to_cloudwatch_logs():
    desired = build_desired(params(resource_ids=[VPC, VPC2]))
    assert desired == {
        "resource_type": "VPC",
        "resource_ids": [VPC, VPC2],
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "log_group_name": GROUP,
        "log_destination": None,
        "destination": GROUP,
        "deliver_logs_permission_arn": ROLE,
        "deliver_cross_account_role": None,
        "log_format": DEFAULT_FORMAT,
        "max_aggregation_interval": 600,
        "destination_options": None,
        "tag_field_specifications": None,
    }


def test_traffic_type_defaults_to_all_when_present_and_to_any_when_absent():
    assert build_desired(params())["traffic_type"] == "ALL"
    assert build_desired(params(state="absent"))["traffic_type"] is None
    assert build_desired(params(traffic_type="REJECT"))["traffic_type"] == "REJECT"
    assert build_desired(params(state="absent", traffic_type="ACCEPT"))["traffic_type"] == "ACCEPT"


@pytest.mark.parametrize(
    "resource_type, resource_id", [("TransitGateway", TGW), ("TransitGatewayAttachment", TGW_ATTACH)]
)
def test_transit_gateway_defaults(resource_type, resource_id):
    desired = build_desired(s3_params(resource_type=resource_type, resource_ids=[resource_id]))
    assert desired["max_aggregation_interval"] == 60
    assert desired["traffic_type"] is None
    assert build_desired(
        s3_params(resource_type=resource_type, resource_ids=[resource_id], max_aggregation_interval=60)
    )["max_aggregation_interval"] == 60


@pytest.mark.parametrize("resource_type, resource_id", [("Subnet", SUBNET), ("NetworkInterface", ENI)])
def test_interval_defaults_to_600_and_accepts_60(resource_type, resource_id):
    base = dict(resource_type=resource_type, resource_ids=[resource_id])
    assert build_desired(params(**base))["max_aggregation_interval"] == 600
    assert build_desired(params(max_aggregation_interval=60, **base))["max_aggregation_interval"] == 60


def test_destination_options_default_for_s3_only():
    assert build_desired(s3_params())["destination_options"] == {
        "FileFormat": "plain-text",
        "HiveCompatiblePartitions": False,
        "PerHourPartition": False,
    }
    assert build_desired(params())["destination_options"] is None
    assert build_desired(firehose_params())["destination_options"] is None


def test_destination_options_given_for_s3_are_mapped_and_partial_ones_completed():
    full = build_desired(
        s3_params(destination_options={"file_format": "parquet", "hive_compatible_partitions": True,
                                       "per_hour_partition": True})
    )
    assert full["destination_options"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": True,
                                           "PerHourPartition": True}
    partial = build_desired(s3_params(destination_options={"per_hour_partition": True}))
    assert partial["destination_options"] == {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                                              "PerHourPartition": True}
    # build_desired must not alter the module's defaults for later calls.
    assert DEFAULT_DESTINATION_OPTIONS == {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                                           "PerHourPartition": False}


def test_log_format_is_normalised():
    assert build_desired(params(log_format=CUSTOM_FORMAT))["log_format"] == CUSTOM_FORMAT
    assert build_desired(params(log_format=DEFAULT_FORMAT))["log_format"] == DEFAULT_FORMAT
    assert build_desired(params(log_format=None))["log_format"] == DEFAULT_FORMAT


def test_build_desired_copies_resource_ids():
    ids = [VPC]
    desired = build_desired(params(resource_ids=ids))
    desired["resource_ids"].append(VPC2)
    assert ids == [VPC]


# ---- normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn, name",
    [
        (GROUP_ARN, GROUP),
        (GROUP_ARN + ":*", GROUP),
        ("arn:aws-cn:logs:cn-north-1:123456789012:log-group:flow#logs.cn", "flow#logs.cn"),
        ("arn:aws-cn:logs:cn-north-1:123456789012:log-group:flow#logs.cn:*", "flow#logs.cn"),
        ("arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/gov/flow_logs", "/gov/flow_logs"),
        ("arn:aws-us-gov:logs:us-gov-west-1:123456789012:log-group:/gov/flow_logs:*", "/gov/flow_logs"),
    ],
)
def test_log_group_from_destination(arn, name):
    assert log_group_from_destination(arn) == name
    assert destination_key("cloud-watch-logs", None, arn) == name


@pytest.mark.parametrize(
    "value",
    [None, "", GROUP, BUCKET_ARN, "arn:aws:logs:us-east-1:1234:log-group:x", "arn:aws:logs:us-east-1:123456789012:x"],
)
def test_log_group_from_destination_rejects_non_log_group_arns(value):
    assert log_group_from_destination(value) is None


@pytest.mark.parametrize("arn", [GROUP_ARN, GROUP_ARN + ":*"])
def test_log_group_arn_with_or_without_suffix_equals_the_name(arn):
    by_arn = build_desired(params(log_group_name=None, log_destination=arn), region="us-east-1")
    by_name = build_desired(params())
    assert by_arn["destination"] == by_name["destination"] == GROUP
    for existing in (described(), described(LogGroupName=None), described(LogDestination=GROUP_ARN + ":*")):
        current = normalize_existing(existing)
        assert same_identity(current, by_arn)
        assert same_identity(current, by_name)
        assert differences(current, by_arn) == []


def test_log_group_arns_in_other_partitions_validate_against_their_region():
    arn = "arn:aws-cn:logs:cn-north-1:123456789012:log-group:flow-logs:*"
    desired = build_desired(
        params(log_group_name=None, log_destination=arn,
               deliver_logs_permission_arn="arn:aws-cn:iam::123456789012:role/r"),
        region="cn-north-1",
    )
    assert desired["destination"] == "flow-logs"
    gov = "arn:aws-us-gov:logs:us-gov-east-1:123456789012:log-group:flow-logs"
    assert problems_of(params(log_group_name=None, log_destination=gov), region="us-gov-west-1") == [
        "log_destination {0!r} is in region us-gov-east-1, but the flow logs are created in us-gov-west-1".format(gov)
    ]


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("arn:aws:s3:::central-flow-logs", "arn:aws:s3:::central-flow-logs"),
        ("arn:aws:s3:::central-flow-logs/", "arn:aws:s3:::central-flow-logs"),
        ("arn:aws:s3:::central-flow-logs/prod", "arn:aws:s3:::central-flow-logs/prod"),
        ("arn:aws:s3:::central-flow-logs/prod/", "arn:aws:s3:::central-flow-logs/prod"),
        ("arn:aws:s3:::central-flow-logs/prod/eu/", "arn:aws:s3:::central-flow-logs/prod/eu"),
        ("arn:aws-cn:s3:::cn-flow-logs/prod/", "arn:aws-cn:s3:::cn-flow-logs/prod"),
        ("arn:aws-us-gov:s3:::gov-flow-logs/", "arn:aws-us-gov:s3:::gov-flow-logs"),
        ("not-an-arn", "not-an-arn"),
    ],
)
def test_s3_destination_normalisation(given, canonical):
    assert normalize_s3_destination(given) == canonical
    assert destination_key("s3", None, given) == canonical


@pytest.mark.parametrize(
    "wanted, existing",
    [
        ("arn:aws:s3:::central-flow-logs/prod/", "arn:aws:s3:::central-flow-logs/prod"),
        ("arn:aws:s3:::central-flow-logs/prod", "arn:aws:s3:::central-flow-logs/prod/"),
        ("arn:aws:s3:::central-flow-logs/", "arn:aws:s3:::central-flow-logs"),
        ("arn:aws-cn:s3:::cn-flow-logs/prod/", "arn:aws-cn:s3:::cn-flow-logs/prod"),
        ("arn:aws-us-gov:s3:::gov-flow-logs", "arn:aws-us-gov:s3:::gov-flow-logs/"),
    ],
)
def test_s3_trailing_slash_does_not_change_identity(wanted, existing):
    desired = build_desired(s3_params(log_destination=wanted))
    current = normalize_existing(described_s3(LogDestination=existing))
    assert same_identity(current, desired)
    assert differences(current, desired) == []


@pytest.mark.parametrize(
    "existing",
    [
        "arn:aws:s3:::central-flow-logs/dev/",
        "arn:aws:s3:::central-flow-logs",
        "arn:aws:s3:::other-flow-logs/prod/",
        "arn:aws:s3:::central-flow-logs/prod/eu/",
        "arn:aws-cn:s3:::central-flow-logs/prod/",
    ],
)
def test_other_s3_destinations_are_other_flow_logs(existing):
    desired = build_desired(s3_params())
    assert not same_identity(normalize_existing(described_s3(LogDestination=existing)), desired)


def test_normalize_existing_cloudwatch():
    assert normalize_existing(described()) == {
        "resource_id": VPC,
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "destination": GROUP,
        "deliver_logs_permission_arn": ROLE,
        "deliver_cross_account_role": None,
        "log_format": DEFAULT_FORMAT,
        "max_aggregation_interval": 600,
        "destination_options": None,
        "tag_field_specifications": None,
    }


def test_normalize_existing_fills_aws_defaults():
    # Older flow logs and emulators omit LogDestinationType, MaxAggregationInterval and DestinationOptions.
    current = normalize_existing(described(LogDestinationType=None, MaxAggregationInterval=None))
    assert current["log_destination_type"] == "cloud-watch-logs"
    assert current["max_aggregation_interval"] == 600
    s3 = normalize_existing(described_s3(DestinationOptions=None))
    assert s3["destination_options"] == DEFAULT_DESTINATION_OPTIONS
    partial = normalize_existing(described_s3(DestinationOptions={"FileFormat": "parquet"}))
    assert partial["destination_options"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": False,
                                              "PerHourPartition": False}
    assert DEFAULT_DESTINATION_OPTIONS["FileFormat"] == "plain-text"


def test_normalize_existing_collapses_whitespace_of_formats_newer_than_the_catalogue():
    current = normalize_existing(described(LogFormat="${version}  ${future-field}"))
    assert current["log_format"] == "${version} ${future-field}"
    desired = build_desired(params(log_format="${version}"))
    assert differences(current, desired) == [("log_format", "${version} ${future-field}", "${version}")]


# ---- identity and differences --------------------------------------------------------------


def test_explicit_default_format_equals_omitted_format():
    for log_format in (None, DEFAULT_FORMAT):
        desired = build_desired(params(log_format=log_format))
        current = normalize_existing(described(LogFormat=DEFAULT_FORMAT))
        assert same_identity(current, desired)
        assert differences(current, desired) == []


def test_unchanged_flow_log_has_no_differences():
    desired = build_desired(params(log_format=CUSTOM_FORMAT))
    assert differences(normalize_existing(described(LogFormat=CUSTOM_FORMAT)), desired) == []


def test_format_difference():
    desired = build_desired(params(log_format=CUSTOM_FORMAT))
    current = normalize_existing(described())
    assert same_identity(current, desired)
    assert differences(current, desired) == [("log_format", DEFAULT_FORMAT, CUSTOM_FORMAT)]


def test_field_order_is_a_difference():
    desired = build_desired(params(log_format="${srcaddr} ${version}"))
    current = normalize_existing(described(LogFormat="${version} ${srcaddr}"))
    assert differences(current, desired) == [("log_format", "${version} ${srcaddr}", "${srcaddr} ${version}")]


def test_role_difference():
    desired = build_desired(params(deliver_logs_permission_arn=OTHER_ROLE))
    current = normalize_existing(described())
    assert same_identity(current, desired)
    assert differences(current, desired) == [("deliver_logs_permission_arn", ROLE, OTHER_ROLE)]


def test_interval_difference():
    desired = build_desired(params(max_aggregation_interval=60))
    current = normalize_existing(described())
    assert differences(current, desired) == [("max_aggregation_interval", 600, 60)]
    assert differences(normalize_existing(described(MaxAggregationInterval=60)), desired) == []


def test_destination_options_difference():
    parquet = {"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": False}
    desired = build_desired(
        s3_params(destination_options={"file_format": "parquet", "hive_compatible_partitions": True})
    )
    assert differences(normalize_existing(described_s3(DestinationOptions=parquet)), desired) == []
    current = normalize_existing(described_s3())
    assert same_identity(current, desired)
    assert differences(current, desired) == [("destination_options", DEFAULT_DESTINATION_OPTIONS, parquet)]
    # Omitted options are the defaults, on both sides.
    assert differences(normalize_existing(described_s3(DestinationOptions=None)), build_desired(s3_params())) == []
    hourly = dict(DEFAULT_DESTINATION_OPTIONS, PerHourPartition=True)
    assert differences(normalize_existing(described_s3(DestinationOptions=hourly)), build_desired(s3_params())) == [
        ("destination_options", hourly, DEFAULT_DESTINATION_OPTIONS)
    ]


def test_cross_account_role_difference():
    desired = build_desired(firehose_params(deliver_logs_permission_arn=ROLE, deliver_cross_account_role=CROSS_ROLE))
    existing = described(LogDestinationType="kinesis-data-firehose", LogGroupName=None, LogDestination=FIREHOSE)
    current = normalize_existing(existing)
    assert same_identity(current, desired)
    assert differences(current, desired) == [("deliver_cross_account_role", None, CROSS_ROLE)]
    assert differences(normalize_existing(dict(existing, DeliverCrossAccountRole=CROSS_ROLE)), desired) == []


def test_several_differences_are_listed_in_a_stable_order():
    desired = build_desired(params(log_format=CUSTOM_FORMAT, max_aggregation_interval=60,
                                   deliver_logs_permission_arn=OTHER_ROLE))
    diffs = differences(normalize_existing(described()), desired)
    assert [diff[0] for diff in diffs] == ["log_format", "max_aggregation_interval", "deliver_logs_permission_arn"]
    assert describe_differences(VPC, "fl-1", diffs) == (
        "{0} (fl-1): log_format: {1!r} -> {2!r}; max_aggregation_interval: 600 -> 60; "
        "deliver_logs_permission_arn: {3!r} -> {4!r}".format(VPC, DEFAULT_FORMAT, CUSTOM_FORMAT, ROLE, OTHER_ROLE)
    )


@pytest.mark.parametrize(
    "existing",
    [
        described(TrafficType="REJECT"),
        described(LogGroupName="/aws/vpc-flow-logs/dev", LogDestination=None),
        described_s3(),
        described(LogDestinationType="kinesis-data-firehose", LogGroupName=None, LogDestination=FIREHOSE),
    ],
)
def test_other_traffic_type_or_destination_is_another_flow_log(existing):
    assert not same_identity(normalize_existing(existing), build_desired(params()))


def test_transit_gateway_identity_has_no_traffic_type():
    desired = build_desired(s3_params(resource_type="TransitGateway", resource_ids=[TGW]))
    current = normalize_existing(described_s3(ResourceId=TGW, TrafficType=None, MaxAggregationInterval=60))
    assert current["traffic_type"] is None
    assert same_identity(current, desired)
    assert differences(current, desired) == []
    # Should AWS report a traffic type for a transit gateway flow log, it is still the same one.
    reported = normalize_existing(described_s3(ResourceId=TGW, TrafficType="ALL", MaxAggregationInterval=60))
    assert same_identity(reported, desired)


def test_matches_filter_for_absent():
    any_traffic = build_desired(params(state="absent", deliver_logs_permission_arn=None))
    reject_only = build_desired(params(state="absent", traffic_type="REJECT", deliver_logs_permission_arn=None))
    for traffic in ("ALL", "ACCEPT", "REJECT"):
        assert matches_filter(normalize_existing(described(TrafficType=traffic)), any_traffic)
    assert matches_filter(normalize_existing(described(TrafficType="REJECT")), reject_only)
    assert not matches_filter(normalize_existing(described(TrafficType="ALL")), reject_only)
    # Settings other than destination and traffic type do not matter for deletion.
    odd = described(LogFormat=CUSTOM_FORMAT, MaxAggregationInterval=60, DeliverLogsPermissionArn=OTHER_ROLE)
    assert matches_filter(normalize_existing(odd), any_traffic)
    assert not matches_filter(normalize_existing(described(LogGroupName="/other", LogDestination=None)), any_traffic)
    assert not matches_filter(normalize_existing(described_s3()), any_traffic)


def test_matches_filter_for_absent_s3_ignores_trailing_slash():
    desired = build_desired(s3_params(state="absent", log_destination=BUCKET_ARN + "/prod"))
    assert matches_filter(normalize_existing(described_s3(LogDestination=BUCKET_ARN + "/prod/")), desired)
    assert not matches_filter(normalize_existing(described_s3(LogDestination=BUCKET_ARN + "/dev/")), desired)


# ---- create_request ------------------------------------------------------------------------


def test_create_request_cloudwatch_by_name():
    assert create_request(build_desired(params(traffic_type="REJECT"))) == {
        "ResourceType": "VPC",
        "LogDestinationType": "cloud-watch-logs",
        "LogFormat": DEFAULT_FORMAT,
        "MaxAggregationInterval": 600,
        "TrafficType": "REJECT",
        "LogGroupName": GROUP,
        "DeliverLogsPermissionArn": ROLE,
    }


def test_create_request_cloudwatch_by_arn_keeps_the_arn():
    request = create_request(build_desired(params(log_group_name=None, log_destination=GROUP_ARN + ":*")))
    assert request["LogDestination"] == GROUP_ARN + ":*"
    assert "LogGroupName" not in request


def test_create_request_s3():
    desired = build_desired(
        s3_params(resource_type="Subnet", resource_ids=[SUBNET], log_format=CUSTOM_FORMAT, max_aggregation_interval=60,
                  destination_options={"file_format": "parquet", "hive_compatible_partitions": True,
                                       "per_hour_partition": False})
    )
    assert create_request(desired) == {
        "ResourceType": "Subnet",
        "LogDestinationType": "s3",
        "LogFormat": CUSTOM_FORMAT,
        "MaxAggregationInterval": 60,
        "TrafficType": "ALL",
        "LogDestination": BUCKET_ARN + "/prod/",
        "DestinationOptions": {"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": False},
    }


def test_create_request_transit_gateway_has_no_traffic_type_nor_vpc_default_format():
    # Transit gateway flow logs have their own default format: without log_format, send none.
    request = create_request(build_desired(s3_params(resource_type="TransitGateway", resource_ids=[TGW])))
    assert request == {
        "ResourceType": "TransitGateway",
        "LogDestinationType": "s3",
        "MaxAggregationInterval": 60,
        "LogDestination": BUCKET_ARN + "/prod/",
        "DestinationOptions": DEFAULT_DESTINATION_OPTIONS,
    }


def test_create_request_firehose_cross_account():
    desired = build_desired(firehose_params(deliver_logs_permission_arn=ROLE, deliver_cross_account_role=CROSS_ROLE))
    assert create_request(desired) == {
        "ResourceType": "VPC",
        "LogDestinationType": "kinesis-data-firehose",
        "LogFormat": DEFAULT_FORMAT,
        "MaxAggregationInterval": 600,
        "TrafficType": "ALL",
        "LogDestination": FIREHOSE,
        "DeliverLogsPermissionArn": ROLE,
        "DeliverCrossAccountRole": CROSS_ROLE,
    }


def test_create_request_has_no_resource_ids_and_validates_against_botocore():
    import botocore.session

    request = create_request(build_desired(s3_params(destination_options={"file_format": "parquet"})))
    assert "ResourceIds" not in request
    model = botocore.session.get_session().get_service_model("ec2").operation_model("CreateFlowLogs")
    from botocore.validate import validate_parameters

    validate_parameters(dict(request, ResourceIds=[VPC]), model.input_shape)  # raises if malformed


# ---- chunks and limits ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "count, size, lengths",
    [(0, 5, []), (1, 5, [1]), (5, 5, [5]), (6, 5, [5, 1]), (2500, 1000, [1000, 1000, 500]), (60, 25, [25, 25, 10])],
)
def test_chunks_lengths(count, size, lengths):
    items = list(range(count))
    parts = chunks(items, size)
    assert [len(p) for p in parts] == lengths
    assert [x for p in parts for x in p] == items


@given(st.lists(st.integers()), st.integers(min_value=1, max_value=50))
def test_chunks_preserve_order_and_bound_size(items, size):
    parts = chunks(items, size)
    assert [x for p in parts for x in p] == items
    assert all(1 <= len(p) <= size for p in parts)
    assert all(len(p) == size for p in parts[:-1])


def test_max_resource_ids():
    # CreateFlowLogs: 25 for transit gateway resource types, 300 for the others (Cloud WAN included).
    assert max_resource_ids("TransitGateway") == 25
    assert max_resource_ids("TransitGatewayAttachment") == 25
    for resource_type in ("VPC", "Subnet", "NetworkInterface", "RegionalNatGateway", "CoreNetwork",
                          "CoreNetworkAttachment"):
        assert max_resource_ids(resource_type) == 300


def test_transit_gateway_without_format_accepts_the_format_aws_chose():
    desired = build_desired(s3_params(resource_type="TransitGateway", resource_ids=[TGW]))
    assert desired["log_format"] is None
    current = normalize_existing(described_s3(ResourceId=TGW, TrafficType=None, MaxAggregationInterval=60,
                                              LogFormat="${version} ${resource-type} ${account-id}"))
    assert differences(current, desired) == []
    tgw_format = "${version} ${srcaddr} ${dstaddr} ${packets-lost-no-route}"
    explicit = build_desired(s3_params(resource_type="TransitGateway", resource_ids=[TGW], log_format=tgw_format))
    assert create_request(explicit)["LogFormat"] == tgw_format
    assert [diff[0] for diff in differences(current, explicit)] == ["log_format"]


# ---- tag field specifications ---------------------------------------------------------------

TAG_FORMAT = "${version} ${interface-id} ${srcaddr} ${instance-tag} ${instance-tag-2}"


def test_tag_field_specifications_are_sent_in_a_canonical_order():
    desired = build_desired(params(log_format=TAG_FORMAT, tag_field_specifications=[
        {"resource_type": "network-interface", "tag_keys": ["team"]},
        {"resource_type": "instance", "tag_keys": ["Name", "env"]},
    ]))
    assert create_request(desired)["TagFieldSpecifications"] == [
        {"ResourceType": "instance", "TagKeys": ["Name", "env"]},
        {"ResourceType": "network-interface", "TagKeys": ["team"]},
    ]


def test_tag_field_specifications_as_described_are_no_difference_in_another_order():
    specs = [{"resource_type": "network-interface", "tag_keys": ["team"]},
             {"resource_type": "instance", "tag_keys": ["Name", "env"]}]
    desired = build_desired(params(log_format=TAG_FORMAT, tag_field_specifications=specs))
    current = normalize_existing(described(LogFormat=TAG_FORMAT, TagFieldSpecifications=[
        {"ResourceType": "instance", "TagKeys": ["Name", "env"]},
        {"ResourceType": "network-interface", "TagKeys": ["team"]},
    ]))
    assert differences(current, desired) == []


def test_other_tag_keys_or_their_order_are_a_difference():
    desired = build_desired(params(log_format=TAG_FORMAT, tag_field_specifications=[
        {"resource_type": "instance", "tag_keys": ["Name", "env"]}]))
    swapped = normalize_existing(described(LogFormat=TAG_FORMAT, TagFieldSpecifications=[
        {"ResourceType": "instance", "TagKeys": ["env", "Name"]}]))
    missing = normalize_existing(described(LogFormat=TAG_FORMAT))
    assert [d[0] for d in differences(swapped, desired)] == ["tag_field_specifications"]
    assert [d[0] for d in differences(missing, desired)] == ["tag_field_specifications"]


def test_tag_fields_without_specifications_are_refused():
    assert any("tag_field_specifications" in p for p in problems_of(params(log_format=TAG_FORMAT)))


def test_a_transit_gateway_format_is_checked_against_transit_gateway_records():
    problems = problems_of(s3_params(resource_type="TransitGateway", resource_ids=[TGW], log_format=CUSTOM_FORMAT))
    assert problems == ["invalid log_format: field ${action} exists only in VPC flow log records, "
                        "not in the transit gateway records of TransitGateway"]


def test_a_cloud_wan_format_is_refused_and_the_default_left_to_aws():
    core = "core-network-0123456789abcdef0"
    desired = build_desired(s3_params(resource_type="CoreNetwork", resource_ids=[core]))
    assert desired["log_format"] is None and "LogFormat" not in create_request(desired)
    problems = problems_of(s3_params(resource_type="CoreNetwork", resource_ids=[core], log_format="${version}"))
    assert len(problems) == 1 and "Cloud WAN flow log records" in problems[0]


def test_tags_that_change_the_ownership_marker_are_refused():
    assert problems_of(params(tags={"managed-by": "someone-else"})) == [
        "tags.managed-by: is set by the collection to 'flowlogs.aws' on everything it creates and cannot be "
        "changed (got 'someone-else'); use another tag key"]
    assert build_desired(params(tags={"managed-by": "flowlogs.aws", "team": "net"}))


def test_tag_field_specification_problems_are_reported_with_the_others():
    problems = problems_of(params(log_format=TAG_FORMAT, traffic_type=None, log_group_name=None,
                                  tag_field_specifications=[{"resource_type": "instance", "tag_keys": ["Name"]}]))
    assert "log_destination_type cloud-watch-logs needs log_group_name or log_destination (a log group ARN)" in problems
    assert any("${instance-tag-2} in log_format needs a second tag key" in p for p in problems)


def test_empty_tag_field_specifications_are_refused_even_without_a_format():
    assert problems_of(params(tag_field_specifications=[])) == [
        "tag_field_specifications is empty; give 1 to 3 entries, or omit it"]


def test_definition_params_merge_the_shared_tags_and_keep_none_when_no_tags_are_given():
    definition = {"name": "a", "resource_ids": [VPC], "tags": {"tier": "x", "team": "own"}}
    params = definition_params(definition, tags={"team": "net", "cost": "1"})
    assert params["tags"] == {"team": "own", "cost": "1", "tier": "x"}
    assert params["resource_type"] == "VPC" and params["log_destination_type"] == "cloud-watch-logs"
    assert params["state"] == "present"
    # Neither gives tags: the tags of existing flow logs are left alone (None), not purged ({}).
    assert definition_params({"name": "a", "resource_ids": [VPC]})["tags"] is None
    assert definition_params({"name": "a", "resource_ids": [VPC]}, tags={})["tags"] == {}
    # Given as None (an argument spec's "not given") is not a value: the defaults apply.
    assert definition_params({"resource_type": None, "log_destination_type": None})["resource_type"] == "VPC"


def test_definition_params_take_the_shared_tag_field_specifications_only_without_their_own():
    shared = [{"resource_type": "instance", "tag_keys": ["Name"]}]
    own = [{"resource_type": "network-interface", "tag_keys": ["team"]}]
    assert definition_params({}, tag_field_specifications=shared)["tag_field_specifications"] == shared
    assert definition_params({"tag_field_specifications": own},
                             tag_field_specifications=shared)["tag_field_specifications"] == own


def test_without_required_resources_an_empty_definition_is_checked_but_valid():
    params = {"resource_type": "Subnet", "resource_ids": [], "log_destination_type": "s3",
              "log_destination": "arn:aws:s3:::flow-logs"}
    with pytest.raises(FlowLogSettingsError, match="resource_ids must list at least one Subnet id"):
        build_desired(params)
    assert build_desired(params, require_resources=False)["resource_ids"] == []
    with pytest.raises(FlowLogSettingsError, match="not supported for resource_type TransitGateway"):
        build_desired(dict(params, resource_type="TransitGateway", traffic_type="ALL"), require_resources=False)
