#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_delivery_role
short_description: Manage an IAM role that a service assumes, with its one inline policy, in one task
version_added: 0.1.0
description:
  - Creates, updates or deletes an IAM role that an AWS service assumes to deliver data, for example the role
    VPC Flow Logs assumes to write to CloudWatch Logs (the C(flowlogs.aws.delivery_role) role) or the role of a
    Firehose delivery stream.
  - Manages the role's path (at creation), description, trust policy (compared as a JSON document, not as text),
    permissions boundary, maximum session duration and tags; detaches every managed policy (O(purge_policies));
    with O(policy_name), sets that one inline policy (compared as a JSON document) and deletes every other one.
  - A role without the C(managed-by=flowlogs.aws) tag is foreign - reported in RV(foreign) and left exactly as it
    is (nothing changed, never deleted) unless O(adopt=true).
  - Every parameter is validated before any API call. A run where nothing changes only reads - C(GetRole),
    C(ListRolePolicies), C(GetRolePolicy) (when the inline policy exists) and C(ListAttachedRolePolicies) - and
    reports no change.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name:
    description:
      - The role name, 1 to 64 letters, digits or C(+=,.@_-). Role names are unique in an account whatever the path.
    required: true
    type: str
    aliases: ["role_name"]
  state:
    description:
      - V(present) creates the role or brings it to the given settings.
      - V(absent) deletes it, if the collection owns it (or O(adopt=true)), after deleting its inline policies,
        detaching its managed policies and removing it from its instance profiles (which are kept).
    default: present
    choices: [present, absent]
    type: str
  path:
    description:
      - The path of a new role, C(/) or C(/segments/); omitted - C(/).
      - IAM cannot change the path of an existing role; a different path is reported as a warning and the role
        keeps its own.
    type: str
  description:
    description:
      - The description of the role, at most 1000 characters. Omitted - left as it is.
    type: str
  assume_role_policy_document:
    description:
      - The trust policy, a JSON policy document (a string or a dict). Required with O(state=present).
    type: json
  boundary:
    description:
      - The ARN of a managed policy to set as permissions boundary. An empty string removes the boundary;
        omitted - left as it is.
    type: str
    aliases: [boundary_policy_arn]
  max_session_duration:
    description:
      - The maximum session duration in seconds, from 3600 to 43200. Omitted - 3600 for a new role, an existing
        role keeps its own.
    type: int
  policy_name:
    description:
      - The name of the role's one inline policy, 1 to 128 letters, digits or C(+=,.@_-). Every other inline
        policy of the role is deleted.
      - Omitted - the inline policies are left as they are.
    type: str
  policy_document:
    description:
      - The inline policy O(policy_name), a JSON policy document (a string or a dict).
    type: json
  purge_policies:
    description:
      - Detach every managed policy attached to the role (the module attaches none).
      - V(false) - managed policies are neither read nor changed.
    type: bool
    default: true
    aliases: [purge_policy, purge_managed_policies]
  managed_policies:
    description:
      - Accepted for tasks written for M(amazon.aws.iam_role); only V([]) is allowed, the module attaches no
        managed policy.
    type: list
    elements: str
    aliases: [managed_policy]
  create_instance_profile:
    description:
      - Accepted for tasks written for M(amazon.aws.iam_role); only V(false) is allowed, the module manages no
        instance profile (M(amazon.aws.iam_instance_profile) does).
    type: bool
  delete_instance_profile:
    description:
      - Accepted for tasks written for M(amazon.aws.iam_role); only V(false) is allowed. With O(state=absent) the
        role is removed from its instance profiles, which are kept.
    type: bool
  wait:
    description:
      - After creating the role, wait (C(GetRole)) up to O(wait_timeout) seconds until IAM returns it. This does
        not prove a service can assume it yet (IAM is eventually consistent).
    type: bool
    default: true
  wait_timeout:
    description: How long, in seconds, O(wait) waits.
    type: int
    default: 120
extends_documentation_fragment:
  - flowlogs.aws.ownership
  - flowlogs.aws.ownership.tags
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - O(purge_tags) never removes tags whose keys start with C(aws:).
  - Check mode reads only and reports what would be created or changed (RV(changes)). Diff mode shows the role,
    with its inline policies, before and after.
  - "IAM permissions: C(iam:GetRole), C(iam:ListRolePolicies), C(iam:GetRolePolicy),
    C(iam:ListAttachedRolePolicies), C(iam:CreateRole), C(iam:TagRole), C(iam:UntagRole),
    C(iam:UpdateAssumeRolePolicy), C(iam:UpdateRole), C(iam:PutRolePermissionsBoundary),
    C(iam:DeleteRolePermissionsBoundary), C(iam:DetachRolePolicy), C(iam:PutRolePolicy), C(iam:DeleteRolePolicy);
    with O(state=absent) also C(iam:ListInstanceProfilesForRole), C(iam:RemoveRoleFromInstanceProfile) and
    C(iam:DeleteRole)."
seealso:
  - name: IAM API Reference
    description: CreateRole, UpdateRole, UpdateAssumeRolePolicy, PutRolePolicy, DeleteRole and the other calls used.
    link: https://docs.aws.amazon.com/IAM/latest/APIReference/welcome.html
  - name: IAM and AWS STS quotas
    description: Name and path lengths, tags per role, policy sizes.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
  - module: flowlogs.aws.iam_delivery_role_info
"""

EXAMPLES = r"""
- name: The role VPC Flow Logs assumes, with its one inline policy
  flowlogs.aws.iam_delivery_role:
    name: flowlogs-delivery
    path: /flowlogs/
    description: Lets VPC Flow Logs deliver flow logs to CloudWatch Logs
    assume_role_policy_document: "{{ trust_policy | to_json }}"
    policy_name: deliver-vpc-flow-logs
    policy_document: "{{ permissions_policy | to_json }}"
    tags:
      env: prod
    wait: false
  register: role

- name: Take over a role created by hand (its trust policy, inline policies and tags are replaced)
  flowlogs.aws.iam_delivery_role:
    name: legacy-flow-logs-role
    assume_role_policy_document: "{{ trust_policy | to_json }}"
    policy_name: deliver-vpc-flow-logs
    policy_document: "{{ permissions_policy | to_json }}"
    adopt: true

- name: Delete the role, if flowlogs.aws created it
  flowlogs.aws.iam_delivery_role:
    name: flowlogs-delivery
    state: absent
"""

RETURN = r"""
iam_role:
  description:
    - The role after the task (before it, with O(state=absent)); not returned when there is none, nor in check
      mode for a role that would be created (it has no ARN yet).
  returned: when the role exists
  type: dict
  contains:
    role_name:
      description: The name.
      type: str
      sample: flowlogs-delivery
    arn:
      description: The ARN.
      type: str
      sample: "arn:aws:iam::123456789012:role/flowlogs/flowlogs-delivery"
    role_id:
      description: The stable and unique ID.
      type: str
      sample: AROAXXXXXXXXXXXXXXXXX
    path:
      description: The path.
      type: str
      sample: /flowlogs/
    description:
      description: The description.
      type: str
    max_session_duration:
      description: The maximum session duration in seconds.
      type: int
      sample: 3600
    permissions_boundary:
      description: The ARN of the permissions boundary; empty when none.
      type: str
      sample: ""
    assume_role_policy_document:
      description: The trust policy.
      type: dict
    tags:
      description: The tags.
      type: dict
      sample: {"managed-by": "flowlogs.aws"}
    managed:
      description: Whether the role carries the C(managed-by=flowlogs.aws) marker.
      type: bool
      sample: true
    inline_policies:
      description:
        - The inline policies, name to document; only the document of O(policy_name) is read, the others are
          V(null) (with O(state=absent) every one is).
        - Empty when the inline policies were not read - for a foreign role, and with O(policy_name) omitted.
      type: dict
      sample: {"deliver-vpc-flow-logs": {"Version": "2012-10-17", "Statement": []}}
    managed_policies:
      description:
        - The ARNs of the attached managed policies (not read for a foreign role, nor when O(purge_policies=false)).
      type: list
      elements: str
      sample: []
foreign:
  description:
    - V(true) when the role exists without the C(managed-by=flowlogs.aws) tag and O(adopt=false); it was left
      exactly as it is.
  returned: always
  type: bool
  sample: false
changes:
  description: What was done, or in check mode what would be done, one sentence each.
  returned: always
  type: list
  elements: str
  sample: ["update the trust policy", "set the inline policy deliver-vpc-flow-logs"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import AnsibleIAMRoleError
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import RoleError
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import apply_change
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import create_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import delete_inline_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import delete_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import describe_change
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import desired_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import detach_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import get_inline_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import get_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import list_inline_policy_names
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import list_instance_profile_names
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import list_managed_policy_arns
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import normalize_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import plan_absent
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import plan_present
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import put_inline_policy
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import remove_from_instance_profile
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import wait_for_role
from ansible_collections.flowlogs.aws.plugins.module_utils.planned_resource import PlannedResource
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client


class RoleManager(PlannedResource):
    """Read the role, plan, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.name = self.params["name"]
        self.results = {"changed": False, "foreign": False, "changes": []}
        try:
            self.desired = desired_role(self.params)
        except RoleError as e:
            module.fail_json(msg="Invalid IAM role parameters: {0}".format(e), problems=e.problems)
        self.client = client(module, "iam")

    def current(self):
        """The role (normalize_role()) or None. Its policies are read only for a role the module may change."""
        role = get_role(self.client, self.name)
        if role is None:
            return None
        if not self.owned(normalize_role(role)):
            return normalize_role(role)
        inline = {}
        if self.params["state"] == "absent" or self.desired["policy_name"] is not None:
            inline = dict((name, None) for name in list_inline_policy_names(self.client, self.name))
            wanted = self.desired["policy_name"]
            if wanted in inline:
                inline[wanted] = get_inline_policy(self.client, self.name, wanted)
        managed = []
        if self.params["state"] == "absent" or self.desired["purge_policies"]:
            managed = list_managed_policy_arns(self.client, self.name)
        return normalize_role(role, inline, managed)

    def owned(self, role):
        return role["managed"] or self.params["adopt"]

    def ensure_present(self):
        current = self.current()
        plan = plan_present(current, self.desired, self.params["adopt"])
        for warning in plan["warnings"]:
            self.module.warn(warning)
        self.results["foreign"] = plan["foreign"]
        changes = [("create", None)] if plan["create"] else plan["changes"]
        self.results["changes"] = [self.describe(change) for change in changes]
        self.results["changed"] = bool(changes)
        if not (plan["create"] and self.module.check_mode):
            self.results["iam_role"] = plan["after"]
        self.diff(current, plan["after"])
        if self.module.check_mode or not changes:
            return
        if plan["create"]:
            created = create_role(self.client, self.desired)
            plan["after"].update(arn=created["Arn"], role_id=created["RoleId"])
            if self.params["wait"]:
                wait_for_role(self.client, self.name, self.params["wait_timeout"])
            if self.desired["policy_name"] is not None:
                put_inline_policy(self.client, self.name, self.desired["policy_name"], self.desired["policy_document"])
            return
        for change in plan["changes"]:
            apply_change(self.client, self.name, change)

    def describe(self, change):
        if change[0] == "create":
            sentence = "create the role %s" % self.name
            if self.desired["policy_name"] is not None:
                sentence += " with the inline policy %s" % self.desired["policy_name"]
            return sentence
        return describe_change(change)

    def ensure_absent(self):
        current = self.current()
        if current is None:
            return
        self.results["iam_role"] = current
        plan = plan_absent(current, self.params["adopt"])
        self.results["foreign"] = plan["foreign"]
        if not plan["delete"]:
            return
        self.results["changed"] = True
        self.results["changes"] = ["delete the role %s" % self.name]
        self.diff(current, {})
        if self.module.check_mode:
            return
        for profile in list_instance_profile_names(self.client, self.name):
            remove_from_instance_profile(self.client, self.name, profile)
        for arn in current["managed_policies"]:
            detach_policy(self.client, self.name, arn)
        for policy_name in sorted(current["inline_policies"]):
            delete_inline_policy(self.client, self.name, policy_name)
        delete_role(self.client, self.name)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["role_name"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        path=dict(type="str"),
        description=dict(type="str"),
        assume_role_policy_document=dict(type="json"),
        boundary=dict(type="str", aliases=["boundary_policy_arn"]),
        max_session_duration=dict(type="int"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        policy_name=dict(type="str"),
        policy_document=dict(type="json"),
        purge_policies=dict(type="bool", default=True, aliases=["purge_policy", "purge_managed_policies"]),
        managed_policies=dict(type="list", elements="str", aliases=["managed_policy"]),
        create_instance_profile=dict(type="bool"),
        delete_instance_profile=dict(type="bool"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=120),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_together=[("policy_name", "policy_document")],
        supports_check_mode=True,
    )
    manager = RoleManager(module)
    try:
        if module.params["state"] == "present":
            manager.ensure_present()
        else:
            manager.ensure_absent()
    except AnsibleIAMRoleError as e:
        e.message = "IAM role {0}: {1}".format(manager.name, e.message)
        module.fail_json_aws_error(e)
    module.exit_json(**manager.results)


if __name__ == "__main__":
    main()
