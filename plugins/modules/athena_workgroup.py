#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: athena_workgroup
short_description: Manage an Athena workgroup with an encrypted, enforced result location
version_added: 0.1.0
description:
  - Creates, updates and deletes an Amazon Athena workgroup.
  - The workgroup's query results go to O(output_location), encrypted with SSE-S3 or SSE-KMS (or CSE-KMS). With
    O(enforce_workgroup_configuration=true) (the default) these settings override whatever a client asks for,
    so results never land unencrypted or elsewhere.
  - Settings are compared with the existing workgroup and updated in place (C(UpdateWorkGroup)); tags are
    reconciled with C(TagResource) and C(UntagResource). An unchanged re-run only reads.
  - Every parameter is validated before any API call.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) creates or updates the workgroup; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The workgroup name (letters, digits, C(.), C(_) and C(-), at most 128).
      - The C(primary) workgroup can be configured but not deleted.
    type: str
    required: true
    aliases: [workgroup]
  description:
    description: The workgroup description.
    type: str
    default: ""
  output_location:
    description:
      - Where query results are written, an S3 URL such as V(s3://athena-results/flow-logs/). A trailing C(/) is added.
      - Required with O(state=present).
    type: str
  encryption:
    description:
      - How query results are encrypted.
    type: str
    choices: [SSE_S3, SSE_KMS, CSE_KMS]
    default: SSE_S3
  kms_key:
    description:
      - The KMS key ARN for O(encryption=SSE_KMS) or O(encryption=CSE_KMS).
    type: str
  enforce_workgroup_configuration:
    description:
      - Make the workgroup's result location and encryption override client-side settings.
    type: bool
    default: true
  publish_cloudwatch_metrics:
    description: Publish query metrics to CloudWatch.
    type: bool
    default: true
  bytes_scanned_cutoff:
    description:
      - Cancel any query of the workgroup that scans more than this many bytes (at least 10000000).
      - When omitted, an existing limit is removed.
    type: int
  enabled:
    description: Whether queries can run in the workgroup.
    type: bool
    default: true
  force_delete:
    description:
      - With O(state=absent), delete the workgroup together with its named queries and query history
        (C(RecursiveDeleteOption)). Without it, AWS refuses to delete a workgroup that is not empty.
    type: bool
    default: false
notes:
  - Check mode reports what would change and changes nothing. Diff mode shows the workgroup before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Workgroup for flow-log queries, results encrypted with SSE-S3
  flowlogs.aws.athena_workgroup:
    name: vpc-flow-logs
    description: Queries on VPC flow logs
    output_location: s3://athena-results-123456789012/flow-logs/
    tags:
      team: network

- name: Results encrypted with a KMS key, 10 GB scan limit per query
  flowlogs.aws.athena_workgroup:
    name: vpc-flow-logs
    output_location: s3://athena-results-123456789012/flow-logs/
    encryption: SSE_KMS
    kms_key: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    bytes_scanned_cutoff: 10000000000

- name: Delete the workgroup and its saved queries
  flowlogs.aws.athena_workgroup:
    name: vpc-flow-logs
    state: absent
    force_delete: true
"""

RETURN = r"""
workgroup:
  description: The workgroup (empty after O(state=absent)). In check mode, as it would be.
  returned: always
  type: dict
  contains:
    name:
      description: The workgroup name.
      type: str
      sample: vpc-flow-logs
    arn:
      description: The workgroup ARN.
      type: str
      sample: arn:aws:athena:us-east-1:123456789012:workgroup/vpc-flow-logs
    description:
      description: The description.
      type: str
      sample: Queries on VPC flow logs
    state:
      description: C(ENABLED) or C(DISABLED).
      type: str
      sample: ENABLED
    output_location:
      description: The result location.
      type: str
      sample: s3://athena-results-123456789012/flow-logs/
    encryption:
      description: The result encryption option.
      type: str
      sample: SSE_S3
    kms_key:
      description: The KMS key, for KMS encryption.
      type: str
    enforce_workgroup_configuration:
      description: Whether the workgroup settings override client settings.
      type: bool
      sample: true
    publish_cloudwatch_metrics:
      description: Whether query metrics go to CloudWatch.
      type: bool
      sample: true
    bytes_scanned_cutoff:
      description: The per-query scan limit in bytes, if any.
      type: int
    engine_version:
      description: The effective Athena engine version.
      type: str
      sample: Athena engine version 3
    tags:
      description: The workgroup's tags.
      type: dict
      sample: {team: network}
changes:
  description: What was (or would be) created, updated or deleted.
  returned: always
  type: list
  elements: str
  sample: ["publish_cloudwatch_metrics: False -> True"]
"""

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_workgroup_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import configuration_updates
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import desired_workgroup
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_summary

PRIMARY = "primary"
_AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) if "botocore" in globals() else ()


class AthenaWorkgroup:
    """Describe what exists, compute the change, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["name"]
        self.results = {"changed": False, "workgroup": {}, "changes": []}
        self.desired = self._validate()
        self.client = module.client("athena", retry_decorator=AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30))
        self._arn = None

    def _validate(self):
        p = self.params
        if p["state"] == "absent":
            problem = check_workgroup_name(self.name)
            if problem:
                self.module.fail_json(msg="Invalid athena_workgroup parameters: " + problem, problems=[problem])
            if self.name == PRIMARY:
                self.module.fail_json(msg="The primary workgroup cannot be deleted", problems=["name: primary"])
            return None
        try:
            return desired_workgroup(
                self.name, p["output_location"], p["encryption"], p["kms_key"], p["enforce_workgroup_configuration"],
                p["publish_cloudwatch_metrics"], p["bytes_scanned_cutoff"], p["description"], p["enabled"])
        except AthenaParameterError as error:
            self.module.fail_json(msg="Invalid athena_workgroup parameters: {0}".format(error), problems=error.problems)

    def arn(self):
        if self._arn is None:
            account_id, partition = get_aws_account_info(self.module)
            self._arn = "arn:{0}:athena:{1}:{2}:workgroup/{3}".format(partition, self.module.region, account_id, self.name)
        return self._arn

    def _get(self):
        try:
            return self.client.get_work_group(aws_retry=True, WorkGroup=self.name)["WorkGroup"]
        except is_boto3_error_code(["InvalidRequestException", "ResourceNotFoundException"]):
            return None
        except _AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to read Athena workgroup {0}".format(self.name))

    def _tags(self):
        try:
            paginator = self.client.get_paginator("list_tags_for_resource")
            tags = paginator.paginate(ResourceARN=self.arn()).build_full_result().get("Tags", [])
        except _AWS_ERRORS as e:
            self.module.fail_json_aws(e, msg="Failed to read the tags of Athena workgroup {0}".format(self.name))
        return boto3_tag_list_to_ansible_dict(tags)

    # ---- present -----------------------------------------------------------------------------

    def ensure_present(self):
        current = self._get()
        tags = self.params["tags"]
        changes = []
        if current is None:
            changes.append("create workgroup {0}".format(self.name))
            current_tags, to_set, to_unset = {}, dict((k, to_text(v)) for k, v in (tags or {}).items()), []
        else:
            changes.extend(workgroup_differences(current, self.desired))
            current_tags = self._tags()
            to_set, to_unset = {}, []
            if tags is not None:
                to_set, to_unset = compare_aws_tags(current_tags, tags, self.params["purge_tags"])
            if to_set:
                changes.append("set tags {0}".format(", ".join(sorted(to_set))))
            if to_unset:
                changes.append("remove tags {0}".format(", ".join(sorted(to_unset))))
        final_tags = dict((k, v) for k, v in current_tags.items() if k not in to_unset)
        final_tags.update((k, to_text(v)) for k, v in to_set.items())
        self.results.update(changed=bool(changes), changes=changes)
        if self.module._diff:
            self.results["diff"] = {
                "before": workgroup_summary(current, current_tags) if current else {},
                "after": workgroup_summary(self.desired, final_tags),
            }
        if not changes:
            self.results["workgroup"] = dict(workgroup_summary(current, current_tags), arn=self.arn())
            return
        if self.module.check_mode:
            self.results["workgroup"] = workgroup_summary(self.desired, final_tags)
            return
        try:
            if current is None:
                kwargs = dict(Name=self.name, Configuration=self.desired["Configuration"],
                              Description=self.desired["Description"])
                if tags:
                    kwargs["Tags"] = ansible_dict_to_boto3_tag_list(tags)
                self.client.create_work_group(aws_retry=True, **kwargs)
                if self.desired["State"] != "ENABLED":
                    self.client.update_work_group(aws_retry=True, WorkGroup=self.name, State=self.desired["State"])
            else:
                if workgroup_differences(current, self.desired):
                    self.client.update_work_group(aws_retry=True, WorkGroup=self.name,
                                                  **configuration_updates(current, self.desired))
                if to_unset:
                    self.client.untag_resource(aws_retry=True, ResourceARN=self.arn(), TagKeys=list(to_unset))
                if to_set:
                    self.client.tag_resource(aws_retry=True, ResourceARN=self.arn(),
                                             Tags=ansible_dict_to_boto3_tag_list(to_set))
        except _AWS_ERRORS as e:
            self.module.fail_json_aws(e, msg="Failed to {0} Athena workgroup {1}".format(
                "create" if current is None else "update", self.name), changes=changes)
        self.results["workgroup"] = dict(workgroup_summary(self._get(), self._tags()), arn=self.arn())

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        current = self._get()
        if current is None:
            return
        self.results.update(changed=True, changes=["delete workgroup {0}".format(self.name)])
        if self.module._diff:
            self.results["diff"] = {"before": workgroup_summary(current), "after": {}}
        if self.module.check_mode:
            return
        try:
            self.client.delete_work_group(aws_retry=True, WorkGroup=self.name,
                                          RecursiveDeleteOption=self.params["force_delete"])
        except is_boto3_error_code("InvalidRequestException") as e:
            if "not found" in str(e).lower():
                return  # deleted meanwhile
            self.module.fail_json_aws(e, msg="Failed to delete Athena workgroup {0}{1}".format(
                self.name, "" if self.params["force_delete"] else
                " (it is not empty? force_delete: true deletes its named queries and history too)"))
        except _AWS_ERRORS as e:  # pylint: disable=duplicate-except
            self.module.fail_json_aws(e, msg="Failed to delete Athena workgroup {0}".format(self.name))


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True, aliases=["workgroup"]),
        description=dict(type="str", default=""),
        output_location=dict(type="str"),
        encryption=dict(type="str", default="SSE_S3", choices=["SSE_S3", "SSE_KMS", "CSE_KMS"]),
        kms_key=dict(type="str", no_log=False),
        enforce_workgroup_configuration=dict(type="bool", default=True),
        publish_cloudwatch_metrics=dict(type="bool", default=True),
        bytes_scanned_cutoff=dict(type="int"),
        enabled=dict(type="bool", default=True),
        force_delete=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("output_location",))],
    )
    manager = AthenaWorkgroup(module)
    if module.params["state"] == "present":
        manager.ensure_present()
    else:
        manager.ensure_absent()
    module.exit_json(**manager.results)


if __name__ == "__main__":
    main()
