"""The emulator serves what the collection needs: Glue, Athena and S3 flow-log options.

LocalStack's free edition has no Glue or Athena and drops flow-log DestinationOptions;
tests/localstack/extension fills those gaps (see tests/localstack/README.md).  These
tests prove, through the public API on the one endpoint in AWS_URL, that the gaps are
filled: what is written is read back equal.  The assertions hold for real AWS too
(they state AWS's behaviour, not the emulator's), so the extension cannot drift into
answers the collection would never see there.
"""

import os
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.localstack

REGION = "us-east-1"


@pytest.fixture(scope="module")
def client():
    url = os.environ.get("AWS_URL")
    if not url:
        pytest.skip("AWS_URL is not set: these tests need a running LocalStack "
                    "(tests/localstack/localstack.sh start prints the export line)")
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name=REGION)
    return lambda service: session.client(service, endpoint_url=url)


@pytest.fixture
def name():
    return "flowlogs_it_" + uuid.uuid4().hex[:12]


def _table_input(table, columns, parameters, location):
    return {
        "Name": table,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": parameters,
        "PartitionKeys": [
            {"Name": "year", "Type": "string"},
            {"Name": "month", "Type": "string"},
            {"Name": "day", "Type": "string"},
            {"Name": "hour", "Type": "string"},
        ],
        "StorageDescriptor": {
            "Columns": columns,
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "Parameters": {"serialization.format": "1"},
            },
        },
    }


def test_glue_catalogue_round_trip(client, name):
    glue = client("glue")
    database, table = name, "vpc_flow_logs"
    location = "s3://{0}/AWSLogs/".format(name.replace("_", "-"))
    columns = [
        {"Name": "version", "Type": "int"},
        {"Name": "account_id", "Type": "string"},
        {"Name": "srcaddr", "Type": "string"},
        {"Name": "protocol", "Type": "bigint"},
    ]
    parameters = {
        "EXTERNAL": "TRUE",
        "classification": "parquet",
        "projection.enabled": "true",
        "projection.year.type": "integer",
        "projection.year.range": "2020,2040",
    }
    glue.create_database(DatabaseInput={"Name": database, "Description": "flowlogs.aws test"})
    try:
        glue.create_table(DatabaseName=database, TableInput=_table_input(table, columns, parameters, location))
        got = glue.get_table(DatabaseName=database, Name=table)["Table"]
        assert got["Name"] == table
        assert got["DatabaseName"] == database
        assert got["TableType"] == "EXTERNAL_TABLE"
        assert got["StorageDescriptor"]["Columns"] == columns
        assert got["StorageDescriptor"]["Location"] == location
        assert [k["Name"] for k in got["PartitionKeys"]] == ["year", "month", "day", "hour"]
        assert got["Parameters"] == parameters

        # An update (as when the flow-log format changes) replaces columns and parameters.
        columns2 = columns + [{"Name": "pkt_srcaddr", "Type": "string"}]
        parameters2 = dict(parameters, **{"projection.year.range": "2021,2041"})
        glue.update_table(DatabaseName=database, TableInput=_table_input(table, columns2, parameters2, location))
        got = glue.get_table(DatabaseName=database, Name=table)["Table"]
        assert got["StorageDescriptor"]["Columns"] == columns2
        assert got["Parameters"] == parameters2

        glue.delete_table(DatabaseName=database, Name=table)
        with pytest.raises(ClientError) as err:
            glue.get_table(DatabaseName=database, Name=table)
        assert err.value.response["Error"]["Code"] == "EntityNotFoundException"
    finally:
        try:
            glue.delete_table(DatabaseName=database, Name=table)
        except ClientError:
            pass
        glue.delete_database(Name=database)
    with pytest.raises(ClientError) as err:
        glue.get_database(Name=database)
    assert err.value.response["Error"]["Code"] == "EntityNotFoundException"


def test_athena_workgroup_and_named_queries_round_trip(client, name):
    athena = client("athena")
    workgroup = name.replace("_", "-")
    output = "s3://{0}/athena-results/".format(workgroup)
    athena.create_work_group(
        Name=workgroup,
        Description="flowlogs.aws test",
        Configuration={
            "ResultConfiguration": {"OutputLocation": output},
            "EnforceWorkGroupConfiguration": True,
        },
        Tags=[{"Key": "project", "Value": "flowlogs"}],
    )
    try:
        got = athena.get_work_group(WorkGroup=workgroup)["WorkGroup"]
        assert got["Name"] == workgroup
        assert got["State"] == "ENABLED"
        assert got["Description"] == "flowlogs.aws test"
        assert got["Configuration"]["ResultConfiguration"]["OutputLocation"] == output
        assert got["Configuration"]["EnforceWorkGroupConfiguration"] is True

        query = "SELECT srcaddr, dstaddr, action FROM {0}.vpc_flow_logs LIMIT 10".format(name)
        query_id = athena.create_named_query(
            Name="top-talkers", Description="who talks most", Database=name,
            QueryString=query, WorkGroup=workgroup,
        )["NamedQueryId"]
        assert athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"] == [query_id]
        batch = athena.batch_get_named_query(NamedQueryIds=[query_id])
        assert batch["UnprocessedNamedQueryIds"] == []
        assert len(batch["NamedQueries"]) == 1
        named = batch["NamedQueries"][0]
        assert named["NamedQueryId"] == query_id
        assert named["Name"] == "top-talkers"
        assert named["Description"] == "who talks most"
        assert named["Database"] == name
        assert named["QueryString"] == query
        assert named["WorkGroup"] == workgroup

        athena.delete_named_query(NamedQueryId=query_id)
        assert athena.list_named_queries(WorkGroup=workgroup)["NamedQueryIds"] == []
    finally:
        athena.delete_work_group(WorkGroup=workgroup, RecursiveDeleteOption=True)
    with pytest.raises(ClientError) as err:
        athena.get_work_group(WorkGroup=workgroup)
    assert err.value.response["Error"]["Code"] == "InvalidRequestException"


@pytest.fixture
def vpc_and_bucket(client, name):
    ec2, s3 = client("ec2"), client("s3")
    vpc_id = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    bucket = name.replace("_", "-")
    s3.create_bucket(Bucket=bucket)
    yield vpc_id, bucket
    left = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    if left:
        ec2.delete_flow_logs(FlowLogIds=[fl["FlowLogId"] for fl in left])
    ec2.delete_vpc(VpcId=vpc_id)
    s3.delete_bucket(Bucket=bucket)


def _create_s3_flow_log(ec2, vpc_id, destination, **extra):
    result = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc_id], TrafficType="ALL",
                                  LogDestinationType="s3", LogDestination=destination, **extra)
    assert result["Unsuccessful"] == []
    (flow_log_id,) = result["FlowLogIds"]
    (flow_log,) = ec2.describe_flow_logs(FlowLogIds=[flow_log_id])["FlowLogs"]
    return flow_log


def test_s3_flow_log_destination_options_round_trip(client, vpc_and_bucket):
    ec2 = client("ec2")
    vpc_id, bucket = vpc_and_bucket
    options = {"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": True}
    log_format = "${version} ${account-id} ${srcaddr} ${dstaddr} ${action} ${flow-direction}"
    flow_log = _create_s3_flow_log(
        ec2, vpc_id, "arn:aws:s3:::{0}/parquet/".format(bucket),
        DestinationOptions=options, LogFormat=log_format, MaxAggregationInterval=60,
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": bucket}]}],
    )
    assert flow_log["DestinationOptions"] == options
    assert flow_log["LogDestinationType"] == "s3"
    assert flow_log["LogFormat"] == log_format
    assert flow_log["MaxAggregationInterval"] == 60
    assert flow_log["Tags"] == [{"Key": "Name", "Value": bucket}]


def test_s3_flow_log_destination_options_default(client, vpc_and_bucket):
    """Without DestinationOptions, AWS reports its defaults for an S3 flow log."""
    ec2 = client("ec2")
    vpc_id, bucket = vpc_and_bucket
    flow_log = _create_s3_flow_log(ec2, vpc_id, "arn:aws:s3:::{0}/text/".format(bucket))
    assert flow_log["DestinationOptions"] == {
        "FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False,
    }


def test_kms_symmetric_key_with_policy(client, name):
    """CreateKey, GetKeyPolicy, Encrypt and Decrypt of a symmetric key.

    On Python 3.11 LocalStack 4.13.1's CreateKey failed with "encoding without a
    string argument" (tests/localstack/extension/flowlogs_localstack_ext/kms.py).
    """
    import json

    kms = client("kms")
    policy = {
        "Version": "2012-10-17",
        "Id": name,
        "Statement": [
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "FlowLogsDelivery", "Effect": "Allow",
             "Principal": {"Service": "delivery.logs.amazonaws.com"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                        "kms:DescribeKey"],
             "Resource": "*"},
        ],
    }
    metadata = kms.create_key(Policy=json.dumps(policy), Description=name,
                              Tags=[{"TagKey": "managed-by", "TagValue": "flowlogs.aws"}])["KeyMetadata"]
    key_id = metadata["KeyId"]
    try:
        assert metadata["KeySpec"] == "SYMMETRIC_DEFAULT"
        assert metadata["KeyUsage"] == "ENCRYPT_DECRYPT"
        assert metadata["KeyState"] == "Enabled"
        assert metadata["Description"] == name
        # AWS: GetKeyPolicy's PolicyName "The only valid name is default".
        assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]) == policy
        assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [
            {"TagKey": "managed-by", "TagValue": "flowlogs.aws"}]

        plaintext = b"flow log records " + name.encode()
        encrypted = kms.encrypt(KeyId=metadata["Arn"], Plaintext=plaintext,
                                EncryptionContext={"purpose": "test"})
        assert encrypted["KeyId"] == metadata["Arn"]
        assert encrypted["CiphertextBlob"] != plaintext
        decrypted = kms.decrypt(CiphertextBlob=encrypted["CiphertextBlob"],
                                EncryptionContext={"purpose": "test"})
        assert decrypted["Plaintext"] == plaintext
        assert decrypted["KeyId"] == metadata["Arn"]
        # The wrong encryption context must not decrypt.
        with pytest.raises(ClientError) as err:
            kms.decrypt(CiphertextBlob=encrypted["CiphertextBlob"], EncryptionContext={"purpose": "other"})
        assert err.value.response["Error"]["Code"] == "InvalidCiphertextException"
    finally:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_put_metric_filter_replaces_a_filter_of_the_same_name(client, name):
    """AWS: "PutMetricFilter - Creates or updates a metric filter"; LocalStack 4.13.1 appended."""
    logs = client("logs")
    group = "/flowlogs-it/" + name
    transformation = {"metricName": "Rejected", "metricNamespace": "FlowLogsIT", "metricValue": "1",
                      "defaultValue": 0.0}
    with pytest.raises(ClientError) as err:
        logs.put_metric_filter(logGroupName=group, filterName="rejected", filterPattern="REJECT",
                               metricTransformations=[transformation])
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as err:
        logs.describe_metric_filters(logGroupName=group)
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"

    logs.create_log_group(logGroupName=group)
    try:
        logs.put_metric_filter(logGroupName=group, filterName="rejected", filterPattern="REJECT",
                               metricTransformations=[transformation])
        logs.put_metric_filter(logGroupName=group, filterName="other", filterPattern="ACCEPT",
                               metricTransformations=[dict(transformation, metricName="Accepted")])
        changed = dict(transformation, metricValue="2")
        logs.put_metric_filter(logGroupName=group, filterName="rejected",
                               filterPattern='[version, account, action="REJECT", status]',
                               metricTransformations=[changed])
        found = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="rejected")["metricFilters"]
        assert [(f["filterName"], f["filterPattern"], f["metricTransformations"]) for f in found] == [
            ("rejected", '[version, account, action="REJECT", status]', [changed])]
        assert sorted(f["filterName"] for f in logs.describe_metric_filters(logGroupName=group)["metricFilters"]) \
            == ["other", "rejected"]

        logs.delete_metric_filter(logGroupName=group, filterName="rejected")
        assert [f["filterName"] for f in logs.describe_metric_filters(logGroupName=group)["metricFilters"]] \
            == ["other"]
        with pytest.raises(ClientError) as err:
            logs.delete_metric_filter(logGroupName=group, filterName="rejected")
        assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    finally:
        logs.delete_log_group(logGroupName=group)
    # The group's filters go with it: a new group of the same name starts without any.
    logs.create_log_group(logGroupName=group)
    try:
        assert logs.describe_metric_filters(logGroupName=group)["metricFilters"] == []
    finally:
        logs.delete_log_group(logGroupName=group)


# S3 refuses these bucket settings; LocalStack 4.13.1 accepted them (extension: s3.py).
def _rule(rule_id="r", **actions):
    rule = {"ID": rule_id, "Filter": {"Prefix": ""}, "Status": "Enabled"}
    rule.update(actions)
    return rule


@pytest.fixture
def bucket(client):
    s3 = client("s3")
    name = "flowlogs-it-rules-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    yield name
    s3.delete_bucket(Bucket=name)


@pytest.mark.parametrize("rules, code, message", [
    ([_rule()], "InvalidRequest", "At least one action needs to be specified in a rule"),
    ([_rule(Expiration={"Days": 3}), _rule(Expiration={"Days": 4})], "InvalidArgument",
     "Rule ID must be unique. Found same ID for more than one rule"),
    ([_rule("x" * 256, Expiration={"Days": 3})], "InvalidArgument", "ID length should not exceed"),
    ([_rule(Transitions=[{"Days": 29, "StorageClass": "STANDARD_IA"}])], "InvalidArgument",
     "greater than or equal to 30 for storageClass 'STANDARD_IA'"),
    ([_rule(Transitions=[{"Days": 10, "StorageClass": "ONEZONE_IA"}])], "InvalidArgument",
     "greater than or equal to 30 for storageClass 'ONEZONE_IA'"),
    ([_rule(Transitions=[{"Days": 90, "StorageClass": "GLACIER"}], Expiration={"Days": 90})], "InvalidArgument",
     "'Days' in the Expiration action must be greater than 'Days' in the Transition action"),
])
def test_s3_refuses_a_lifecycle_configuration_aws_refuses(client, bucket, rules, code, message):
    s3 = client("s3")
    with pytest.raises(ClientError) as error:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert error.value.response["Error"]["Code"] == code
    assert message in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as missing:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert missing.value.response["Error"]["Code"] == "NoSuchLifecycleConfiguration"


def test_s3_accepts_the_lifecycle_rules_aws_accepts(client, bucket):
    s3 = client("s3")
    rules = [_rule("a", Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}],
                   Expiration={"Days": 365}),
             _rule("b", Transitions=[{"Days": 0, "StorageClass": "GLACIER"}]),
             _rule("c", AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7})]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket=bucket)


@pytest.mark.parametrize("retention", [{"Mode": "GOVERNANCE", "Days": 0}, {"Mode": "COMPLIANCE", "Years": 0}])
def test_s3_refuses_a_default_retention_that_is_not_positive(client, bucket, retention):
    s3 = client("s3")
    with pytest.raises(ClientError) as error:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})
    assert error.value.response["Error"]["Code"] == "InvalidArgument"
    assert error.value.response["Error"]["Message"] == "Default retention period must be a positive integer value."
    assert "Rule" not in s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})


def _refused(call, **kwargs):
    """The error code AWS answers (the call must fail)."""
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"]


def test_metric_filter_constraints(client, name):
    """PutMetricFilter's MetricTransformation (metricName and metricNamespace: at most 255 characters,
    pattern [^:*$]*; metricValue: at most 100) and DescribeMetricFilters' limit (1 to 50)."""
    logs = client("logs")
    group = "/flowlogs-it/" + name
    good = {"metricName": "Rejected", "metricNamespace": "FlowLogsIT", "metricValue": "1", "defaultValue": 0.0,
            "unit": "Count"}
    logs.create_log_group(logGroupName=group)
    try:
        for bad in ({"metricName": "a$b"}, {"metricName": "a:b"}, {"metricNamespace": "n" * 256},
                    {"metricValue": "1" * 101}):
            assert _refused(logs.put_metric_filter, logGroupName=group, filterName="rejected", filterPattern="",
                            metricTransformations=[dict(good, **bad)]) == "InvalidParameterException", bad
        assert _refused(logs.describe_metric_filters, logGroupName=group, limit=51) == "InvalidParameterException"
        assert logs.describe_metric_filters(logGroupName=group)["metricFilters"] == []
        logs.put_metric_filter(logGroupName=group, filterName="rejected", filterPattern="",
                               metricTransformations=[good])
        found = logs.describe_metric_filters(logGroupName=group, filterNamePrefix="rejected", limit=50)
        assert [f["metricTransformations"] for f in found["metricFilters"]] == [[good]]
    finally:
        logs.delete_log_group(logGroupName=group)


def test_put_metric_alarm_constraints(client, name):
    """PutMetricAlarm: AlarmName 1 to 255, AlarmDescription at most 1024, Namespace [^:].*, at most 5
    actions per state: ValidationError, and nothing stored."""
    cloudwatch = client("cloudwatch")
    alarm = {"AlarmName": name, "MetricName": "Rejected", "Namespace": "FlowLogsIT", "Statistic": "Sum",
             "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1.0, "Period": 300,
             "EvaluationPeriods": 1, "Unit": "Count", "TreatMissingData": "notBreaching", "AlarmDescription": "d"}
    topics = ["arn:aws:sns:us-east-1:000000000000:{0}-{1}".format(name, i) for i in range(6)]
    for bad in ({"AlarmName": name + "a" * 256}, {"AlarmDescription": "a" * 1025}, {"Namespace": ":x"},
                {"AlarmActions": topics}, {"OKActions": topics}, {"Period": 45}):
        assert _refused(cloudwatch.put_metric_alarm, **dict(alarm, **bad)) == "ValidationError", bad
    assert cloudwatch.describe_alarms(AlarmNamePrefix=name)["MetricAlarms"] == []
    cloudwatch.put_metric_alarm(**dict(alarm, AlarmActions=topics[:5]))
    try:
        assert cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmActions"] == topics[:5]
    finally:
        cloudwatch.delete_alarms(AlarmNames=[name])


@pytest.mark.parametrize("operation, filter_name, prefix", [
    ("describe_vpcs", "vpc-id", "vpc"), ("describe_subnets", "subnet-id", "subnet"),
    ("describe_network_interfaces", "network-interface-id", "eni"),
    ("describe_transit_gateways", "transit-gateway-id", "tgw")])
def test_describe_filter_value_limit(client, operation, filter_name, prefix):
    """AWS answers FilterLimitExceeded for too many filter values; 200 values pass, and an id that does not
    exist is simply not in the answer (a filter, unlike the Ids parameters, never fails on it)."""
    call = getattr(client("ec2"), operation)
    ids = ["{0}-{1:017x}".format(prefix, i) for i in range(201)]
    assert _refused(call, Filters=[{"Name": filter_name, "Values": ids}]) == "FilterLimitExceeded"
    answer = call(Filters=[{"Name": filter_name, "Values": ids[:200]}])
    assert [key for key, value in answer.items() if isinstance(value, list) and value] == []
