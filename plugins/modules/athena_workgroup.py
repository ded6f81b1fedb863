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
  - The workgroup the module creates carries the tag C(managed-by=flowlogs.aws). A workgroup with the name O(name)
    but without that tag (the C(primary) workgroup, or one made by hand) is neither changed nor deleted and is
    listed in RV(foreign), unless O(adopt=true).
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
  - flowlogs.aws.ownership
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
foreign:
  description:
    - The workgroup's name when a workgroup of that name exists without the C(managed-by=flowlogs.aws) tag; it was
      left exactly as it is. Empty with O(adopt=true), which takes it over.
  returned: always
  type: list
  elements: str
  sample: [primary]
changes:
  description:
    - What was (or would be) created, updated or deleted.
    - When the module fails, what was done before the failure.
  returned: always
  type: list
  elements: str
  sample: ["publish_cloudwatch_metrics: False -> True"]
"""

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_workgroup_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import configuration_updates
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import desired_workgroup
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import marker_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AnsibleAWSError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AthenaErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import caller_account
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import foreign
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run

PRIMARY = "primary"


class AthenaWorkgroup(StateManager):
    """Describe what exists, compute the change, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["name"]
        self.results = {"changed": False, "workgroup": {}, "changes": [], "foreign": []}
        self.desired = self._validate()
        self.client = client(module, "athena")
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
        problems = marker_problems(p["tags"])
        try:
            desired = desired_workgroup(
                self.name, p["output_location"], p["encryption"], p["kms_key"], p["enforce_workgroup_configuration"],
                p["publish_cloudwatch_metrics"], p["bytes_scanned_cutoff"], p["description"], p["enabled"])
        except AthenaParameterError as error:
            problems.extend(error.problems)
        if problems:
            self.module.fail_json(msg="Invalid athena_workgroup parameters: {0}".format("; ".join(problems)),
                                  problems=problems)
        return desired

    def arn(self):
        if self._arn is None:
            account_id, partition = caller_account(self.module)
            self._arn = "arn:{0}:athena:{1}:{2}:workgroup/{3}".format(partition, self.module.region, account_id, self.name)
        return self._arn

    # ---- AWS calls (each names its operation when it fails) ----------------------------------

    @AthenaErrors.list_error_handler("read the Athena workgroup (GetWorkGroup)")
    def _get(self):
        return self.client.get_work_group(aws_retry=True, WorkGroup=self.name)["WorkGroup"]

    @AthenaErrors.common_error_handler("read the tags of the Athena workgroup (ListTagsForResource)")
    def _tags(self):
        paginator = self.client.get_paginator("list_tags_for_resource")
        tags = paginator.paginate(ResourceARN=self.arn()).build_full_result().get("Tags", [])
        return boto3_tag_list_to_ansible_dict(tags)

    @AthenaErrors.common_error_handler("create the Athena workgroup (CreateWorkGroup)")
    def _create(self, tags):
        self.client.create_work_group(aws_retry=True, Name=self.name, Configuration=self.desired["Configuration"],
                                      Description=self.desired["Description"],
                                      Tags=ansible_dict_to_boto3_tag_list(tags))

    @AthenaErrors.common_error_handler("update the Athena workgroup (UpdateWorkGroup)")
    def _update(self, **kwargs):
        self.client.update_work_group(aws_retry=True, WorkGroup=self.name, **kwargs)

    @AthenaErrors.common_error_handler("untag the Athena workgroup (UntagResource)")
    def _untag(self, keys):
        self.client.untag_resource(aws_retry=True, ResourceARN=self.arn(), TagKeys=list(keys))

    @AthenaErrors.common_error_handler("tag the Athena workgroup (TagResource)")
    def _tag(self, tags):
        self.client.tag_resource(aws_retry=True, ResourceARN=self.arn(), Tags=ansible_dict_to_boto3_tag_list(tags))

    # Not deletion_error_handler: DeleteWorkGroup of a workgroup that is not empty is an InvalidRequestException too.
    @AthenaErrors.common_error_handler("delete the Athena workgroup (DeleteWorkGroup)")
    def _delete(self):
        self.client.delete_work_group(aws_retry=True, WorkGroup=self.name,
                                      RecursiveDeleteOption=self.params["force_delete"])

    def _foreign(self, current_tags):
        return foreign(self.module, self.results, "Athena workgroup", self.name, current_tags)

    # ---- present -----------------------------------------------------------------------------

    def ensure_present(self):
        current = self._get()
        tags = self.params["tags"]
        changes = []
        if current is None:
            changes.append("create workgroup {0}".format(self.name))
            current_tags, to_set, to_unset = {}, dict((k, to_text(v)) for k, v in with_marker(tags).items()), []
        else:
            current_tags = self._tags()
            if self._foreign(current_tags):
                self.results["workgroup"] = dict(workgroup_summary(current, current_tags), arn=self.arn())
                return
            changes.extend(workgroup_differences(current, self.desired))
            # The marker is always wanted, whatever tags and purge_tags say (tags None: only the marker).
            to_set, to_unset = compare_aws_tags(current_tags, with_marker(tags),
                                                self.params["purge_tags"] and tags is not None)
            if to_unset:
                changes.append("remove tags {0}".format(", ".join(sorted(to_unset))))
            if to_set:
                changes.append("set tags {0}".format(", ".join(sorted(to_set))))
        final_tags = dict((k, v) for k, v in current_tags.items() if k not in to_unset)
        final_tags.update((k, to_text(v)) for k, v in to_set.items())
        if self.module._diff:
            self.results["diff"] = {
                "before": workgroup_summary(current, current_tags) if current else {},
                "after": workgroup_summary(self.desired, final_tags),
            }
        if not changes:
            self.results["workgroup"] = dict(workgroup_summary(current, current_tags), arn=self.arn())
            return
        if self.module.check_mode:
            self.results.update(changed=True, changes=changes, workgroup=workgroup_summary(self.desired, final_tags))
            return
        if current is None:
            self._create(to_set)
            self._done(changes.pop(0))
            if self.desired["State"] != "ENABLED":
                self._update(State=self.desired["State"])
        else:
            if workgroup_differences(current, self.desired):
                self._update(**configuration_updates(current, self.desired))
            settings = [c for c in changes if not c.startswith(("set tags ", "remove tags "))]
            for change in settings:
                self._done(change)
            if to_unset:
                self._untag(to_unset)
                self._done("remove tags {0}".format(", ".join(sorted(to_unset))))
            if to_set:
                self._tag(to_set)
                self._done("set tags {0}".format(", ".join(sorted(to_set))))
        self.results["workgroup"] = dict(workgroup_summary(self._get(), self._tags()), arn=self.arn())

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        current = self._get()
        if current is None or self._foreign(self._tags()):
            return
        if self.module._diff:
            self.results["diff"] = {"before": workgroup_summary(current), "after": {}}
        change = "delete workgroup {0}".format(self.name)
        if self.module.check_mode:
            self.results.update(changed=True, changes=[change])
            return
        try:
            self._delete()
        except AnsibleAWSError as error:
            if "not found" in str(error.exception).lower():
                return  # deleted meanwhile: the goal is reached
            if not self.params["force_delete"]:
                error.message += " (is it not empty? force_delete: true deletes its named queries and history too)"
            raise
        self._done(change)


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
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "present", ("output_location",))],
    )
    run(module, AthenaWorkgroup(module), "Athena workgroup {0}".format(module.params["name"]))


if __name__ == "__main__":
    main()
