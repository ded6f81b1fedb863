"""flowlogs.aws.s3_flow_log_bucket against LocalStack.

Each step runs the module once (an ad-hoc ``ansible`` command, json callback) with the botocore
hook of benchmarks/sitecustomize.py counting its API calls, and reads the bucket back with boto3:
creation (check mode first), an unchanged re-run that only reads (each Get call once), a policy
change, another owner's lifecycle rule kept, a foreign bucket left alone and then adopted,
Object Lock at creation and refused on an existing bucket, invalid input refused before any call,
and an AWS error reported naming the operation.
"""

import collections
import json
import os
import subprocess
import sys
import uuid

import pytest

from conftest import REGION
from conftest import ROOT

pytestmark = pytest.mark.localstack

READS = ("Get", "Head", "List")
KEY = "arn:aws:kms:us-east-1:000000000000:key/0123abcd-12ab-34cd-56ef-1234567890ab"


def run_module(args, tmp_path, *flags):
    """The module's result and the API operations it called, in order."""
    api_log = tmp_path / "api-{0}.log".format(uuid.uuid4().hex[:8])
    bindir = os.path.dirname(sys.executable)
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        "AWS_REGION": REGION,
        "FLOWLOGS_BENCH_API_LOG": str(api_log),
        "PYTHONPATH": os.path.join(ROOT, "benchmarks"),
        "PATH": bindir + os.pathsep + env.get("PATH", ""),
    })
    env.setdefault("AWS_ACCESS_KEY_ID", "test")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    command = [os.path.join(bindir, "ansible"), "localhost", "-i", "localhost,", "-c", "local",
               "-e", "ansible_python_interpreter=" + sys.executable,
               "-m", "flowlogs.aws.s3_flow_log_bucket", "-a", json.dumps(args)] + list(flags)
    proc = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False)
    output = json.loads(proc.stdout)
    result = output["plays"][0]["tasks"][0]["hosts"]["localhost"]
    calls = []
    if api_log.exists():
        calls = [line.split()[2] for line in api_log.read_text().splitlines()]
    assert "Traceback" not in result.get("msg", ""), result
    return result, calls


def writes(calls):
    return [c for c in calls if not c.startswith(READS)]


def policy(bucket, sids=("AllowSSLRequestsOnly",)):
    arn = "arn:aws:s3:::" + bucket
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [arn, arn + "/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}} for sid in sids]}


RULE = {"prefix": "vpc/", "transitions": [{"days": 30, "storage_class": "STANDARD_IA"},
                                          {"days": 90, "storage_class": "GLACIER"}],
        "expiration_days": 365, "noncurrent_version_expiration_days": 30,
        "abort_incomplete_multipart_upload_days": 7}
API_RULE = {"ID": "flowlogs-retention", "Filter": {"Prefix": "vpc/"}, "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}, "Expiration": {"Days": 365},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}]}


@pytest.fixture()
def buckets(aws):
    s3 = aws("s3")
    suffix = uuid.uuid4().hex[:8]
    made = []

    def name(kind):
        made.append("flowlogs-it-{0}-{1}".format(kind, suffix))
        return made[-1]

    yield s3, name
    for bucket in made:
        try:
            versions = s3.list_object_versions(Bucket=bucket)
        except s3.exceptions.NoSuchBucket:
            continue
        for v in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"], BypassGovernanceRetention=True)
        s3.delete_bucket(Bucket=bucket)


def test_create_in_check_mode_then_for_real_then_only_read(buckets, tmp_path):
    s3, name = buckets
    bucket = name("bucket")
    args = {"name": bucket, "policy": policy(bucket), "tags": {"project": "it"}, "lifecycle_rule": RULE}

    planned, calls = run_module(args, tmp_path, "--check", "--diff")
    assert planned["changed"] and not planned.get("failed")
    assert planned["changes"] == ["create the bucket " + bucket, "block all public access", "set the bucket policy",
                                  "set default encryption to AES256", "enable versioning", "set the tags",
                                  "add the lifecycle rule flowlogs-retention"]
    assert planned["diff"]["before"] == {} and planned["diff"]["after"]["tags"] == {"managed-by": "flowlogs.aws",
                                                                                    "project": "it"}
    assert calls == ["GetBucketTagging"], "check mode reads the tags and finds no bucket"
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]

    created, calls = run_module(args, tmp_path)
    assert created["changed"] and created["changes"] == planned["changes"]
    assert writes(calls) == ["CreateBucket", "PutPublicAccessBlock", "PutBucketPolicy", "PutBucketEncryption",
                             "PutBucketVersioning", "PutBucketTagging", "PutBucketLifecycleConfiguration"]
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy(bucket)
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}]
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]} == {
        "managed-by": "flowlogs.aws", "project": "it"}
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == [API_RULE]

    again, calls = run_module(args, tmp_path, "--diff")
    assert not again["changed"] and again["changes"] == [] and not again["foreign"]
    assert writes(calls) == [], "an unchanged bucket is only read"
    counts = collections.Counter(calls)
    assert set(counts.values()) == {1}, "each Get call once: {0}".format(counts)
    assert sorted(counts) == ["GetBucketEncryption", "GetBucketLifecycleConfiguration", "GetBucketOwnershipControls",
                              "GetBucketPolicy", "GetBucketTagging", "GetBucketVersioning", "GetPublicAccessBlock"]
    assert again["diff"]["before"] == again["diff"]["after"]

    checked, calls = run_module(args, tmp_path, "--check")
    assert not checked["changed"] and writes(calls) == []


def test_a_policy_change_rewrites_only_the_policy(buckets, tmp_path):
    s3, name = buckets
    bucket = name("policy")
    args = {"name": bucket, "policy": policy(bucket), "lifecycle_rule": RULE}
    run_module(args, tmp_path)
    args["policy"] = policy(bucket, ("AllowSSLRequestsOnly", "AlsoDenyPlainHttp"))
    planned, calls = run_module(args, tmp_path, "--check")
    assert planned["changed"] and planned["changes"] == ["set the bucket policy"] and writes(calls) == []
    assert len(json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]) == 1
    changed, calls = run_module(args, tmp_path)
    assert changed["changed"] and writes(calls) == ["PutBucketPolicy"]
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == args["policy"]
    # The same document as JSON text is no change.
    args["policy"] = json.dumps(args["policy"], indent=2, sort_keys=True)
    same, calls = run_module(args, tmp_path)
    assert not same["changed"] and writes(calls) == []


def test_another_lifecycle_rule_is_kept(buckets, tmp_path):
    s3, name = buckets
    bucket = name("lifecycle")
    args = {"name": bucket, "policy": policy(bucket), "lifecycle_rule": RULE}
    run_module(args, tmp_path)
    other = {"ID": "exports-cleanup", "Filter": {"Prefix": "exports/"}, "Status": "Enabled", "Expiration": {"Days": 7}}
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [other, API_RULE]})

    unchanged, calls = run_module(args, tmp_path)
    assert not unchanged["changed"] and writes(calls) == []

    args["lifecycle_rule"] = dict(RULE, expiration_days=400)
    changed, calls = run_module(args, tmp_path)
    assert changed["changes"] == ["set the lifecycle rule flowlogs-retention"]
    assert writes(calls) == ["PutBucketLifecycleConfiguration"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rules == [other, dict(API_RULE, Expiration={"Days": 400})]

    del args["lifecycle_rule"]
    removed, calls = run_module(args, tmp_path)
    assert removed["changes"] == ["remove the lifecycle rule flowlogs-retention"]
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == [other]


def test_a_foreign_bucket_is_left_alone_until_adopted(buckets, tmp_path):
    s3, name = buckets
    bucket = name("foreign")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "owner", "Value": "someone-else"}]})
    args = {"name": bucket, "policy": policy(bucket), "tags": {"project": "it"}, "lifecycle_rule": RULE}

    left, calls = run_module(args, tmp_path)
    assert left["foreign"] and not left["changed"] and left["changes"] == []
    assert left["bucket"] == {"name": bucket, "tags": {"owner": "someone-else"}, "managed": False}
    assert calls == ["GetBucketTagging"], "nothing of a foreign bucket is read beyond its tags"
    with pytest.raises(s3.exceptions.ClientError):
        s3.get_bucket_policy(Bucket=bucket)

    adopted, calls = run_module(dict(args, adopt=True), tmp_path)
    assert adopted["changed"] and not adopted["foreign"]
    assert "PutBucketPolicy" in writes(calls) and "CreateBucket" not in writes(calls)
    assert {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]} == {
        "managed-by": "flowlogs.aws", "project": "it"}
    # Marked now: the next run needs no adopt.
    again, calls = run_module(args, tmp_path)
    assert not again["changed"] and not again["foreign"] and writes(calls) == []


def test_object_lock_only_at_creation(buckets, tmp_path):
    s3, name = buckets
    locked = name("locked")
    args = {"name": locked, "encryption": "aws:kms", "encryption_key_id": KEY, "bucket_key_enabled": True,
            "object_lock_enabled": True, "object_lock_default_retention": {"mode": "GOVERNANCE", "days": 1}}
    created, calls = run_module(args, tmp_path)
    assert created["changed"] and "PutBucketVersioning" not in calls
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    assert s3.get_bucket_encryption(Bucket=locked)["ServerSideEncryptionConfiguration"]["Rules"][0] == {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}, "BucketKeyEnabled": True}
    again, calls = run_module(args, tmp_path)
    assert not again["changed"] and writes(calls) == [] and "GetObjectLockConfiguration" in calls

    plain = name("unlocked")
    run_module({"name": plain}, tmp_path)
    refused, calls = run_module({"name": plain, "object_lock_enabled": True}, tmp_path)
    assert refused["failed"] and refused["msg"].startswith(
        "object_lock_enabled: the bucket {0} has no Object Lock".format(plain))
    assert writes(calls) == []


def test_invalid_input_is_refused_before_any_call(tmp_path):
    refused, calls = run_module({"name": "Not_A_Bucket", "encryption_key_id": KEY,
                                 "lifecycle_rule": {"transitions": [{"days": 10, "storage_class": "STANDARD_IA"}]}},
                                tmp_path)
    assert refused["failed"] and calls == []
    assert [p.split(":")[0] for p in refused["problems"]] == [
        "name", "encryption_key_id", "lifecycle_rule.transitions[0].days"]


def test_an_aws_error_names_the_operation_and_the_bucket(buckets, tmp_path):
    s3, name = buckets
    bucket = name("error")
    run_module({"name": bucket, "object_lock_enabled": True}, tmp_path)
    # S3 refuses to suspend versioning on a bucket with Object Lock (InvalidBucketState).
    failed, calls = run_module({"name": bucket, "versioning": False}, tmp_path)
    assert failed["failed"]
    assert failed["msg"].startswith("Failed to set the versioning (PutBucketVersioning) of the bucket " + bucket + ": ")
    assert "InvalidBucketState" in failed["msg"]
    assert failed["error"]["code"] == "InvalidBucketState"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
