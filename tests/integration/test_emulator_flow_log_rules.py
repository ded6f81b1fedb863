"""The emulator's CreateFlowLogs refuses what AWS refuses, with AWS's error codes.

tests/localstack/extension/flowlogs_localstack_ext/flow_log_rules.py applies the rules
of the CreateFlowLogs API reference (and error messages real AWS returned); the rules
and their sources are listed in tests/localstack/README.md.  Each refusal is asserted
with its error code, nothing may be created by a refused request, and the same request
made valid succeeds, so a test cannot pass by the emulator refusing everything.
LocalStack 4.13.1 without the extension accepted every one of these requests.
"""

import json
import os
import random
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.localstack

ACCOUNT = "000000000000"


@pytest.fixture(scope="module")
def world(aws):
    """A VPC with a subnet, an ENI, a NAT gateway, a transit gateway and its VPC attachment,
    a bucket, a log group and a delivery role."""
    ec2, s3, logs, iam = aws("ec2"), aws("s3"), aws("logs"), aws("iam")
    suffix = uuid.uuid4().hex[:8]
    vpc = ec2.create_vpc(CidrBlock="10.88.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.88.1.0/24")["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    tgw = ec2.create_transit_gateway(Description="flowlogs-it")["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    bucket = "flowlogs-rules-" + suffix
    s3.create_bucket(Bucket=bucket)
    group = "/flowlogs-rules/" + suffix
    logs.create_log_group(logGroupName=group)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName="flowlogs-rules-" + suffix,
                           AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    values = {"vpc": vpc, "subnet": subnet, "eni": eni, "nat": nat, "tgw": tgw, "attachment": attachment,
              "bucket": bucket, "s3": "arn:aws:s3:::%s/flow-logs/" % bucket, "group": group, "role": role,
              "group_arn": "arn:aws:logs:us-east-1:%s:log-group:%s" % (ACCOUNT, group)}
    yield values
    resource_ids = [vpc, subnet, eni, nat, tgw, attachment]
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": resource_ids}])["FlowLogs"]
    if left:
        ec2.delete_flow_logs(FlowLogIds=[fl["FlowLogId"] for fl in left])
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment)
    ec2.delete_transit_gateway(TransitGatewayId=tgw)
    ec2.delete_nat_gateway(NatGatewayId=nat)
    ec2.release_address(AllocationId=allocation)
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)
    s3.delete_bucket(Bucket=bucket)
    logs.delete_log_group(logGroupName=group)
    iam.delete_role(RoleName="flowlogs-rules-" + suffix)


def _s3(world, **extra):
    request = {"ResourceType": "VPC", "ResourceIds": [world["vpc"]], "TrafficType": "ALL",
               "LogDestinationType": "s3", "LogDestination": world["s3"]}
    request.update(extra)
    return {k: v for k, v in request.items() if v is not None}


def _cloudwatch(world, **extra):
    request = {"ResourceType": "VPC", "ResourceIds": [world["vpc"]], "TrafficType": "ALL",
               "LogDestinationType": "cloud-watch-logs", "LogGroupName": world["group"],
               "DeliverLogsPermissionArn": world["role"]}
    request.update(extra)
    return {k: v for k, v in request.items() if v is not None}


def _tgw(world, **extra):
    request = {"ResourceType": "TransitGateway", "ResourceIds": [world["tgw"]],
               "LogDestinationType": "s3", "LogDestination": world["s3"], "MaxAggregationInterval": 60}
    request.update(extra)
    return {k: v for k, v in request.items() if v is not None}


def _flow_logs(ec2, world):
    ids = [world[k] for k in ("vpc", "subnet", "eni", "nat", "tgw", "attachment")]
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": ids}])["FlowLogs"]


def _created(ec2, request):
    """Create (the request must succeed), return the described flow logs, delete them."""
    result = ec2.create_flow_logs(**request)
    assert result["Unsuccessful"] == [], result
    assert len(result["FlowLogIds"]) == len(request["ResourceIds"])
    try:
        return ec2.describe_flow_logs(FlowLogIds=result["FlowLogIds"])["FlowLogs"]
    finally:
        ec2.delete_flow_logs(FlowLogIds=result["FlowLogIds"])


TAGGED_FORMAT = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${action} ${instance-tag} ${interface-tag-2}"
TAG_FIELDS = [{"ResourceType": "instance", "TagKeys": ["Name"]},
              {"ResourceType": "network-interface", "TagKeys": ["team", "env"]}]


# (test id, request builder refused, error code, request builder that fixes it)
REFUSALS = [
    # ResourceIds maxima: 300, and 25 for transit gateway types.
    ("301-vpc-ids", lambda w: _s3(w, ResourceIds=[w["vpc"]] * 301), "InvalidParameter",
     _s3),
    ("26-transit-gateway-ids", lambda w: _tgw(w, ResourceIds=[w["tgw"]] * 26), "InvalidParameter",
     _tgw),
    ("26-transit-gateway-attachment-ids",
     lambda w: _tgw(w, ResourceType="TransitGatewayAttachment", ResourceIds=[w["attachment"]] * 26),
     "InvalidParameter", lambda w: _tgw(w, ResourceType="TransitGatewayAttachment", ResourceIds=[w["attachment"]])),
    # Resource id forms and existence.
    ("subnet-id-as-vpc", lambda w: _s3(w, ResourceIds=[w["subnet"]]), "InvalidVpcID.Malformed", _s3),
    ("vpc-id-as-subnet", lambda w: _s3(w, ResourceType="Subnet"), "InvalidSubnetID.Malformed",
     lambda w: _s3(w, ResourceType="Subnet", ResourceIds=[w["subnet"]])),
    ("vpc-id-as-eni", lambda w: _s3(w, ResourceType="NetworkInterface"), "InvalidNetworkInterfaceID.Malformed",
     lambda w: _s3(w, ResourceType="NetworkInterface", ResourceIds=[w["eni"]])),
    ("attachment-id-as-tgw", lambda w: _tgw(w, ResourceIds=[w["attachment"]]), "InvalidTransitGatewayID.Malformed",
     _tgw),
    ("unknown-tgw", lambda w: _tgw(w, ResourceIds=["tgw-0123456789abcdef0"]), "InvalidTransitGatewayID.NotFound",
     _tgw),
    ("unknown-tgw-attachment",
     lambda w: _tgw(w, ResourceType="TransitGatewayAttachment", ResourceIds=["tgw-attach-0123456789abcdef0"]),
     "InvalidTransitGatewayAttachmentID.NotFound",
     lambda w: _tgw(w, ResourceType="TransitGatewayAttachment", ResourceIds=[w["attachment"]])),
    ("vpc-id-as-nat", lambda w: _s3(w, ResourceType="RegionalNatGateway"), "NatGatewayMalformed",
     lambda w: _s3(w, ResourceType="RegionalNatGateway", ResourceIds=[w["nat"]])),
    ("unknown-nat", lambda w: _s3(w, ResourceType="RegionalNatGateway", ResourceIds=["nat-0123456789abcdef0"]),
     "NatGatewayNotFound", lambda w: _s3(w, ResourceType="RegionalNatGateway", ResourceIds=[w["nat"]])),
    ("unknown-resource-type", lambda w: _s3(w, ResourceType="Vpc"), "InvalidParameterValue", _s3),
    ("malformed-core-network-id",
     lambda w: _tgw(w, ResourceType="CoreNetwork", ResourceIds=["core-network-XYZ"]), "InvalidParameterValue",
     lambda w: _tgw(w, ResourceType="CoreNetwork", ResourceIds=["core-network-0123456789abcdef0"])),
    # Transit gateway and Cloud WAN: no TrafficType, interval 60; TrafficType required otherwise.
    ("tgw-with-traffic-type", lambda w: _tgw(w, TrafficType="ALL"), "InvalidParameter", _tgw),
    ("tgw-interval-600", lambda w: _tgw(w, MaxAggregationInterval=600), "InvalidParameter", _tgw),
    ("core-network-with-traffic-type",
     lambda w: _tgw(w, ResourceType="CoreNetwork", ResourceIds=["core-network-0123456789abcdef0"], TrafficType="ALL"),
     "InvalidParameter", lambda w: _tgw(w, ResourceType="CoreNetwork", ResourceIds=["core-network-0123456789abcdef0"])),
    ("core-network-attachment-interval-600",
     lambda w: _tgw(w, ResourceType="CoreNetworkAttachment", ResourceIds=["attachment-0123456789abcdef0"],
                    MaxAggregationInterval=600),
     "InvalidParameter",
     lambda w: _tgw(w, ResourceType="CoreNetworkAttachment", ResourceIds=["attachment-0123456789abcdef0"])),
    ("vpc-without-traffic-type", lambda w: _s3(w, TrafficType=None), "MissingParameter", _s3),
    ("interval-300", lambda w: _s3(w, MaxAggregationInterval=300), "InvalidParameter",
     lambda w: _s3(w, MaxAggregationInterval=60)),
    # Destinations.
    ("group-and-destination", lambda w: _cloudwatch(w, LogDestination=w["group_arn"]), "InvalidParameter",
     _cloudwatch),
    ("no-destination", lambda w: _cloudwatch(w, LogGroupName=None), "InvalidParameter", _cloudwatch),
    ("cloudwatch-without-role", lambda w: _cloudwatch(w, DeliverLogsPermissionArn=None), "InvalidParameter",
     _cloudwatch),
    ("cloudwatch-arn-other-region",
     lambda w: _cloudwatch(w, LogGroupName=None, LogDestination=w["group_arn"].replace("us-east-1", "eu-west-1")),
     "InvalidParameter", lambda w: _cloudwatch(w, LogGroupName=None, LogDestination=w["group_arn"])),
    ("log-group-name-with-s3", lambda w: _s3(w, LogDestination=None, LogGroupName=w["group"]), "InvalidParameter",
     _s3),
    ("s3-with-role", lambda w: _s3(w, DeliverLogsPermissionArn=w["role"]), "InvalidParameter", _s3),
    ("s3-prefix-awslogs", lambda w: _s3(w, LogDestination="arn:aws:s3:::%s/AWSLogs/" % w["bucket"]),
     "InvalidParameter", lambda w: _s3(w, LogDestination="arn:aws:s3:::%s/logs/AWSLogs-archive/" % w["bucket"])),
    ("s3-not-an-arn", lambda w: _s3(w, LogDestination="s3://%s/flow-logs/" % w["bucket"]), "InvalidParameter",
     _s3),
    ("destination-options-with-cloudwatch",
     lambda w: _cloudwatch(w, DestinationOptions={"FileFormat": "parquet"}), "InvalidParameter",
     lambda w: _s3(w, DestinationOptions={"FileFormat": "parquet"})),
    ("cross-account-role-with-s3", lambda w: _s3(w, DeliverCrossAccountRole=w["role"]), "InvalidParameter",
     _s3),
    ("firehose-not-a-stream-arn",
     lambda w: _s3(w, LogDestinationType="kinesis-data-firehose", LogDestination=w["s3"]), "InvalidParameter",
     _s3),
    # Log format and tag fields.
    ("empty-format", lambda w: _s3(w, LogFormat=""), "InvalidParameter", lambda w: _s3(w, LogFormat="${srcaddr}")),
    ("format-trailing-space", lambda w: _s3(w, LogFormat="${version} ${srcaddr} "), "InvalidParameter",
     lambda w: _s3(w, LogFormat="${version} ${srcaddr}")),
    ("tag-fields-without-specifications", lambda w: _s3(w, LogFormat=TAGGED_FORMAT), "InvalidParameter",
     lambda w: _s3(w, LogFormat=TAGGED_FORMAT, TagFieldSpecifications=TAG_FIELDS)),
    ("second-tag-key-missing",
     lambda w: _s3(w, LogFormat=TAGGED_FORMAT, TagFieldSpecifications=[
         TAG_FIELDS[0], {"ResourceType": "network-interface", "TagKeys": ["team"]}]),
     "InvalidParameter", lambda w: _s3(w, LogFormat=TAGGED_FORMAT, TagFieldSpecifications=TAG_FIELDS)),
    ("tag-field-resource-type", lambda w: _s3(w, TagFieldSpecifications=[{"ResourceType": "vpc", "TagKeys": ["a"]}]),
     "InvalidParameterValue", lambda w: _s3(w, TagFieldSpecifications=[{"ResourceType": "instance", "TagKeys": ["a"]}])),
    ("three-tag-keys",
     lambda w: _s3(w, TagFieldSpecifications=[{"ResourceType": "instance", "TagKeys": ["a", "b", "c"]}]),
     "InvalidParameter", lambda w: _s3(w, TagFieldSpecifications=[{"ResourceType": "instance", "TagKeys": ["a", "b"]}])),
    ("tag-key-too-long",
     lambda w: _s3(w, TagFieldSpecifications=[{"ResourceType": "instance", "TagKeys": ["k" * 129]}]),
     "InvalidParameter", lambda w: _s3(w, TagFieldSpecifications=[{"ResourceType": "instance", "TagKeys": ["k" * 128]}])),
    ("four-tag-field-specifications",
     lambda w: _s3(w, TagFieldSpecifications=TAG_FIELDS + [
         {"ResourceType": "auto-scaling-group", "TagKeys": ["a"]}, {"ResourceType": "instance", "TagKeys": ["b"]}]),
     "InvalidParameter",
     lambda w: _s3(w, TagFieldSpecifications=TAG_FIELDS + [{"ResourceType": "auto-scaling-group", "TagKeys": ["a"]}])),
]


@pytest.mark.parametrize("refused, code, valid", [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refused_as_aws_refuses_and_the_valid_request_succeeds(aws, world, refused, code, valid):
    ec2 = aws("ec2")
    before = _flow_logs(ec2, world)
    with pytest.raises(ClientError) as err:
        ec2.create_flow_logs(**refused(world))
    assert err.value.response["Error"]["Code"] == code, err.value.response["Error"]
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert _flow_logs(ec2, world) == before, "a refused request must create nothing"
    assert _created(ec2, valid(world))


def test_300_ids_is_accepted(aws, world):
    """The maximum itself is allowed: 300 subnets in one call."""
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.89.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.89.%d.%d/26" % (i // 4, 64 * (i % 4)))["Subnet"]["SubnetId"]
               for i in range(300)]
    try:
        flow_logs = _created(ec2, _s3(world, ResourceType="Subnet", ResourceIds=subnets))
        assert sorted(fl["ResourceId"] for fl in flow_logs) == sorted(subnets)
    finally:
        for subnet in subnets:
            ec2.delete_subnet(SubnetId=subnet)
        ec2.delete_vpc(VpcId=vpc)


def test_tag_field_specifications_round_trip(aws, world):
    ec2 = aws("ec2")
    (flow_log,) = _created(ec2, _s3(world, LogFormat=TAGGED_FORMAT, TagFieldSpecifications=TAG_FIELDS))
    assert flow_log["TagFieldSpecifications"] == TAG_FIELDS
    assert flow_log["LogFormat"] == TAGGED_FORMAT
    (plain,) = _created(ec2, _s3(world))
    assert "TagFieldSpecifications" not in plain


def test_transit_gateway_flow_log_has_no_traffic_type_and_a_60s_interval(aws, world):
    ec2 = aws("ec2")
    (flow_log,) = _created(ec2, _tgw(world, MaxAggregationInterval=None))
    assert flow_log["ResourceId"] == world["tgw"]
    assert "TrafficType" not in flow_log
    assert flow_log["MaxAggregationInterval"] == 60


@pytest.mark.parametrize("resource_type, resource_id", [
    ("CoreNetwork", "core-network-0123456789abcdef0"),
    ("CoreNetworkAttachment", "attachment-0123456789abcdef0"),
    ("CoreNetworkEdge", "core-network-0123456789abcdef0"),
])
def test_cloud_wan_resource_types_are_accepted(aws, world, resource_type, resource_id):
    """AWS accepts the Cloud WAN types; LocalStack's free edition has no Cloud WAN to check them against."""
    ec2 = aws("ec2")
    (flow_log,) = _created(ec2, _tgw(world, ResourceType=resource_type, ResourceIds=[resource_id]))
    assert flow_log["ResourceId"] == resource_id
    assert flow_log["MaxAggregationInterval"] == 60


@pytest.fixture
def other_accounts_stream(world):
    """A Firehose stream of another account (LocalStack keeps accounts apart by access key id)."""
    account = "%012d" % random.randint(10 ** 11, 10 ** 12 - 1)
    firehose = boto3.client("firehose", endpoint_url=os.environ["AWS_URL"], region_name="us-east-1",
                            aws_access_key_id=account, aws_secret_access_key="test")
    name = "flowlogs-rules-" + uuid.uuid4().hex[:8]
    arn = firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": "arn:aws:iam::%s:role/writer" % account,
                                            "BucketARN": "arn:aws:s3:::" + name})["DeliveryStreamARN"]
    yield {"account": account, "arn": arn, "client": firehose, "name": name,
           "source": "arn:aws:iam::%s:role/flowlogs-firehose-source" % ACCOUNT,
           "cross": "arn:aws:iam::%s:role/AWSLogDeliveryFirehoseCrossAccountRole-rules" % account}
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def _to_stream(world, stream, **extra):
    request = {"ResourceType": "VPC", "ResourceIds": [world["vpc"]], "TrafficType": "ALL",
               "LogDestinationType": "kinesis-data-firehose", "LogDestination": stream["arn"],
               "DeliverLogsPermissionArn": stream["source"], "DeliverCrossAccountRole": stream["cross"]}
    request.update(extra)
    return {k: v for k, v in request.items() if v is not None}


@pytest.mark.parametrize("change", [
    # [API] DeliverLogsPermissionArn is required when the stream and the resources are in different accounts.
    {"DeliverLogsPermissionArn": None},
    # [XACCT] a role in the source account and one in the destination account.
    {"DeliverCrossAccountRole": None},
    {"DeliverLogsPermissionArn": "arn:aws:iam::123456789012:role/flowlogs-firehose-source"},
    {"DeliverCrossAccountRole": "arn:aws:iam::%s:role/AWSLogDeliveryFirehoseCrossAccountRole-rules" % ACCOUNT},
    {"DeliverCrossAccountRole": "ROLE-OF-STREAM-ACCOUNT/delivery"},
], ids=["no-source-role", "no-cross-account-role", "source-role-of-another-account", "cross-role-of-the-caller",
        "cross-role-without-the-prefix"])
def test_cross_account_delivery_to_firehose_needs_both_roles_in_their_accounts(aws, world, other_accounts_stream,
                                                                               change):
    ec2, stream = aws("ec2"), other_accounts_stream
    change = dict((key, value.replace("ROLE-OF-STREAM-ACCOUNT", "arn:aws:iam::%s:role" % stream["account"])
                   if isinstance(value, str) else value) for key, value in change.items())
    before = _flow_logs(ec2, world)
    with pytest.raises(ClientError) as err:
        ec2.create_flow_logs(**_to_stream(world, stream, **change))
    assert err.value.response["Error"]["Code"] == "InvalidParameter", err.value.response["Error"]
    assert _flow_logs(ec2, world) == before, "a refused request must create nothing"


def test_cross_account_delivery_to_firehose_finds_the_stream_in_its_account(aws, world, other_accounts_stream):
    """LocalStack looked for the stream in the caller's account and answered 'does not exist'."""
    ec2, stream = aws("ec2"), other_accounts_stream
    (flow_log,) = _created(ec2, _to_stream(world, stream))
    assert (flow_log["LogDestination"], flow_log["DeliverLogsPermissionArn"], flow_log["DeliverCrossAccountRole"]) == (
        stream["arn"], stream["source"], stream["cross"])
    # As AWS does ("Logs sent to Firehose"): the stream is tagged for log delivery, in its own account.
    tags = stream["client"].list_tags_for_delivery_stream(DeliveryStreamName=stream["name"])["Tags"]
    assert {"Key": "LogDeliveryEnabled", "Value": "true"} in tags
