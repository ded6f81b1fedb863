#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_flow_log_bucket
short_description: Create and harden the S3 bucket that receives VPC flow logs, in one module run
version_added: 0.2.0
description:
  - Creates an S3 bucket for VPC flow logs, or brings an existing one to the given settings - the bucket policy,
    all four Block Public Access settings, object ownership, default encryption, versioning, the Object Lock
    default retention, tags and one lifecycle rule - in one module run.
  - The bucket's tags are read first. A bucket without the C(managed-by=flowlogs.aws) tag is foreign - reported in
    RV(foreign) and left exactly as it is (nothing else is read or written) unless O(adopt=true).
  - Every parameter is validated before any API call, and every setting is read and compared before the first
    change. A re-run where nothing changed makes one read call per setting and no write.
  - The bucket policy is compared as a policy document (statement order, a one-element list and its element,
    and the JSON formatting do not count as changes).
  - The lifecycle configuration is replaced as a whole by S3 (C(PutBucketLifecycleConfiguration)); the module writes
    the rules of other owners back exactly as they are and changes only the rule O(lifecycle_rule_id).
  - Deleting the bucket is not this module's job (see M(amazon.aws.s3_bucket) with O(amazon.aws.s3_bucket#module:state=absent)).
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name:
    description:
      - "The bucket name: 3 to 63 lowercase letters, digits, dots or hyphens (see General purpose bucket naming
        rules)."
    type: str
    required: true
  policy:
    description:
      - The bucket policy document (a dict, or its JSON text), for example from the filter
        P(flowlogs.aws.s3_delivery_bucket_policy#filter). It replaces the bucket's policy when it differs.
      - Omitted - the policy is left as it is.
    type: json
  encryption:
    description:
      - Default encryption. V(AES256) is SSE-S3; V(aws:kms) is SSE-KMS with O(encryption_key_id).
    type: str
    choices: [AES256, "aws:kms"]
    default: AES256
  encryption_key_id:
    description:
      - The ARN of the KMS key for V(aws:kms). Its key policy must let the writers of the bucket use it.
      - Omitted with V(aws:kms) - the AWS managed key C(aws/s3).
    type: str
  bucket_key_enabled:
    description:
      - With V(aws:kms), whether S3 Bucket Keys are used. Omitted - left as it is.
    type: bool
  object_ownership:
    description:
      - The object ownership setting. V(BucketOwnerEnforced) disables ACLs (Security Hub S3.12).
    type: str
    choices: [BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter]
    default: BucketOwnerEnforced
  versioning:
    description:
      - V(true) enables versioning; V(false) suspends it if it is enabled (a bucket never versioned stays so).
    type: bool
    default: true
  object_lock_enabled:
    description:
      - Create the bucket with Object Lock. The module turns Object Lock on only when it creates the bucket; for an
        existing bucket without it, V(true) is an error naming this option and nothing is changed.
      - V(false) leaves the Object Lock of an existing bucket as it is (it cannot be turned off).
    type: bool
    default: false
  object_lock_default_retention:
    description:
      - The default retention of new objects; needs O(object_lock_enabled). Omitted - left as it is.
    type: dict
    suboptions:
      mode:
        description: The retention mode.
        type: str
        choices: [GOVERNANCE, COMPLIANCE]
        required: true
      days:
        description: The retention in days (1 or more).
        type: int
        required: true
  lifecycle_rule_id:
    description:
      - The ID of the lifecycle rule the module manages; rules of other IDs are kept as they are.
    type: str
    default: flowlogs-retention
  lifecycle_rule:
    description:
      - The lifecycle rule O(lifecycle_rule_id), enabled, for the objects under O(lifecycle_rule.prefix). It needs at
        least one action.
      - Omitted or empty - the rule O(lifecycle_rule_id) is removed if the bucket has it (and the lifecycle
        configuration with it when no other rule is left).
    type: dict
    suboptions:
      prefix:
        description: The key prefix the rule applies to; empty for the whole bucket.
        type: str
        default: ""
      transitions:
        description:
          - Transitions to other storage classes. V(STANDARD_IA) and V(ONEZONE_IA) come at 30 days or later.
        type: list
        elements: dict
        suboptions:
          days:
            description: Days after creation.
            type: int
            required: true
          storage_class:
            description: The storage class (case does not matter).
            type: str
            required: true
      expiration_days:
        description: Days after creation when objects expire; more than every transition.
        type: int
      noncurrent_version_expiration_days:
        description: Days after which noncurrent versions are deleted.
        type: int
      abort_incomplete_multipart_upload_days:
        description: Days after which incomplete multipart uploads are aborted.
        type: int
extends_documentation_fragment:
  - flowlogs.aws.ownership
  - flowlogs.aws.ownership.tags
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - The bucket is created in the region of the connection (no C(LocationConstraint) in us-east-1, as CreateBucket
    requires), with the object ownership setting and, if asked, Object Lock.
  - Check mode reads the bucket and reports what would be created or changed (RV(changes)) and changes nothing.
    Diff mode shows the bucket before and after.
  - RV(bucket) after a change is what the module wrote; S3 applies bucket settings with eventual consistency, so
    a read right after may still show the earlier value.
  - "IAM permissions: C(s3:GetBucketTagging), C(s3:GetBucketPolicy), C(s3:GetBucketPublicAccessBlock),
    C(s3:GetBucketOwnershipControls), C(s3:GetEncryptionConfiguration), C(s3:GetBucketVersioning),
    C(s3:GetBucketObjectLockConfiguration), C(s3:GetLifecycleConfiguration), C(s3:CreateBucket), C(s3:ListBucket)
    (HeadBucket), C(s3:PutBucketPublicAccessBlock), C(s3:PutBucketPolicy), C(s3:PutBucketOwnershipControls),
    C(s3:PutEncryptionConfiguration), C(s3:PutBucketVersioning), C(s3:PutBucketObjectLockConfiguration),
    C(s3:PutBucketTagging), C(s3:PutLifecycleConfiguration)."
seealso:
  - name: General purpose bucket naming rules
    description: The names S3 accepts.
    link: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
  - name: CreateBucket
    description: The region's LocationConstraint, Object Lock and object ownership at creation.
    link: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
  - name: PutBucketLifecycleConfiguration
    description: The lifecycle configuration replaces the existing one as a whole.
    link: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
  - module: amazon.aws.s3_bucket
  - module: flowlogs.aws.s3_bucket_contents_info
"""

EXAMPLES = r"""
- name: A flow-log bucket with its delivery policy, SSE-KMS and a retention rule
  flowlogs.aws.s3_flow_log_bucket:
    name: my-flow-logs
    policy: "{{ 'my-flow-logs' | flowlogs.aws.s3_delivery_bucket_policy(['123456789012'], ['eu-west-1'], 'vpc') }}"
    encryption: "aws:kms"
    encryption_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    bucket_key_enabled: true
    tags:
      env: prod
    lifecycle_rule:
      prefix: vpc/
      transitions:
        - days: 30
          storage_class: GLACIER
      expiration_days: 365
      noncurrent_version_expiration_days: 30
      abort_incomplete_multipart_upload_days: 7
  register: bucket

- name: Stop when the bucket belongs to someone else
  ansible.builtin.assert:
    that: not bucket.foreign
    fail_msg: the bucket my-flow-logs was not created by flowlogs.aws

- name: A bucket with Object Lock, one day of GOVERNANCE retention by default
  flowlogs.aws.s3_flow_log_bucket:
    name: my-locked-flow-logs
    object_lock_enabled: true
    object_lock_default_retention:
      mode: GOVERNANCE
      days: 1
"""

RETURN = r"""
bucket:
  description:
    - The bucket after the task (what it would be, in check mode); only C(name), C(tags) and C(managed) for a
      foreign bucket.
  returned: always
  type: dict
  contains:
    name:
      description: The name.
      type: str
      sample: my-flow-logs
    tags:
      description: The tags.
      type: dict
      sample: {managed-by: flowlogs.aws, env: prod}
    managed:
      description: Whether the bucket carries the C(managed-by=flowlogs.aws) marker.
      type: bool
      sample: true
    policy:
      description: The bucket policy document; V(null) when there is none.
      type: dict
      sample: {Version: "2012-10-17", Statement: []}
    public_access_block:
      description: The Block Public Access settings.
      type: dict
      sample: {BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
    object_ownership:
      description: The object ownership setting.
      type: str
      sample: BucketOwnerEnforced
    encryption:
      description: The default encryption rule, as GetBucketEncryption returns it.
      type: dict
      sample: {ApplyServerSideEncryptionByDefault: {SSEAlgorithm: AES256}, BucketKeyEnabled: false}
    versioning:
      description: V(Enabled), V(Suspended), or V(null) for a bucket never versioned.
      type: str
      sample: Enabled
    object_lock_enabled:
      description: Whether Object Lock is on (only when O(object_lock_enabled=true)).
      type: bool
      sample: true
    object_lock_default_retention:
      description: The default retention (only when O(object_lock_enabled=true)).
      type: dict
      sample: {Mode: GOVERNANCE, Days: 1}
    lifecycle_rules:
      description: Every lifecycle rule of the bucket.
      type: list
      elements: dict
      sample: [{ID: flowlogs-retention, Filter: {Prefix: vpc/}, Status: Enabled, Expiration: {Days: 365}}]
foreign:
  description:
    - V(true) when the bucket exists without the C(managed-by=flowlogs.aws) tag and O(adopt=false); it was left exactly
      as it is.
  returned: always
  type: bool
  sample: false
changes:
  description: What was (in check mode, would be) created or changed, in the order of the calls.
  returned: always
  type: list
  elements: str
  sample: [create the bucket my-flow-logs, block all public access, set the bucket policy, set the tags]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.flowlogs.aws.plugins.module_utils.planned_resource import PlannedResource
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import READERS
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import AnsibleS3BucketError
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import S3BucketError
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import apply_change
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import create_bucket
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import desired_bucket
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import get_tags
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import normalize
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import plan_present
from ansible_collections.flowlogs.aws.plugins.module_utils.s3_buckets import wait_for_bucket


class BucketManager(PlannedResource):
    """Read the bucket, plan, stop in check mode, then act."""

    RESULT = "bucket"

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.results = {"changed": False, "bucket": {}, "foreign": False, "changes": []}
        try:
            self.desired = desired_bucket(self.params)
        except S3BucketError as e:
            module.fail_json(msg="Invalid bucket parameters: {0}".format(e), problems=e.problems)
        self.name = self.desired["name"]
        # S3 throttles with SlowDown (503) and answers OperationAborted to a conflicting change in progress.
        self.client = module.client(
            "s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["SlowDown", "OperationAborted"]))

    def current(self):
        """The bucket as normalize() gives it, or None. A foreign bucket is not read beyond its tags."""
        tags = get_tags(self.client, self.name)
        if tags is None:
            return None
        bucket = normalize(self.name, tags, {})
        if not bucket["managed"] and not self.params["adopt"]:
            return bucket
        reads = {}
        for setting, reader in READERS:
            if setting == "object_lock" and not self.desired["object_lock_enabled"]:
                continue
            if setting == "policy" and self.desired["policy"] is None:
                continue
            reads[setting] = reader(self.client, self.name)
        return normalize(self.name, tags, reads)

    def ensure_present(self):
        current = self.current()
        plan = plan_present(current, self.desired, self.params["adopt"])
        self.results["changes"] = plan["messages"]
        if not self.record_plan(current, plan):
            return
        if plan["create"]:
            create_bucket(self.client, self.desired, self.module.region)
            wait_for_bucket(self.client, self.name)
        for change in plan["changes"]:
            apply_change(self.client, self.name, change)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        policy=dict(type="json"),
        encryption=dict(type="str", default="AES256", choices=["AES256", "aws:kms"]),
        encryption_key_id=dict(type="str", no_log=False),
        bucket_key_enabled=dict(type="bool"),
        object_ownership=dict(type="str", default="BucketOwnerEnforced",
                              choices=["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]),
        versioning=dict(type="bool", default=True),
        object_lock_enabled=dict(type="bool", default=False),
        object_lock_default_retention=dict(type="dict", options=dict(
            mode=dict(type="str", required=True, choices=["GOVERNANCE", "COMPLIANCE"]),
            days=dict(type="int", required=True),
        )),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        lifecycle_rule_id=dict(type="str", default="flowlogs-retention"),
        lifecycle_rule=dict(type="dict", options=dict(
            prefix=dict(type="str", default=""),
            transitions=dict(type="list", elements="dict", options=dict(
                days=dict(type="int", required=True),
                storage_class=dict(type="str", required=True),
            )),
            expiration_days=dict(type="int"),
            noncurrent_version_expiration_days=dict(type="int"),
            abort_incomplete_multipart_upload_days=dict(type="int"),
        )),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    manager = BucketManager(module)
    try:
        manager.ensure_present()
    except AnsibleS3BucketError as e:
        e.message = "{0} of the bucket {1}".format(e.message, manager.name)
        module.fail_json_aws_error(e)
    module.exit_json(**manager.results)


if __name__ == "__main__":
    main()
