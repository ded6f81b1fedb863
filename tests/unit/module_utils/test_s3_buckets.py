"""The flow-log bucket rules and plans of module_utils/s3_buckets.py (no AWS)."""

import copy

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import ALL_BLOCKED
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import S3BucketError
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import desired_bucket
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import lifecycle_rule
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import normalize
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import plan_present
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import rules_equal

NAME = "my-flow-logs"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MARKER = {"managed-by": "flowlogs.aws"}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": "arn:aws:s3:::" + NAME},
        {"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::" + NAME, "arn:aws:s3:::" + NAME + "/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    ],
}
RULE = {"prefix": "vpc/", "transitions": [{"days": 30, "storage_class": "standard_ia"},
                                          {"days": 90, "storage_class": "GLACIER"}],
        "expiration_days": 365, "noncurrent_version_expiration_days": 30,
        "abort_incomplete_multipart_upload_days": 7}
API_RULE = {"ID": "flowlogs-retention", "Filter": {"Prefix": "vpc/"}, "Status": "Enabled",
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}, "Expiration": {"Days": 365},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}, {"Days": 90, "StorageClass": "GLACIER"}]}
OTHER_RULE = {"ID": "someone-elses", "Filter": {"Prefix": "exports/"}, "Status": "Enabled", "Expiration": {"Days": 7}}


def params(**kwargs):
    base = dict(name=NAME, policy=POLICY, encryption="AES256", encryption_key_id=None, bucket_key_enabled=None,
                object_ownership="BucketOwnerEnforced", versioning=True, object_lock_enabled=False,
                object_lock_default_retention=None, tags={"env": "prod"}, purge_tags=True,
                lifecycle_rule_id="flowlogs-retention", lifecycle_rule=RULE, adopt=False)
    base.update(kwargs)
    return base


def existing(tags=None, **reads):
    """A bucket as the module reads it: the settings desired_bucket(params()) asks for, unless overridden."""
    base = {
        "policy": copy.deepcopy(POLICY),
        "public_access_block": dict(ALL_BLOCKED),
        "object_ownership": "BucketOwnerEnforced",
        "encryption": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False},
        "versioning": "Enabled",
        "lifecycle": {"Rules": [copy.deepcopy(API_RULE)], "TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"},
    }
    base.update(reads)
    return normalize(NAME, dict(MARKER, env="prod") if tags is None else tags, base)


def kinds(plan):
    return [kind for kind, _value in plan["changes"]]


def test_the_rule_is_built_as_s3_lifecycle_built_it():
    assert lifecycle_rule(RULE) == API_RULE
    assert lifecycle_rule({"prefix": "", "expiration_days": 1}) == {
        "ID": "flowlogs-retention", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}


@pytest.mark.parametrize("rule, fragment", [
    ({"prefix": "x/"}, "a rule needs at least one action"),
    ({"transitions": [{"days": 10, "storage_class": "STANDARD_IA"}]}, "transitions[0].days: S3 moves objects to STANDARD_IA after 30 days"),
    ({"transitions": [{"days": 29, "storage_class": "onezone_ia"}]}, "ONEZONE_IA after 30 days"),
    ({"transitions": [{"days": 30, "storage_class": "TAPE"}]}, "transitions[0].storage_class: must be one of"),
    ({"transitions": [{"days": 90, "storage_class": "GLACIER"}], "expiration_days": 90}, "must be more than the last transition (90 days"),
    ({"expiration_days": 0}, "expiration_days: must be a positive number of days"),
    ({"transitions": [{"days": 30, "storage_class": "GLACIER"}, {"days": 60, "storage_class": "GLACIER"}]}, "one transition per storage class"),
])
def test_a_rule_s3_refuses_is_refused_naming_the_option(rule, fragment):
    with pytest.raises(S3BucketError) as error:
        lifecycle_rule(rule)
    assert any(fragment in p for p in error.value.problems), error.value.problems


def test_glacier_at_zero_days_is_accepted():
    assert lifecycle_rule({"transitions": [{"days": 0, "storage_class": "glacier"}]})["Transitions"] == [
        {"Days": 0, "StorageClass": "GLACIER"}]


def test_every_bad_parameter_is_reported_at_once():
    with pytest.raises(S3BucketError) as error:
        desired_bucket(params(name="Not_A_Bucket", encryption_key_id=KEY, object_lock_default_retention={"mode": "GOVERNANCE", "days": 0},
                              tags={"managed-by": "terraform", "aws:x": "1"}, policy="not json"))
    fields = [p.split(":")[0] for p in error.value.problems]
    assert fields == ["name", "policy", "encryption_key_id", "object_lock_default_retention",
                      "object_lock_default_retention.days", "tags.managed-by", "tags"]


@pytest.mark.parametrize("name", ["ab", "a" * 64, "my..bucket", "192.168.1.1", "xn--bucket", "sthree-x", "x-s3alias",
                                  "x--ol-s3", "-bucket", "Bucket"])
def test_bucket_names_s3_refuses(name):
    with pytest.raises(S3BucketError) as error:
        desired_bucket(params(name=name))
    assert error.value.problems[0].startswith("name: ")


def test_object_lock_needs_versioning():
    with pytest.raises(S3BucketError) as error:
        desired_bucket(params(object_lock_enabled=True, versioning=False))
    assert error.value.problems == ["versioning: Object Lock needs versioning; it cannot be false with object_lock_enabled"]


def test_a_policy_as_json_text_is_a_document():
    import json
    assert desired_bucket(params(policy=json.dumps(POLICY)))["policy"] == POLICY


def test_a_new_bucket_gets_every_setting():
    desired = desired_bucket(params(encryption="aws:kms", encryption_key_id=KEY, bucket_key_enabled=True))
    plan = plan_present(None, desired)
    assert plan["create"] and not plan["foreign"] and not plan["problems"]
    # Object ownership is sent with CreateBucket.
    assert kinds(plan) == ["public_access_block", "policy", "encryption", "versioning", "tags", "lifecycle"]
    values = dict(plan["changes"])
    assert values["encryption"] == {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY},
                                    "BucketKeyEnabled": True}
    assert values["tags"] == dict(MARKER, env="prod")
    assert values["lifecycle"] == ([API_RULE], None)
    assert plan["messages"][0] == "create the bucket " + NAME
    assert plan["after"]["managed"]


def test_a_new_bucket_with_object_lock_is_versioned_by_creation_and_gets_its_retention():
    desired = desired_bucket(params(object_lock_enabled=True,
                                    object_lock_default_retention={"mode": "GOVERNANCE", "days": 1}))
    plan = plan_present(None, desired)
    assert "versioning" not in kinds(plan)
    assert dict(plan["changes"])["object_lock"] == {"Mode": "GOVERNANCE", "Days": 1}


def test_an_unchanged_bucket_needs_no_change():
    plan = plan_present(existing(), desired_bucket(params()))
    assert plan["changes"] == [] and not plan["create"] and not plan["problems"]


def test_policy_compared_as_a_document_not_as_text():
    reordered = copy.deepcopy(POLICY)
    reordered["Statement"].reverse()
    reordered["Statement"][0]["Resource"] = list(reversed(reordered["Statement"][0]["Resource"]))
    reordered["Statement"][1]["Action"] = list(reversed(reordered["Statement"][1]["Action"]))
    assert plan_present(existing(policy=reordered), desired_bucket(params()))["changes"] == []
    widened = copy.deepcopy(POLICY)
    widened["Statement"][0]["Resource"] = "arn:aws:s3:::other"
    plan = plan_present(existing(policy=widened), desired_bucket(params()))
    assert plan["changes"] == [("policy", POLICY)]


def test_a_foreign_bucket_gets_no_change_and_adopting_it_marks_it():
    foreign = existing(tags={"owner": "someone-else"}, policy=None, versioning=None, lifecycle=None)
    plan = plan_present(foreign, desired_bucket(params()))
    assert plan["foreign"] and plan["changes"] == [] and plan["after"]["tags"] == {"owner": "someone-else"}
    adopted = plan_present(foreign, desired_bucket(params()), adopt=True)
    assert not adopted["foreign"]
    assert dict(adopted["changes"])["tags"] == dict(MARKER, env="prod")
    assert adopted["after"]["managed"]


def test_other_lifecycle_rules_are_kept_and_ours_replaced_in_place():
    current = existing(lifecycle={"Rules": [OTHER_RULE, dict(API_RULE, Expiration={"Days": 30})],
                                  "TransitionDefaultMinimumObjectSize": "varies_by_storage_class"})
    plan = plan_present(current, desired_bucket(params()))
    assert plan["changes"] == [("lifecycle", ([OTHER_RULE, API_RULE], "varies_by_storage_class"))]
    assert plan["messages"] == ["set the lifecycle rule flowlogs-retention"]


def test_our_rule_is_added_after_the_others_and_removed_alone():
    plan = plan_present(existing(lifecycle={"Rules": [OTHER_RULE]}), desired_bucket(params()))
    assert plan["changes"] == [("lifecycle", ([OTHER_RULE, API_RULE], None))]
    removed = plan_present(existing(lifecycle={"Rules": [OTHER_RULE, API_RULE]}), desired_bucket(params(lifecycle_rule=None)))
    assert removed["changes"] == [("lifecycle", ([OTHER_RULE], None))]
    assert removed["messages"] == ["remove the lifecycle rule flowlogs-retention"]
    last = plan_present(existing(), desired_bucket(params(lifecycle_rule=None)))
    assert last["changes"] == [("lifecycle", ([], "all_storage_classes_128K"))]
    assert plan_present(existing(lifecycle=None), desired_bucket(params(lifecycle_rule=None)))["changes"] == []


def test_an_empty_filter_and_the_old_prefix_element_are_the_prefix_they_mean():
    ours = lifecycle_rule({"prefix": "", "expiration_days": 5})
    assert rules_equal(dict(ours, Filter={}), ours)
    legacy = dict(ours, Prefix="")
    del legacy["Filter"]
    assert rules_equal(legacy, ours)
    assert not rules_equal(dict(ours, Filter={"Prefix": "x/"}), ours)


def test_transitions_returned_in_another_order_are_a_change_of_nothing_else():
    swapped = dict(API_RULE, Transitions=list(reversed(API_RULE["Transitions"])))
    # S3 returns them as written; another order is another document, rewritten once.
    assert kinds(plan_present(existing(lifecycle={"Rules": [swapped]}), desired_bucket(params()))) == ["lifecycle"]


@pytest.mark.parametrize("reads, change", [
    ({"public_access_block": dict(ALL_BLOCKED, BlockPublicPolicy=False)}, ("public_access_block", ALL_BLOCKED)),
    ({"public_access_block": None}, ("public_access_block", ALL_BLOCKED)),
    ({"object_ownership": "ObjectWriter"}, ("object_ownership", "BucketOwnerEnforced")),
    ({"object_ownership": None}, ("object_ownership", "BucketOwnerEnforced")),
    ({"encryption": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}}},
     ("encryption", {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})),
    ({"versioning": None}, ("versioning", "Enabled")),
    ({"versioning": "Suspended"}, ("versioning", "Enabled")),
])
def test_each_setting_that_differs_is_one_change(reads, change):
    assert plan_present(existing(**reads), desired_bucket(params()))["changes"] == [change]


def test_sse_kms_compares_the_key_and_the_bucket_key():
    desired = desired_bucket(params(encryption="aws:kms", encryption_key_id=KEY, bucket_key_enabled=True))
    same = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}, "BucketKeyEnabled": True}
    assert plan_present(existing(encryption=same), desired)["changes"] == []
    assert kinds(plan_present(existing(encryption=dict(same, BucketKeyEnabled=False)), desired)) == ["encryption"]
    other_key = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY[:-1] + "c"},
                 "BucketKeyEnabled": True}
    assert kinds(plan_present(existing(encryption=other_key), desired)) == ["encryption"]


def test_versioning_false_suspends_an_enabled_bucket_and_leaves_a_never_versioned_one():
    desired = desired_bucket(params(versioning=False))
    assert plan_present(existing(), desired)["changes"] == [("versioning", "Suspended")]
    assert plan_present(existing(versioning=None), desired)["changes"] == []


def test_object_lock_is_refused_on_an_existing_bucket_without_it():
    desired = desired_bucket(params(object_lock_enabled=True, object_lock_default_retention={"mode": "GOVERNANCE", "days": 1}))
    plan = plan_present(existing(object_lock=None), desired)
    assert plan["problems"][0].startswith("object_lock_enabled: the bucket my-flow-logs has no Object Lock")
    locked = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    assert plan_present(existing(object_lock=locked), desired)["changes"] == []
    longer = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 5}}}
    assert plan_present(existing(object_lock=longer), desired)["changes"] == [("object_lock", {"Mode": "GOVERNANCE", "Days": 1})]


def test_tags_purged_or_merged():
    current = existing(tags=dict(MARKER, env="prod", extra="1"))
    assert plan_present(current, desired_bucket(params()))["changes"] == [("tags", dict(MARKER, env="prod"))]
    assert plan_present(current, desired_bucket(params(purge_tags=False)))["changes"] == []
