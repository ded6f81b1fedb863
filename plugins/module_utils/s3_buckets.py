# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The S3 bucket that receives flow logs: rules, plans and API calls.

Used by the s3_flow_log_bucket module. One module run reads the bucket (its tags first: they
say whether it exists and whether the collection owns it), plans every change, and makes only
the calls the plan needs; an unchanged bucket costs one Get call per setting and no write.

The rules follow the Amazon S3 API Reference
(https://docs.aws.amazon.com/AmazonS3/latest/API/) and the Amazon S3 User Guide:

* CreateBucket: outside us-east-1 the region goes in ``CreateBucketConfiguration.LocationConstraint``;
  in us-east-1 no configuration is sent (``InvalidLocationConstraint`` otherwise). Object Lock is
  asked for at creation (``ObjectLockEnabledForBucket``, which also enables versioning), and the
  object ownership setting is sent with it (``x-amz-object-ownership``).
* Bucket names: "General purpose bucket naming rules" (3 to 63 of a-z 0-9 . -, starting and
  ending with a letter or digit, no ``..``, not an IP address, no ``xn--``/``sthree-`` prefix, no
  ``-s3alias``/``--ol-s3`` suffix).
* PutBucketTagging replaces the whole tag set; at most 50 tags, keys of 1 to 128 characters not
  starting with ``aws:``, values of at most 256 ("Using cost allocation S3 bucket tags").
* PutBucketLifecycleConfiguration replaces the whole configuration: the rules of other owners are
  written back unchanged, with the configuration's ``TransitionDefaultMinimumObjectSize``. A rule
  needs at least one action, its ID is unique and at most 255 characters; STANDARD_IA and
  ONEZONE_IA transitions come at 30 days or later ("Constraints and considerations for
  transitions"); an expiration comes after every transition.
* PutObjectLockConfiguration: a default retention has a mode and a positive number of days.

The pure functions (``desired_bucket``, ``normalize``, ``plan_present``, ``lifecycle_rule``) have no
AWS dependency; the API helpers raise ``AnsibleS3BucketError`` naming the operation.
"""

import copy
import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import validate_bucket_name
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import tag_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$")
RULE_ID_MAX = 255
RULES_MAX = 1000
ENCRYPTIONS = ("AES256", "aws:kms")
OWNERSHIPS = ("BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter")
LOCK_MODES = ("GOVERNANCE", "COMPLIANCE")
STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
# "Constraints and considerations for transitions": 30 days in S3 Standard before these.
MIN_DAYS_30 = ("STANDARD_IA", "ONEZONE_IA")
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
DEFAULT_RULE_ID = "flowlogs-retention"


class S3BucketError(ProblemsError):
    """Invalid bucket parameters; ``problems`` lists every one found."""


class AnsibleS3BucketError(AnsibleAWSError):
    pass


class S3BucketErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleS3BucketError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NoSuchBucket")


# ---------------------------------------------------------------------------------------- rules


def bucket_name_problems(name, field="name"):
    """The general purpose bucket naming rules, as the bucket policy checks them (one rule)."""
    return ["%s: %s" % (field, problem) for problem in validate_bucket_name(name)]


def _positive(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def lifecycle_rule(rule, rule_id=DEFAULT_RULE_ID, field="lifecycle_rule"):
    """The PutBucketLifecycleConfiguration rule for the module's ``lifecycle_rule`` option.

    Built as community.aws.s3_lifecycle builds it (prefix filter, Enabled, transitions in the given
    order, storage classes in upper case). Raises S3BucketError naming the option.
    """
    problems = []
    prefix = rule.get("prefix") or ""
    if not isinstance(prefix, str) or len(prefix) > 1024:
        problems.append("%s.prefix: must be a string of at most 1024 characters (got %r)" % (field, prefix))
    if not isinstance(rule_id, str) or not 1 <= len(rule_id) <= RULE_ID_MAX:
        problems.append("lifecycle_rule_id: must be 1 to %d characters (got %r)" % (RULE_ID_MAX, rule_id))
    built = {"ID": rule_id, "Filter": {"Prefix": prefix}, "Status": "Enabled"}
    for name, key, inner in (("abort_incomplete_multipart_upload_days", "AbortIncompleteMultipartUpload",
                              "DaysAfterInitiation"),
                             ("expiration_days", "Expiration", "Days"),
                             ("noncurrent_version_expiration_days", "NoncurrentVersionExpiration", "NoncurrentDays")):
        value = rule.get(name)
        if value is None:
            continue
        if not _positive(value):
            problems.append("%s.%s: must be a positive number of days (got %r)" % (field, name, value))
        built[key] = {inner: value}
    transitions = []
    for index, transition in enumerate(rule.get("transitions") or []):
        days = transition.get("days")
        storage_class = str(transition.get("storage_class") or "").upper()
        where = "%s.transitions[%d]" % (field, index)
        if storage_class not in STORAGE_CLASSES:
            problems.append("%s.storage_class: must be one of %s (got %r)"
                            % (where, ", ".join(STORAGE_CLASSES), transition.get("storage_class")))
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            problems.append("%s.days: must be 0 or a positive number of days (got %r)" % (where, days))
        elif storage_class in MIN_DAYS_30 and days < 30:
            problems.append("%s.days: S3 moves objects to %s after 30 days at the earliest (got %d)"
                            % (where, storage_class, days))
        transitions.append({"Days": days, "StorageClass": storage_class})
    if len(set(t["StorageClass"] for t in transitions)) < len(transitions):
        problems.append("%s.transitions: one transition per storage class" % field)
    if transitions:
        built["Transitions"] = transitions
    expiration = rule.get("expiration_days")
    day_values = [t["Days"] for t in transitions if isinstance(t["Days"], int)]
    if _positive(expiration) and day_values and expiration <= max(day_values):
        problems.append("%s.expiration_days: must be more than the last transition (%d days; got %d)"
                        % (field, max(day_values), expiration))
    if len(built) == 3:
        problems.append("%s: a rule needs at least one action (transitions, expiration_days, "
                        "noncurrent_version_expiration_days or abort_incomplete_multipart_upload_days)" % field)
    if problems:
        raise S3BucketError(problems)
    return built


def desired_bucket(params):
    """Validate the module parameters; returns the desired bucket or raises S3BucketError.

    The result has ``name``, ``policy`` (a dict), ``encryption`` ({"SSEAlgorithm", "KMSMasterKeyID",
    "BucketKeyEnabled"} with None for what is not managed), ``object_ownership``, ``versioning``
    (bool), ``object_lock_enabled``, ``object_lock_default_retention`` ({"Mode", "Days"} or None),
    ``tags`` (None: leave as is, else with the marker), ``purge_tags``, ``lifecycle_rule_id`` and
    ``lifecycle_rule`` (the API rule, or None to remove the rule of that ID).
    """
    problems = []
    name = params.get("name")
    problems.extend(bucket_name_problems(name))
    policy = params.get("policy")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as e:
            problems.append("policy: is not a JSON document (%s)" % e)
            policy = None
    if policy is not None and (not isinstance(policy, dict) or not policy.get("Statement")):
        problems.append("policy: must be a policy document with at least one statement")
    encryption = params.get("encryption") or "AES256"
    key_id = params.get("encryption_key_id") or None
    bucket_key = params.get("bucket_key_enabled")
    if encryption not in ENCRYPTIONS:
        problems.append("encryption: must be one of %s (got %r)" % (", ".join(ENCRYPTIONS), encryption))
    if encryption != "aws:kms" and key_id:
        problems.append("encryption_key_id: only with encryption aws:kms (got encryption %s)" % encryption)
    if encryption != "aws:kms" and bucket_key is not None:
        problems.append("bucket_key_enabled: only with encryption aws:kms (got encryption %s)" % encryption)
    if encryption == "aws:kms" and key_id and not KMS_KEY_ARN_RE.match(key_id):
        problems.append("encryption_key_id: must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID), "
                        "got %r" % key_id)
    ownership = params.get("object_ownership") or "BucketOwnerEnforced"
    if ownership not in OWNERSHIPS:
        problems.append("object_ownership: must be one of %s (got %r)" % (", ".join(OWNERSHIPS), ownership))
    versioning = params.get("versioning")
    versioning = True if versioning is None else bool(versioning)
    lock = bool(params.get("object_lock_enabled"))
    if lock and not versioning:
        problems.append("versioning: Object Lock needs versioning; it cannot be false with object_lock_enabled")
    retention = params.get("object_lock_default_retention")
    if retention is not None:
        mode, days = retention.get("mode"), retention.get("days")
        if not lock:
            problems.append("object_lock_default_retention: needs object_lock_enabled")
        if mode not in LOCK_MODES:
            problems.append("object_lock_default_retention.mode: must be one of %s (got %r)"
                            % (", ".join(LOCK_MODES), mode))
        if not _positive(days):
            problems.append("object_lock_default_retention.days: must be a positive number of days (got %r)"
                            % (days,))
        retention = {"Mode": mode, "Days": days}
    tags = params.get("tags")
    problems.extend(tag_problems(tags, "tags"))
    rule_id = params.get("lifecycle_rule_id") or DEFAULT_RULE_ID
    rule = params.get("lifecycle_rule")
    built_rule = None
    if rule:
        try:
            built_rule = lifecycle_rule(rule, rule_id)
        except S3BucketError as e:
            problems.extend(e.problems)
    if problems:
        raise S3BucketError(problems)
    return {
        "name": name,
        "policy": policy,
        "encryption": {
            "SSEAlgorithm": encryption,
            "KMSMasterKeyID": key_id if encryption == "aws:kms" else None,
            "BucketKeyEnabled": bucket_key if encryption == "aws:kms" else None,
        },
        "object_ownership": ownership,
        "versioning": versioning,
        "object_lock_enabled": lock,
        "object_lock_default_retention": retention,
        "tags": None if tags is None else with_marker(tags),
        "purge_tags": params.get("purge_tags", True),
        "lifecycle_rule_id": rule_id,
        "lifecycle_rule": built_rule,
    }


# ------------------------------------------------------------------------------------- state


def normalize(name, tags, reads):
    """The bucket in the module's result shape, from its tags and the Get* answers in ``reads``.

    ``reads`` maps a setting (policy, public_access_block, object_ownership, encryption,
    versioning, object_lock, lifecycle) to what its read helper returned; a setting not read is
    absent from the result.
    """
    bucket = {"name": name, "tags": dict(tags or {}), "managed": is_managed(tags)}
    if "policy" in reads:
        bucket["policy"] = reads["policy"]
    if "public_access_block" in reads:
        bucket["public_access_block"] = reads["public_access_block"]
    if "object_ownership" in reads:
        bucket["object_ownership"] = reads["object_ownership"]
    if "encryption" in reads:
        bucket["encryption"] = reads["encryption"]
    if "versioning" in reads:
        bucket["versioning"] = reads["versioning"]
    if "object_lock" in reads:
        lock = reads["object_lock"] or {}
        bucket["object_lock_enabled"] = lock.get("ObjectLockEnabled") == "Enabled"
        bucket["object_lock_default_retention"] = (lock.get("Rule") or {}).get("DefaultRetention")
    if "lifecycle" in reads:
        lifecycle = reads["lifecycle"] or {}
        bucket["lifecycle_rules"] = list(lifecycle.get("Rules") or [])
        bucket["transition_default_minimum_object_size"] = lifecycle.get("TransitionDefaultMinimumObjectSize")
    return bucket


def _canonical_rule(rule):
    """A lifecycle rule as comparable data: the old top-level Prefix and an empty Filter are the prefix ''."""
    rule = copy.deepcopy(rule or {})
    prefix = rule.pop("Prefix", None)
    rule_filter = rule.get("Filter")
    if not rule_filter or set(rule_filter) == {"Prefix"}:
        rule["Filter"] = {"Prefix": (rule_filter or {}).get("Prefix", prefix) or ""}
    return rule


def rules_equal(current, desired):
    return _canonical_rule(current) == _canonical_rule(desired)


def _encryption_differs(current, desired):
    current = current or {}
    default = current.get("ApplyServerSideEncryptionByDefault") or {}
    if default.get("SSEAlgorithm") != desired["SSEAlgorithm"]:
        return True
    if desired["SSEAlgorithm"] != "aws:kms":
        return False
    if (default.get("KMSMasterKeyID") or None) != desired["KMSMasterKeyID"]:
        return True
    return desired["BucketKeyEnabled"] is not None and bool(current.get("BucketKeyEnabled")) != desired["BucketKeyEnabled"]


def encryption_rule(desired):
    """The ServerSideEncryptionConfiguration rule that sets ``desired["encryption"]``."""
    wanted = desired["encryption"]
    default = {"SSEAlgorithm": wanted["SSEAlgorithm"]}
    if wanted["KMSMasterKeyID"]:
        default["KMSMasterKeyID"] = wanted["KMSMasterKeyID"]
    rule = {"ApplyServerSideEncryptionByDefault": default}
    if wanted["BucketKeyEnabled"] is not None:
        rule["BucketKeyEnabled"] = wanted["BucketKeyEnabled"]
    return rule


def _lifecycle_change(current_rules, desired):
    """The rules to write (None: no change) and the word for the change."""
    rule_id = desired["lifecycle_rule_id"]
    wanted = desired["lifecycle_rule"]
    ours = [r for r in current_rules if r.get("ID") == rule_id]
    if wanted is None:
        if not ours:
            return None, None
        return [r for r in current_rules if r.get("ID") != rule_id], "remove"
    if len(ours) == 1 and rules_equal(ours[0], wanted):
        return None, None
    # In place of ours, the others as they are (no run narrows what another built).
    rules, placed = [], False
    for rule in current_rules:
        if rule.get("ID") != rule_id:
            rules.append(rule)
        elif not placed:
            rules.append(wanted)
            placed = True
    if not placed:
        rules.append(wanted)
    return rules, "set" if ours else "add"


def plan_present(current, desired, adopt=False):
    """What to do to reach ``desired`` from ``current`` (normalize() with every setting read, or None).

    Returns ``{"create": bool, "foreign": bool, "problems": [...], "changes": [(kind, value), ...],
    "messages": [...], "after": {...}}``. ``changes`` are in call order: ("public_access_block", cfg),
    ("policy", doc), ("object_ownership", value), ("encryption", rule), ("versioning", status),
    ("object_lock", retention), ("tags", tags), ("lifecycle", (rules, minimum size)).
    A foreign bucket (no marker, not adopted) gets no changes.
    """
    plan = {"create": False, "foreign": False, "problems": [], "changes": [], "messages": [], "after": None}
    name = desired["name"]
    if current is None:
        plan["create"] = True
        plan["messages"].append("create the bucket %s" % name)
        current = {"name": name, "tags": {}, "managed": False, "policy": None, "public_access_block": None,
                   "object_ownership": desired["object_ownership"], "encryption": None, "versioning": None,
                   "object_lock_enabled": desired["object_lock_enabled"], "object_lock_default_retention": None,
                   "lifecycle_rules": [], "transition_default_minimum_object_size": None}
        if desired["object_lock_enabled"]:
            current["versioning"] = "Enabled"
    elif not current["managed"] and not adopt:
        plan["foreign"] = True
        plan["after"] = current
        return plan
    after = copy.deepcopy(current)
    plan["after"] = after

    def change(kind, value, message):
        plan["changes"].append((kind, value))
        plan["messages"].append(message)

    if current.get("public_access_block") != ALL_BLOCKED:
        change("public_access_block", dict(ALL_BLOCKED), "block all public access")
        after["public_access_block"] = dict(ALL_BLOCKED)
    if desired["policy"] is not None and (current.get("policy") is None
                                          or compare_policies(current["policy"], desired["policy"])):
        change("policy", desired["policy"], "set the bucket policy")
        after["policy"] = desired["policy"]
    if current.get("object_ownership") != desired["object_ownership"]:
        change("object_ownership", desired["object_ownership"],
               "set object ownership to %s" % desired["object_ownership"])
        after["object_ownership"] = desired["object_ownership"]
    if _encryption_differs(current.get("encryption"), desired["encryption"]):
        rule = encryption_rule(desired)
        change("encryption", rule, "set default encryption to %s" % desired["encryption"]["SSEAlgorithm"])
        after["encryption"] = rule
    status = current.get("versioning")
    if desired["versioning"] and status != "Enabled":
        change("versioning", "Enabled", "enable versioning")
        after["versioning"] = "Enabled"
    elif not desired["versioning"] and status == "Enabled":
        change("versioning", "Suspended", "suspend versioning")
        after["versioning"] = "Suspended"
    if desired["object_lock_enabled"] and not current.get("object_lock_enabled"):
        plan["problems"].append(
            "object_lock_enabled: the bucket %s has no Object Lock; this module turns it on only when it creates "
            "a bucket (CreateBucket), so create a new bucket (another name) for Object Lock" % name)
    retention = desired["object_lock_default_retention"]
    if retention is not None and current.get("object_lock_default_retention") != retention:
        change("object_lock", retention, "set the Object Lock default retention to %s for %d days"
               % (retention["Mode"], retention["Days"]))
        after["object_lock_default_retention"] = retention
    want_tags = desired["tags"] if desired["tags"] is not None else with_marker(current["tags"])
    if desired["tags"] is not None and not desired["purge_tags"]:
        merged = dict(current["tags"])
        merged.update(want_tags)
        want_tags = merged
    if want_tags != current["tags"]:
        change("tags", want_tags, "set the tags")
        after["tags"] = want_tags
        after["managed"] = is_managed(want_tags)
    rules, word = _lifecycle_change(current.get("lifecycle_rules") or [], desired)
    if word:
        change("lifecycle", (rules, current.get("transition_default_minimum_object_size")),
               "%s the lifecycle rule %s" % (word, desired["lifecycle_rule_id"]))
        after["lifecycle_rules"] = rules
    return plan


# ------------------------------------------------------------------------------------- API calls
# Each raises AnsibleS3BucketError naming the operation; the client retries throttling.


@S3BucketErrorHandler.list_error_handler("read the bucket's tags (GetBucketTagging)")
def get_tags(client, name):
    """The bucket's tags; None when the bucket does not exist."""
    try:
        tag_set = client.get_bucket_tagging(aws_retry=True, Bucket=name).get("TagSet", [])
    except is_boto3_error_code("NoSuchTagSet"):
        return {}
    return dict((t["Key"], t["Value"]) for t in tag_set)


@S3BucketErrorHandler.common_error_handler("read the bucket policy (GetBucketPolicy)")
def get_policy(client, name):
    try:
        return json.loads(client.get_bucket_policy(aws_retry=True, Bucket=name)["Policy"])
    except is_boto3_error_code("NoSuchBucketPolicy"):
        return None


@S3BucketErrorHandler.common_error_handler("read the public access block (GetPublicAccessBlock)")
def get_public_access_block(client, name):
    try:
        return client.get_public_access_block(aws_retry=True, Bucket=name)["PublicAccessBlockConfiguration"]
    except is_boto3_error_code("NoSuchPublicAccessBlockConfiguration"):
        return None


@S3BucketErrorHandler.common_error_handler("read the object ownership (GetBucketOwnershipControls)")
def get_object_ownership(client, name):
    try:
        rules = client.get_bucket_ownership_controls(aws_retry=True, Bucket=name)["OwnershipControls"]["Rules"]
    except is_boto3_error_code("OwnershipControlsNotFoundError"):
        return None
    return rules[0].get("ObjectOwnership") if rules else None


@S3BucketErrorHandler.common_error_handler("read the default encryption (GetBucketEncryption)")
def get_encryption(client, name):
    try:
        rules = client.get_bucket_encryption(aws_retry=True, Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    except is_boto3_error_code("ServerSideEncryptionConfigurationNotFoundError"):
        return None
    return rules[0] if rules else None


@S3BucketErrorHandler.common_error_handler("read the versioning (GetBucketVersioning)")
def get_versioning(client, name):
    return client.get_bucket_versioning(aws_retry=True, Bucket=name).get("Status")


@S3BucketErrorHandler.common_error_handler("read the Object Lock configuration (GetObjectLockConfiguration)")
def get_object_lock(client, name):
    try:
        return client.get_object_lock_configuration(aws_retry=True, Bucket=name).get("ObjectLockConfiguration")
    except is_boto3_error_code("ObjectLockConfigurationNotFoundError"):
        return None


@S3BucketErrorHandler.common_error_handler("read the lifecycle configuration (GetBucketLifecycleConfiguration)")
def get_lifecycle(client, name):
    try:
        response = client.get_bucket_lifecycle_configuration(aws_retry=True, Bucket=name)
    except is_boto3_error_code("NoSuchLifecycleConfiguration"):
        return None
    return {"Rules": response.get("Rules", []),
            "TransitionDefaultMinimumObjectSize": response.get("TransitionDefaultMinimumObjectSize")}


READERS = (
    ("policy", get_policy),
    ("public_access_block", get_public_access_block),
    ("object_ownership", get_object_ownership),
    ("encryption", get_encryption),
    ("versioning", get_versioning),
    ("object_lock", get_object_lock),
    ("lifecycle", get_lifecycle),
)


@S3BucketErrorHandler.common_error_handler("create the bucket (CreateBucket)")
def create_bucket(client, desired, region):
    kwargs = {"Bucket": desired["name"], "ObjectOwnership": desired["object_ownership"]}
    # CreateBucketConfiguration.LocationConstraint: none for us-east-1, the region elsewhere.
    if region and region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if desired["object_lock_enabled"]:
        kwargs["ObjectLockEnabledForBucket"] = True
    client.create_bucket(aws_retry=True, **kwargs)


@S3BucketErrorHandler.common_error_handler("wait for the new bucket (HeadBucket)")
def wait_for_bucket(client, name):
    client.get_waiter("bucket_exists").wait(Bucket=name, WaiterConfig={"Delay": 2, "MaxAttempts": 30})


@S3BucketErrorHandler.common_error_handler("block public access (PutPublicAccessBlock)")
def put_public_access_block(client, name, config):
    client.put_public_access_block(aws_retry=True, Bucket=name, PublicAccessBlockConfiguration=config)


@S3BucketErrorHandler.common_error_handler("set the bucket policy (PutBucketPolicy)")
def put_policy(client, name, policy):
    client.put_bucket_policy(aws_retry=True, Bucket=name, Policy=json.dumps(policy))


@S3BucketErrorHandler.common_error_handler("set the object ownership (PutBucketOwnershipControls)")
def put_object_ownership(client, name, ownership):
    client.put_bucket_ownership_controls(aws_retry=True, Bucket=name,
                                         OwnershipControls={"Rules": [{"ObjectOwnership": ownership}]})


@S3BucketErrorHandler.common_error_handler("set the default encryption (PutBucketEncryption)")
def put_encryption(client, name, rule):
    client.put_bucket_encryption(aws_retry=True, Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})


@S3BucketErrorHandler.common_error_handler("set the versioning (PutBucketVersioning)")
def put_versioning(client, name, status):
    client.put_bucket_versioning(aws_retry=True, Bucket=name, VersioningConfiguration={"Status": status})


@S3BucketErrorHandler.common_error_handler("set the Object Lock default retention (PutObjectLockConfiguration)")
def put_object_lock(client, name, retention):
    client.put_object_lock_configuration(aws_retry=True, Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})


@S3BucketErrorHandler.common_error_handler("set the tags (PutBucketTagging)")
def put_tags(client, name, tags):
    client.put_bucket_tagging(aws_retry=True, Bucket=name, Tagging={
        "TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})


@S3BucketErrorHandler.common_error_handler("set the lifecycle configuration (PutBucketLifecycleConfiguration)")
def put_lifecycle(client, name, rules, minimum_size):
    kwargs = {"Bucket": name, "LifecycleConfiguration": {"Rules": rules}}
    if minimum_size:
        kwargs["TransitionDefaultMinimumObjectSize"] = minimum_size
    client.put_bucket_lifecycle_configuration(aws_retry=True, **kwargs)


@S3BucketErrorHandler.common_error_handler("remove the lifecycle configuration (DeleteBucketLifecycle)")
def delete_lifecycle(client, name):
    client.delete_bucket_lifecycle(aws_retry=True, Bucket=name)


def apply_change(client, name, change):
    """Make one change of plan_present()["changes"]."""
    kind, value = change
    if kind == "public_access_block":
        put_public_access_block(client, name, value)
    elif kind == "policy":
        put_policy(client, name, value)
    elif kind == "object_ownership":
        put_object_ownership(client, name, value)
    elif kind == "encryption":
        put_encryption(client, name, value)
    elif kind == "versioning":
        put_versioning(client, name, value)
    elif kind == "object_lock":
        put_object_lock(client, name, value)
    elif kind == "tags":
        put_tags(client, name, value)
    elif kind == "lifecycle":
        rules, minimum_size = value
        if rules:
            put_lifecycle(client, name, rules, minimum_size)
        else:
            delete_lifecycle(client, name)
    else:
        raise ValueError("unknown change %r" % kind)
