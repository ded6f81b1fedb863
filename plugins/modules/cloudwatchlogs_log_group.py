#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatchlogs_log_group
short_description: Manage a CloudWatch Logs log group that the collection owns, keeping its data safe
version_added: 0.2.0
description:
  - Create, update and delete a CloudWatch Logs log group, for example the destination of VPC flow logs.
  - Accepts every retention CloudWatch Logs accepts (including 1096, 2192, 2557, 2922 and 3288 days), the
    log group class (O(log_group_class)), a customer managed KMS key that can be associated and disassociated
    later, and tags with the ownership marker.
  - A log group without the C(managed-by=flowlogs.aws) tag is foreign - reported in RV(foreign) and left exactly
    as it is (no retention, key or tag change, never deleted) unless O(adopt=true).
  - With O(state=absent), a log group that holds data is kept unless O(force_delete=true); the result says so
    (RV(kept), RV(kept_reason)) and the task does not fail, so a teardown goes on.
  - Every parameter is validated before any API call. A re-run where nothing changed only reads.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name:
    description:
      - "The log group name: 1 to 512 letters, digits or C(. - _ / #), not starting with C(aws/)."
    type: str
    required: true
    aliases: [log_group_name]
  state:
    description:
      - V(present) creates the log group or brings it to the given settings.
      - V(absent) deletes it, if the collection owns it (or O(adopt=true)) and it holds no data (or
        O(force_delete=true)).
    type: str
    choices: [present, absent]
    default: present
  retention_days:
    description:
      - Days CloudWatch Logs keeps log events, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
        1096, 1827, 2192, 2557, 2922, 3288 or 3653 (the values C(PutRetentionPolicy) accepts).
      - Omitted or V(null) - events never expire (C(DeleteRetentionPolicy)).
      - When an account-level retention policy applies to the group, C(DescribeLogGroups) shows that policy's
        retention instead of the group's own; the module then leaves the group's retention alone and returns
        RV(log_group.retention_policy_name).
    type: int
  log_group_class:
    description:
      - The log group class. V(INFREQUENT_ACCESS) costs less but lacks some features, among them metric filters
        and subscription filters (see the Log classes page linked below); Logs Insights queries work on both.
      - CloudWatch Logs sets the class only at creation. A different class on an existing log group is an error
        naming this option, and nothing is changed.
    type: str
    choices: [STANDARD, INFREQUENT_ACCESS]
    default: STANDARD
  kms_key_id:
    description:
      - ARN of a symmetric customer managed KMS key that encrypts newly ingested events (C(AssociateKmsKey)). Its
        key policy must let C(logs.REGION.amazonaws.com) use it.
      - An empty string disassociates the key of an existing group (C(DisassociateKmsKey)); events encrypted with it
        stay encrypted with it.
      - Omitted - the key of an existing group is left as it is.
    type: str
  force_delete:
    description:
      - With O(state=absent), delete a log group that holds data - C(storedBytes) above 0, or any log stream
        (stream event times and C(storedBytes) are updated with a delay, so a stream may hold events not counted
        yet). Its log events are lost.
      - V(false) keeps such a group and reports RV(kept) and RV(kept_reason) without failing.
    type: bool
    default: false
extends_documentation_fragment:
  - flowlogs.aws.ownership
  - flowlogs.aws.ownership.tags
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Check mode reports what would be created, changed or deleted and changes nothing. Diff mode shows the log group
    before and after.
  - A log group with deletion protection is kept on O(state=absent) (RV(kept_reason) says why).
  - "IAM permissions: C(logs:DescribeLogGroups), C(logs:ListTagsForResource), C(logs:CreateLogGroup),
    C(logs:TagResource), C(logs:UntagResource), C(logs:PutRetentionPolicy), C(logs:DeleteRetentionPolicy),
    C(logs:AssociateKmsKey), C(logs:DisassociateKmsKey), C(logs:DescribeLogStreams), C(logs:DeleteLogGroup)."
seealso:
  - name: Log classes
    description: The features of the Standard and Infrequent Access log classes.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch_Logs_Log_Classes.html
  - name: PutRetentionPolicy
    description: The retention values CloudWatch Logs accepts.
    link: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
  - module: amazon.aws.cloudwatchlogs_log_group_info
"""

EXAMPLES = r"""
- name: A flow-log log group kept for ten years in the Infrequent Access class, encrypted with a key of mine
  flowlogs.aws.cloudwatchlogs_log_group:
    name: /flowlogs/prod
    retention_days: 3653
    log_group_class: INFREQUENT_ACCESS
    kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    tags:
      env: prod

- name: Take over a log group created by hand, and set its retention
  flowlogs.aws.cloudwatchlogs_log_group:
    name: /legacy/vpc-flow-logs
    retention_days: 400
    adopt: true

- name: Delete the log group if it holds no flow logs; otherwise keep it and say why
  flowlogs.aws.cloudwatchlogs_log_group:
    name: /flowlogs/prod
    state: absent
  register: removed

- name: Delete it with every log event in it
  flowlogs.aws.cloudwatchlogs_log_group:
    name: /flowlogs/prod
    state: absent
    force_delete: true
  when: removed.kept
"""

RETURN = r"""
log_group:
  description:
    - The log group after the task (before it, with O(state=absent)); empty when there is none.
    - In check mode, a log group that would be created has no RV(log_group.arn).
  returned: always
  type: dict
  contains:
    log_group_name:
      description: The name.
      type: str
      sample: /flowlogs/prod
    arn:
      description: The ARN, without the C(:*) that C(DescribeLogGroups) appends to its C(arn).
      type: str
      sample: arn:aws:logs:eu-west-1:123456789012:log-group:/flowlogs/prod
    retention_in_days:
      description: The retention in days; V(null) when events never expire.
      type: int
      sample: 3653
    retention_policy_name:
      description: The account-level retention policy that decides the retention, if one applies.
      type: str
      sample: null
    log_group_class:
      description: The class.
      type: str
      sample: INFREQUENT_ACCESS
    kms_key_id:
      description: The ARN of the KMS key, if any.
      type: str
      sample: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    stored_bytes:
      description: The bytes CloudWatch Logs reports as stored (updated with a delay).
      type: int
      sample: 0
    metric_filter_count:
      description: The number of metric filters.
      type: int
      sample: 1
    deletion_protection_enabled:
      description: Whether deletion protection is on.
      type: bool
      sample: false
    creation_time:
      description: Creation time, milliseconds since the epoch.
      type: int
      sample: 1764553200000
    tags:
      description: The tags.
      type: dict
      sample: {managed-by: flowlogs.aws, env: prod}
    managed:
      description: Whether the log group carries the C(managed-by=flowlogs.aws) marker.
      type: bool
      sample: true
foreign:
  description:
    - V(true) when the log group exists without the C(managed-by=flowlogs.aws) tag and O(adopt=false); it was left
      exactly as it is.
  returned: always
  type: bool
  sample: false
kept:
  description: With O(state=absent), V(true) when the log group exists and was not deleted.
  returned: always
  type: bool
  sample: true
kept_reason:
  description: Why the log group was kept (foreign, holds data, deletion protection); empty otherwise.
  returned: always
  type: str
  sample: >-
    the log group /flowlogs/prod holds data (2048 stored bytes) and was kept; set force_delete to delete it with its
    log events
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import AnsibleLogsError
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import LogGroupError
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import apply_change
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import create_log_group
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import delete_log_group
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import describe_log_group
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import desired_log_group
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import has_log_streams
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import list_tags
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import normalize
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import plan_absent
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import plan_present
from ansible_collections.flowlogs.aws.plugins.module_utils.planned_resource import PlannedResource
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import logs_client


class LogGroupManager(PlannedResource):
    """Read the group, plan, stop in check mode, then act."""

    RESULT = "log_group"

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["name"]
        self.results = {"changed": False, "log_group": {}, "foreign": False, "kept": False, "kept_reason": ""}
        try:
            self.desired = desired_log_group(self.params)
        except LogGroupError as e:
            module.fail_json(msg="Invalid log group parameters: {0}".format(e), problems=e.problems)
        self.client = logs_client(module)

    def call(self, func, *args):
        """Run one API helper; an AWS error fails the task naming the operation and the log group."""
        try:
            return func(self.client, *args)
        except AnsibleLogsError as e:
            message = "{0} {1}".format(e.message, self.name)
            if e.exception is not None:
                self.module.fail_json_aws(e.exception, msg=message, **self.results)
            self.module.fail_json(msg=message, **self.results)

    def current(self):
        described = self.call(describe_log_group, self.name)
        if described is None:
            return None
        group = normalize(described, {})
        return normalize(described, self.call(list_tags, group["arn"]))

    def ensure_present(self):
        current = self.current()
        plan = plan_present(current, self.desired, self.params["adopt"])
        if not self.record_plan(current, plan):
            return
        if plan["create"]:
            self.call(create_log_group, self.desired)
            if self.desired["retention_days"] is not None:
                self.call(apply_change, self.name, None, ("retention", self.desired["retention_days"]))
        else:
            for change in plan["changes"]:
                self.call(apply_change, self.name, current["arn"], change)
        self.results["log_group"] = self.current()

    def ensure_absent(self):
        current = self.current()
        if current is None:
            return
        self.results["log_group"] = current
        has_streams = False
        if current["managed"] or self.params["adopt"]:
            has_streams = self.call(has_log_streams, self.name)
        plan = plan_absent(current, self.params["adopt"], self.params["force_delete"], has_streams)
        self.results["foreign"] = not current["managed"] and not self.params["adopt"]
        if not plan["delete"]:
            self.results["kept"] = True
            self.results["kept_reason"] = plan["kept_reason"]
            return
        self.results["changed"] = True
        self.diff(current, {})
        if not self.module.check_mode:
            self.call(delete_log_group, self.name)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["log_group_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        retention_days=dict(type="int"),
        log_group_class=dict(type="str", default="STANDARD", choices=["STANDARD", "INFREQUENT_ACCESS"]),
        kms_key_id=dict(type="str", no_log=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        force_delete=dict(type="bool", default=False),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    manager = LogGroupManager(module)
    if module.params["state"] == "present":
        manager.ensure_present()
    else:
        manager.ensure_absent()
    module.exit_json(**manager.results)


if __name__ == "__main__":
    main()
