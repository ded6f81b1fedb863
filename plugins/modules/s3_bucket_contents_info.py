#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_bucket_contents_info
short_description: Tell whether an S3 bucket holds anything, versions and delete markers included
version_added: 0.1.0
description:
  - Reads the first object versions and delete markers of a bucket with one C(ListObjectVersions) call and reports
    whether the bucket is empty in the sense C(DeleteBucket) uses ("all objects, including all object versions and
    delete markers, must be deleted before the bucket itself can be deleted", Amazon S3 API Reference, DeleteBucket).
  - A bucket without versioning answers the same call with its objects (version id C(null)), so one call covers both.
  - The P(flowlogs.aws.destination#role) role calls it before deleting a flow-log bucket, so that a bucket that still holds
    flow logs is kept (and said so) instead of failing in C(DeleteBucket) with C(BucketNotEmpty).
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name:
    description:
      - The bucket name.
    type: str
    required: true
  sample_size:
    description:
      - How many versions and delete markers to read and return in RV(sample) (1 to 1000).
    type: int
    default: 5
notes:
  - "IAM permission: C(s3:ListBucketVersions)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: amazon.aws.s3_bucket
"""

EXAMPLES = r"""
- name: Look into the flow-log bucket
  flowlogs.aws.s3_bucket_contents_info:
    name: flowlogs-archive
  register: contents

- name: Delete it only when empty
  amazon.aws.s3_bucket:
    name: flowlogs-archive
    state: absent
  when: contents.exists and contents.empty
"""

RETURN = r"""
exists:
  description: Whether the bucket exists.
  returned: always
  type: bool
  sample: true
empty:
  description: Whether the bucket holds no object, no object version and no delete marker (V(true) when it does not exist).
  returned: always
  type: bool
  sample: false
truncated:
  description: Whether the bucket holds more than RV(sample) shows.
  returned: always
  type: bool
  sample: true
sample:
  description: The first object versions and delete markers, at most O(sample_size) entries.
  returned: always
  type: list
  elements: dict
  contains:
    key:
      description: The object key.
      type: str
      sample: AWSLogs/123456789012/vpcflowlogs/eu-west-1/2026/01/01/file.log.gz
    version_id:
      description: The version id (V(null) in a bucket that never had versioning).
      type: str
      sample: 3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY
    is_latest:
      description: Whether this is the current version.
      type: bool
      sample: true
    delete_marker:
      description: Whether this entry is a delete marker.
      type: bool
      sample: false
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


class S3Errors(AWSErrorHandler):
    """S3 answers a bucket that does not exist with NoSuchBucket: not an error here."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NoSuchBucket")


@S3Errors.list_error_handler("list the object versions (ListObjectVersions) of the bucket")
def list_object_versions(client, bucket, max_keys):
    """The first page of versions and delete markers; None when the bucket does not exist.

    Any other ClientError or BotoCoreError (AccessDenied, a connection error...) becomes
    an AnsibleAWSError whose message names the operation.
    """
    return client.list_object_versions(Bucket=bucket, MaxKeys=max_keys, aws_retry=True)


def _entries(response):
    entries = [
        {"key": v.get("Key"), "version_id": v.get("VersionId"), "is_latest": bool(v.get("IsLatest")),
         "delete_marker": False}
        for v in response.get("Versions") or []
    ]
    entries += [
        {"key": m.get("Key"), "version_id": m.get("VersionId"), "is_latest": bool(m.get("IsLatest")),
         "delete_marker": True}
        for m in response.get("DeleteMarkers") or []
    ]
    return entries


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        sample_size=dict(type="int", default=5),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    bucket = module.params["name"]
    sample_size = module.params["sample_size"]
    if not 1 <= sample_size <= 1000:
        module.fail_json(msg="sample_size: must be 1 to 1000 (ListObjectVersions returns at most 1000), got {0}".format(sample_size))
    # S3 throttles with SlowDown (503), which AWSRetry does not retry by default.
    client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["SlowDown"]))
    try:
        response = list_object_versions(client, bucket, sample_size)
    except AnsibleAWSError as e:
        module.fail_json_aws(e.exception or e, msg="{0} {1}".format(e.message, bucket))
    if response is None:
        module.exit_json(changed=False, exists=False, empty=True, truncated=False, sample=[])
    entries = _entries(response)
    module.exit_json(
        changed=False,
        exists=True,
        empty=not entries,
        truncated=bool(response.get("IsTruncated")),
        sample=entries,
    )


if __name__ == "__main__":
    main()
