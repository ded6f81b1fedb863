"""flowlogs.aws.firehose_delivery_stream against LocalStack, in process (no ansible-playbook run).

The module's main() runs with patched arguments against the emulator: bad input refused
before any call, a stream created in check mode (nothing made) and for real (encrypted,
tagged LogDeliveryEnabled=true and managed-by), idempotence, an in-place update, a foreign
stream left alone and adopted, a flow log delivering to the stream, and deletion keeping
the bucket. Also the emulator's own refusals (the extension's firehose.py): AWS's name
pattern, a role ARN required for an S3 destination, and CreateFlowLogs to a stream that
does not exist.

Emulator gap, worked around in tests/localstack/extension (firehose.py): LocalStack 4.13.1's
Firehose does not load on Python 3.11, and accepts what AWS refuses.
"""

import json
import os
import sys
import uuid

import pytest
from botocore.exceptions import ClientError

from ansible.module_utils.testing import patch_module_args

from conftest import ROOT
from conftest import _endpoint

# Importable as in the unit tests (tests/setup.sh links the collection under .cache/collections).
sys.path.insert(0, os.path.join(ROOT, ".cache", "collections"))
from ansible_collections.flowlogs.aws.plugins.modules import firehose_delivery_stream  # noqa: E402

pytestmark = pytest.mark.localstack
ROLE = "arn:aws:iam::000000000000:role/flowlogs-it-firehose"


def run(capsys, args, check_mode=False):
    args = dict(args, region="us-east-1", endpoint_url=_endpoint(), access_key="test", secret_key="test",
                wait_timeout=60)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            firehose_delivery_stream.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture()
def names(aws):
    s3 = aws("s3")
    suffix = uuid.uuid4().hex[:8]
    names = {"stream": "flowlogs-it-" + suffix, "foreign": "flowlogs-it-foreign-" + suffix,
             "bucket": "flowlogs-it-firehose-" + suffix}
    s3.create_bucket(Bucket=names["bucket"])
    names["bucket_arn"] = "arn:aws:s3:::" + names["bucket"]
    yield names
    firehose = aws("firehose")
    for key in ("stream", "foreign"):
        try:
            firehose.delete_delivery_stream(DeliveryStreamName=names[key])
        except ClientError:
            pass
    s3.delete_bucket(Bucket=names["bucket"])


def test_the_emulator_refuses_what_aws_refuses(aws, names):
    firehose = aws("firehose")
    s3_config = {"BucketARN": names["bucket_arn"], "RoleARN": ROLE}
    with pytest.raises(ClientError) as error:
        firehose.create_delivery_stream(DeliveryStreamName="bad name", ExtendedS3DestinationConfiguration=s3_config)
    assert error.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as error:
        firehose.create_delivery_stream(DeliveryStreamName=names["stream"],
                                        ExtendedS3DestinationConfiguration=dict(s3_config, RoleARN="not-a-role"))
    assert error.value.response["Error"]["Code"] == "InvalidArgumentException"
    with pytest.raises(ClientError) as error:
        firehose.create_delivery_stream(DeliveryStreamName=names["stream"], ExtendedS3DestinationConfiguration=s3_config,
                                        DeliveryStreamEncryptionConfigurationInput={"KeyType": "CUSTOMER_MANAGED_CMK"})
    assert error.value.response["Error"]["Code"] == "InvalidArgumentException"
    assert names["stream"] not in firehose.list_delivery_streams()["DeliveryStreamNames"]
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    try:
        missing = "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + names["stream"]
        answer = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                                      LogDestinationType="kinesis-data-firehose", LogDestination=missing)
        assert answer["FlowLogIds"] == []
        assert "does not exist" in answer["Unsuccessful"][0]["Error"]["Message"]
    finally:
        ec2.delete_vpc(VpcId=vpc)


def test_firehose_delivery_stream(aws, names, capsys):
    firehose = aws("firehose")
    base = {"name": names["stream"], "bucket_arn": names["bucket_arn"], "role_arn": ROLE, "prefix": "flow/",
            "tags": {"team": "net"}}

    # Every input is checked before any call; all problems at once.
    bad = run(capsys, {"name": "bad name", "bucket_arn": "bucket", "role_arn": "role", "buffering_size": 0})
    assert bad["failed"] and len(bad["problems"]) == 4, bad

    planned = run(capsys, base, check_mode=True)
    assert planned["changed"] and planned["changes"] == ["create delivery stream " + names["stream"]]
    assert names["stream"] not in firehose.list_delivery_streams()["DeliveryStreamNames"]

    created = run(capsys, base)
    assert created["changed"], created
    stream = created["delivery_stream"]
    assert stream["status"] == "ACTIVE" and stream["prefix"] == "flow/"
    assert stream["encryption"] == {"status": "ENABLED", "key_type": "AWS_OWNED_CMK", "key_arn": None}
    assert stream["tags"] == {"team": "net", "managed-by": "flowlogs.aws", "LogDeliveryEnabled": "true"}

    again = run(capsys, base)
    assert not again["changed"] and again["changes"] == [], again

    # tags replaced with purge: the marker and LogDeliveryEnabled stay.
    updated = run(capsys, dict(base, prefix="flow2/", buffering_interval=60, tags={"env": "it"}))
    assert updated["changed"]
    assert "Prefix: flow/ -> flow2/" in updated["changes"], updated["changes"]
    assert updated["delivery_stream"]["tags"] == {"env": "it", "managed-by": "flowlogs.aws", "LogDeliveryEnabled": "true"}
    described = firehose.describe_delivery_stream(DeliveryStreamName=names["stream"])["DeliveryStreamDescription"]
    assert described["Destinations"][0]["ExtendedS3DestinationDescription"]["Prefix"] == "flow2/"

    # Flow logs deliver into it.
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    try:
        answer = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                                      LogDestinationType="kinesis-data-firehose", LogDestination=stream["arn"])
        assert len(answer["FlowLogIds"]) == 1 and not answer["Unsuccessful"]
        ec2.delete_flow_logs(FlowLogIds=answer["FlowLogIds"])
    finally:
        ec2.delete_vpc(VpcId=vpc)

    # Weaker setting: warned about.
    plain = run(capsys, dict(base, encryption=False), check_mode=True)
    assert "stop server-side encryption" in plain["changes"]
    assert "Firehose.1" in json.dumps(plain.get("warnings")), plain

    # A stream made by hand is left alone, then adopted.
    firehose.create_delivery_stream(DeliveryStreamName=names["foreign"], ExtendedS3DestinationConfiguration={
        "BucketARN": names["bucket_arn"], "RoleARN": ROLE})
    left = run(capsys, dict(base, name=names["foreign"]))
    assert not left["changed"] and left["foreign"] == [names["foreign"]]
    gone = run(capsys, {"name": names["foreign"], "state": "absent"})
    assert not gone["changed"] and gone["foreign"] == [names["foreign"]]
    adopted = run(capsys, dict(base, name=names["foreign"], adopt=True))
    assert adopted["changed"] and "start server-side encryption" in adopted["changes"], adopted["changes"]

    # Deletion: check mode first, then for real; idempotent; the bucket stays.
    planned = run(capsys, {"name": names["stream"], "state": "absent"}, check_mode=True)
    assert planned["changed"] and names["stream"] in firehose.list_delivery_streams()["DeliveryStreamNames"]
    deleted = run(capsys, {"name": names["stream"], "state": "absent"})
    assert deleted["changed"] and names["stream"] not in firehose.list_delivery_streams()["DeliveryStreamNames"]
    assert not run(capsys, {"name": names["stream"], "state": "absent"})["changed"]
    aws("s3").head_bucket(Bucket=names["bucket"])
