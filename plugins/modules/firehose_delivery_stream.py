#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: firehose_delivery_stream
short_description: Manage an Amazon Data Firehose delivery stream that writes to S3, ready for flow-log delivery
version_added: 0.2.0
description:
  - Creates, updates and deletes an Amazon Data Firehose (Kinesis Data Firehose) C(DirectPut) delivery stream whose
    destination is an S3 bucket (C(ExtendedS3DestinationConfiguration)).
  - Server-side encryption of the stream is on by default (an AWS owned key, or the customer managed key
    O(encryption_key_arn)); O(encryption=false) turns it off, with a warning.
  - The stream carries the tag C(LogDeliveryEnabled=true), which flow logs and other vended logs need to deliver
    to it (the service-linked role C(AWSServiceRoleForLogDelivery) may only write to streams with that tag, see
    "Publish flow logs to Amazon Data Firehose" in the Amazon VPC User Guide and "Logs sent to Firehose" in the
    Amazon CloudWatch Logs User Guide). The module never removes it.
  - The destination is compared with the existing stream and updated in place (C(UpdateDestination)); encryption
    with C(StartDeliveryStreamEncryption) or C(StopDeliveryStreamEncryption); tags with C(TagDeliveryStream) and
    C(UntagDeliveryStream). An unchanged re-run only reads.
  - Every parameter is validated before any API call. With O(wait=true) the module waits until a created or updated
    stream is C(ACTIVE) and a deleted one is gone.
  - Deleting the stream keeps the bucket and everything it delivered.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) creates or updates the stream; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The delivery stream name, 1 to 64 letters, digits, C(.), C(_) or C(-).
    type: str
    required: true
  bucket_arn:
    description:
      - The ARN of the destination bucket, V(arn:aws:s3:::BUCKET). Required with O(state=present).
    type: str
  role_arn:
    description:
      - The ARN of the IAM role Firehose assumes to write to the bucket (see "Grant Firehose access to an Amazon S3
        destination" in the Amazon Data Firehose Developer Guide for its permissions). Required with O(state=present).
    type: str
  prefix:
    description:
      - The S3 key prefix of delivered objects; empty for Firehose's default (C(YYYY/MM/dd/HH/)).
    type: str
    default: ""
  error_output_prefix:
    description:
      - The S3 key prefix of records Firehose could not deliver.
    type: str
    default: ""
  buffering_size:
    description:
      - Buffer size in MiB before a delivery, 1 to 128.
    type: int
    default: 5
  buffering_interval:
    description:
      - Buffer time in seconds before a delivery, 0 to 900.
    type: int
    default: 300
  compression_format:
    description:
      - How delivered objects are compressed.
    type: str
    choices: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]
    default: GZIP
  encryption:
    description:
      - Server-side encryption of the data held by the stream. V(false) is weaker (it fails the Security Hub control
        Firehose.1, "Firehose delivery streams should be encrypted at rest") and is warned about.
    type: bool
    default: true
  encryption_key_arn:
    description:
      - A customer managed KMS key ARN for the stream's server-side encryption; empty for an AWS owned key.
    type: str
    default: ""
  wait:
    description:
      - Wait until the stream is C(ACTIVE) after a change, and gone after a deletion.
    type: bool
    default: true
  wait_timeout:
    description:
      - How long to wait, in seconds.
    type: int
    default: 600
notes:
  - Check mode reports what would change and changes nothing. Diff mode shows the stream before and after.
  - A stream with the name O(name) but without the tag C(managed-by=flowlogs.aws) is neither changed nor deleted and
    is listed in RV(foreign), unless O(adopt=true).
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - flowlogs.aws.ownership
"""

EXAMPLES = r"""
- name: A delivery stream for flow logs, writing gzip objects to a bucket
  flowlogs.aws.firehose_delivery_stream:
    name: vpc-flow-logs
    bucket_arn: arn:aws:s3:::flow-logs-123456789012
    role_arn: arn:aws:iam::123456789012:role/flow-logs-firehose
    prefix: firehose/
    error_output_prefix: firehose-errors/
    tags:
      team: network

- name: Encrypted with a customer managed key
  flowlogs.aws.firehose_delivery_stream:
    name: vpc-flow-logs
    bucket_arn: arn:aws:s3:::flow-logs-123456789012
    role_arn: arn:aws:iam::123456789012:role/flow-logs-firehose
    encryption_key_arn: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab

- name: Delete it (the bucket and its objects stay)
  flowlogs.aws.firehose_delivery_stream:
    name: vpc-flow-logs
    state: absent
"""

RETURN = r"""
delivery_stream:
  description: The stream after the run (with O(state=present)); in check mode, what it would be.
  returned: when state is present
  type: dict
  contains:
    name:
      description: The stream name.
      type: str
      sample: vpc-flow-logs
    arn:
      description: The stream ARN, what a flow log's C(log_destination) takes.
      type: str
      sample: arn:aws:firehose:us-east-1:123456789012:deliverystream/vpc-flow-logs
    status:
      description: C(CREATING), C(ACTIVE), ...; empty in check mode for a stream not created yet.
      type: str
      sample: ACTIVE
    bucket_arn:
      description: The destination bucket.
      type: str
      sample: arn:aws:s3:::flow-logs-123456789012
    role_arn:
      description: The role Firehose assumes.
      type: str
      sample: arn:aws:iam::123456789012:role/flow-logs-firehose
    prefix:
      description: The S3 key prefix.
      type: str
      sample: firehose/
    compression_format:
      description: The compression of delivered objects.
      type: str
      sample: GZIP
    encryption:
      description: Server-side encryption of the stream (C(status), C(key_type), C(key_arn)).
      type: dict
      sample: {"status": "ENABLED", "key_type": "AWS_OWNED_CMK", "key_arn": null}
    tags:
      description: The stream's tags.
      type: dict
      sample: {"managed-by": "flowlogs.aws", "LogDeliveryEnabled": "true"}
changes:
  description: What was changed (or, in check mode, would be).
  returned: always
  type: list
  elements: str
  sample: ["create delivery stream vpc-flow-logs"]
foreign:
  description: The stream, when it exists without the ownership tag and O(adopt=false) (then left alone).
  returned: always
  type: list
  elements: str
  sample: []
"""

import time

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import LOG_DELIVERY_TAG
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import current_destination
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import desired_destination
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import desired_encryption
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import destination_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import encryption_difference
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import stream_name_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import stream_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import stream_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import marker_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AnsibleAWSError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import FirehoseErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import foreign
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run

# Tags the module always wants, whatever tags and purge_tags say.
_KEPT_TAGS = dict(LOG_DELIVERY_TAG)
_POLL_SECONDS = 5
_ROLE_PROPAGATION_SECONDS = 60


class DeliveryStream(StateManager):
    """Describe what exists, compute the change, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["name"]
        self.results = {"changed": False, "changes": [], "foreign": []}
        self._validate()
        self.client = client(module, "firehose")

    def _validate(self):
        p = self.params
        if p["state"] == "absent":
            problems = stream_name_problems(self.name)
        else:
            problems = stream_problems(p) + marker_problems(p["tags"])
            if LOG_DELIVERY_TAG.keys() & (p["tags"] or {}).keys() and (p["tags"] or {}).get("LogDeliveryEnabled") != "true":
                problems.append("tags.LogDeliveryEnabled: is set to 'true' by the module (flow-log delivery needs it)")
        if problems:
            self.module.fail_json(msg="Invalid firehose_delivery_stream parameters: {0}".format("; ".join(problems)),
                                  problems=problems)
        if p["state"] == "present" and not p["encryption"]:
            self.module.warn("encryption: false leaves the delivery stream {0} unencrypted at rest (Security Hub "
                             "Firehose.1)".format(self.name))

    # ---- AWS calls (each names its operation when it fails) ----------------------------------

    @FirehoseErrors.list_error_handler("read the delivery stream (DescribeDeliveryStream)")
    def _describe(self):
        return self.client.describe_delivery_stream(aws_retry=True, DeliveryStreamName=self.name)["DeliveryStreamDescription"]

    @FirehoseErrors.common_error_handler("read the tags of the delivery stream (ListTagsForDeliveryStream)")
    def _tags(self):
        tags, start = [], None
        while True:
            kwargs = {"ExclusiveStartTagKey": start} if start else {}
            page = self.client.list_tags_for_delivery_stream(aws_retry=True, DeliveryStreamName=self.name, **kwargs)
            tags.extend(page.get("Tags") or [])
            if not page.get("HasMoreTags") or not page.get("Tags"):
                return boto3_tag_list_to_ansible_dict(tags)
            start = page["Tags"][-1]["Key"]

    @FirehoseErrors.common_error_handler("create the delivery stream (CreateDeliveryStream)")
    def _create(self, destination, encryption, tags):
        kwargs = {"DeliveryStreamEncryptionConfigurationInput": encryption} if encryption else {}
        # A role created moments ago may not be assumable yet (IAM is eventually consistent):
        # Firehose then answers InvalidArgumentException naming the role. Retried for a while.
        deadline = time.time() + _ROLE_PROPAGATION_SECONDS
        while True:
            try:
                self.client.create_delivery_stream(
                    aws_retry=True, DeliveryStreamName=self.name, DeliveryStreamType="DirectPut",
                    ExtendedS3DestinationConfiguration=destination, Tags=ansible_dict_to_boto3_tag_list(tags), **kwargs)
                return
            except Exception as error:  # pylint: disable=broad-exception-caught
                answer = getattr(error, "response", None) or {}
                code = answer.get("Error", {}).get("Code")
                message = answer.get("Error", {}).get("Message", "")
                if code != "InvalidArgumentException" or "role" not in message.lower() or time.time() >= deadline:
                    raise
            time.sleep(_POLL_SECONDS)

    @FirehoseErrors.common_error_handler("update the delivery stream's destination (UpdateDestination)")
    def _update_destination(self, current, destination):
        destination_id, _s3 = current_destination(current)
        self.client.update_destination(
            aws_retry=True, DeliveryStreamName=self.name, CurrentDeliveryStreamVersionId=current["VersionId"],
            DestinationId=destination_id, ExtendedS3DestinationUpdate=destination)

    @FirehoseErrors.common_error_handler("encrypt the delivery stream (StartDeliveryStreamEncryption)")
    def _start_encryption(self, encryption):
        self.client.start_delivery_stream_encryption(
            aws_retry=True, DeliveryStreamName=self.name, DeliveryStreamEncryptionConfigurationInput=encryption)

    @FirehoseErrors.common_error_handler("stop encrypting the delivery stream (StopDeliveryStreamEncryption)")
    def _stop_encryption(self):
        self.client.stop_delivery_stream_encryption(aws_retry=True, DeliveryStreamName=self.name)

    @FirehoseErrors.common_error_handler("tag the delivery stream (TagDeliveryStream)")
    def _tag(self, tags):
        self.client.tag_delivery_stream(aws_retry=True, DeliveryStreamName=self.name,
                                        Tags=ansible_dict_to_boto3_tag_list(tags))

    @FirehoseErrors.common_error_handler("untag the delivery stream (UntagDeliveryStream)")
    def _untag(self, keys):
        self.client.untag_delivery_stream(aws_retry=True, DeliveryStreamName=self.name, TagKeys=list(keys))

    @FirehoseErrors.deletion_error_handler("delete the delivery stream (DeleteDeliveryStream)")
    def _delete(self):
        self.client.delete_delivery_stream(aws_retry=True, DeliveryStreamName=self.name)
        return True

    # ---- waiting -----------------------------------------------------------------------------

    def _wait(self, gone=False):
        """Poll DescribeDeliveryStream until ACTIVE (with encryption settled) or, with gone, not found."""
        if not self.params["wait"]:
            return self._describe()
        deadline = time.time() + self.params["wait_timeout"]
        while True:
            current = self._describe()
            if gone and current is None:
                return None
            if not gone:
                if current is None:
                    raise AnsibleAWSError(message="Delivery stream {0} vanished while waiting for it".format(self.name))
                status = current.get("DeliveryStreamStatus")
                if status.endswith("_FAILED"):
                    raise AnsibleAWSError(message="Delivery stream {0} is {1}: {2}".format(
                        self.name, status, current.get("FailureDescription") or "no reason given"))
                encryption = (current.get("DeliveryStreamEncryptionConfiguration") or {}).get("Status", "DISABLED")
                if encryption.endswith("_FAILED"):
                    raise AnsibleAWSError(message="Encryption of delivery stream {0} is {1}".format(self.name, encryption))
                if status == "ACTIVE" and encryption in ("ENABLED", "DISABLED"):
                    return current
            if time.time() >= deadline:
                raise AnsibleAWSError(message="Timed out after {0} s waiting for delivery stream {1} to be {2}".format(
                    self.params["wait_timeout"], self.name, "deleted" if gone else "ACTIVE"))
            time.sleep(_POLL_SECONDS)

    def _foreign(self, current_tags):
        return foreign(self.module, self.results, "Delivery stream", self.name, current_tags)

    # ---- present -----------------------------------------------------------------------------

    def ensure_present(self):
        destination = desired_destination(self.params)
        encryption = desired_encryption(self.params)
        wanted_tags = with_marker(self.params["tags"])
        wanted_tags.update(_KEPT_TAGS)
        current = self._describe()
        if current is None:
            current_tags, to_set, to_unset = {}, dict((k, to_text(v)) for k, v in wanted_tags.items()), []
            changes, encryption_change = ["create delivery stream {0}".format(self.name)], None
        else:
            current_tags = self._tags()
            if self._foreign(current_tags):
                self.results["delivery_stream"] = stream_summary(current, current_tags)
                return
            if current.get("DeliveryStreamStatus") != "ACTIVE":
                current = self._wait()
            changes = destination_differences(current, destination)
            encryption_change = encryption_difference(current, encryption)
            if encryption_change:
                changes.append("{0} server-side encryption".format(encryption_change))
            to_set, to_unset = compare_aws_tags(current_tags, wanted_tags,
                                                self.params["purge_tags"] and self.params["tags"] is not None)
            if to_unset:
                changes.append("remove tags {0}".format(", ".join(sorted(to_unset))))
            if to_set:
                changes.append("set tags {0}".format(", ".join(sorted(to_set))))
        final_tags = dict((k, v) for k, v in current_tags.items() if k not in to_unset)
        final_tags.update((k, to_text(v)) for k, v in to_set.items())
        after = self._summary_of_desired(current, destination, encryption, final_tags)
        if self.module._diff:
            self.results["diff"] = {"before": stream_summary(current, current_tags) if current else {}, "after": after}
        if not changes:
            self.results["delivery_stream"] = stream_summary(current, current_tags)
            return
        if self.module.check_mode:
            self.results.update(changed=True, changes=changes, delivery_stream=after)
            return
        if current is None:
            self._create(destination, encryption, to_set)
            self._done(changes[0])
        else:
            if destination_differences(current, destination):
                self._update_destination(current, destination)
                for change in destination_differences(current, destination):
                    self._done(change)
            if encryption_change == "start":
                self._start_encryption(encryption)
                self._done("start server-side encryption")
            elif encryption_change == "stop":
                self._stop_encryption()
                self._done("stop server-side encryption")
            if to_unset:
                self._untag(to_unset)
                self._done("remove tags {0}".format(", ".join(sorted(to_unset))))
            if to_set:
                self._tag(to_set)
                self._done("set tags {0}".format(", ".join(sorted(to_set))))
        self.results["delivery_stream"] = stream_summary(self._wait(), self._tags())

    def _summary_of_desired(self, current, destination, encryption, tags):
        described = {
            "DeliveryStreamName": self.name,
            "DeliveryStreamARN": (current or {}).get("DeliveryStreamARN"),
            "DeliveryStreamStatus": (current or {}).get("DeliveryStreamStatus", ""),
            "Destinations": [{"DestinationId": "", "ExtendedS3DestinationDescription": destination}],
        }
        if encryption:
            described["DeliveryStreamEncryptionConfiguration"] = dict(encryption, Status="ENABLED")
        return stream_summary(described, tags)

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        current = self._describe()
        if current is None or self._foreign(self._tags()):
            return
        if self.module._diff:
            self.results["diff"] = {"before": stream_summary(current, {}), "after": {}}
        change = "delete delivery stream {0}".format(self.name)
        if self.module.check_mode:
            self.results.update(changed=True, changes=[change])
            return
        if self._delete():
            self._done(change)
        self._wait(gone=True)


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True),
        bucket_arn=dict(type="str"),
        role_arn=dict(type="str"),
        prefix=dict(type="str", default=""),
        error_output_prefix=dict(type="str", default=""),
        buffering_size=dict(type="int", default=5),
        buffering_interval=dict(type="int", default=300),
        compression_format=dict(type="str", default="GZIP",
                                choices=["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"]),
        encryption=dict(type="bool", default=True),
        encryption_key_arn=dict(type="str", default="", no_log=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("bucket_arn", "role_arn"))],
    )
    run(module, DeliveryStream(module), "delivery stream {0}".format(module.params["name"]))


if __name__ == "__main__":
    main()
