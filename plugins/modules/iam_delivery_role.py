#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_delivery_role
short_description: Manage an IAM role with amazon.aws.iam_role, without its unconditional deprecation warning
version_added: 0.1.0
description:
  - Runs M(amazon.aws.iam_role) with the task's options, unchanged, and returns its result with one deprecation removed.
  - M(amazon.aws.iam_role) (amazon.aws 8.0.0 and later) reports on every run, whatever its options, the deprecation
    of its return value C(iam_role.assume_role_policy_document_raw). The C(flowlogs.aws.delivery_role) role never
    reads that return value, so this action drops that one deprecation from the result, so that runs of the
    collection's roles and playbooks are warning-free. Every other deprecation and warning of
    M(amazon.aws.iam_role) is kept.
  - The options are those of M(amazon.aws.iam_role); they are listed here in short, see M(amazon.aws.iam_role) for
    the full description. The C(flowlogs.aws.delivery_role) role uses O(name), O(path), O(description),
    O(assume_role_policy_document), O(boundary), O(max_session_duration), O(managed_policies), O(purge_policies),
    O(tags), O(purge_tags), O(create_instance_profile), O(delete_instance_profile), O(wait) and O(state).
  - It is an action plugin; the module it runs is M(amazon.aws.iam_role), on the target like any module.
  - C(module_defaults) given for C(group/flowlogs.aws.aws), C(group/amazon.aws.aws),
    C(flowlogs.aws.iam_delivery_role) or C(amazon.aws.iam_role) apply.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name:
    description: The name of the role.
    required: true
    type: str
    aliases: ["role_name"]
  path:
    description: The path of the role.
    type: str
    aliases: ["prefix", "path_prefix"]
  description:
    description: The description of the role.
    type: str
  boundary:
    description: The ARN of an IAM managed policy used as the role's permissions boundary.
    aliases: [boundary_policy_arn]
    type: str
  assume_role_policy_document:
    description:
      - The trust policy of the role.
      - Required when O(state=present).
    type: json
  managed_policies:
    description: Managed policy ARNs, or friendly names, to attach.
    aliases: ['managed_policy']
    type: list
    elements: str
  max_session_duration:
    description: The maximum duration (in seconds) of a session when assuming the role.
    type: int
  purge_policies:
    description: Detach managed policies not listed in O(managed_policies).
    type: bool
    aliases: ['purge_policy', 'purge_managed_policies']
    default: true
  state:
    description: Create or remove the IAM role.
    default: present
    choices: [present, absent]
    type: str
  create_instance_profile:
    description:
      - Create an IAM instance profile of the same name along with the role (deprecated in M(amazon.aws.iam_role)).
      - Defaults to V(true) in M(amazon.aws.iam_role); give it, as the C(flowlogs.aws.delivery_role) role does,
        to avoid M(amazon.aws.iam_role)'s deprecation warning about it.
    type: bool
  delete_instance_profile:
    description:
      - With O(state=absent), also delete the instance profile of the same name (deprecated in
        M(amazon.aws.iam_role)).
      - Defaults to V(false) in M(amazon.aws.iam_role); give it to avoid M(amazon.aws.iam_role)'s deprecation
        warning about it.
    type: bool
  wait_timeout:
    description: How long (in seconds) to wait for creation or update to complete.
    default: 120
    type: int
  wait:
    description: Wait up to O(wait_timeout) seconds for the role to be created before returning.
    default: true
    type: bool
notes:
  - Supports check mode and diff mode as M(amazon.aws.iam_role) does.
  - Only the deprecation whose message mentions C(assume_role_policy_document_raw) is removed.
seealso:
  - module: amazon.aws.iam_role
  - module: amazon.aws.iam_policy
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Create or update the VPC Flow Logs delivery role
  flowlogs.aws.iam_delivery_role:
    name: flowlogs-delivery
    path: /flowlogs/
    assume_role_policy_document: "{{ trust_policy | to_json }}"
    managed_policies: []
    purge_policies: true
    create_instance_profile: false
    delete_instance_profile: false
    wait: false
  register: role

- name: Delete the role
  flowlogs.aws.iam_delivery_role:
    name: flowlogs-delivery
    state: absent
    create_instance_profile: false
    delete_instance_profile: false
"""

RETURN = r"""
iam_role:
  description:
    - The role, as returned by M(amazon.aws.iam_role) (see there for every key).
    - Not returned in check mode when the role does not exist yet.
  returned: success and O(state=present)
  type: complex
  contains:
    arn:
      description: The ARN of the role.
      type: str
      sample: "arn:aws:iam::123456789012:role/flowlogs/flowlogs-delivery"
    role_name:
      description: The name of the role.
      type: str
      sample: flowlogs-delivery
    path:
      description: The path of the role.
      type: str
      sample: /flowlogs/
    role_id:
      description: The stable and unique ID of the role.
      type: str
      sample: AROAXXXXXXXXXXXXXXXXX
    assume_role_policy_document:
      description: The trust policy of the role.
      type: dict
    max_session_duration:
      description: The maximum session duration (in seconds).
      type: int
      sample: 3600
    tags:
      description: The tags of the role.
      type: dict
      sample: {"flowlogs:owner": "flowlogs.aws"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", aliases=["role_name"], required=True),
            path=dict(type="str", aliases=["path_prefix", "prefix"]),
            assume_role_policy_document=dict(type="json"),
            managed_policies=dict(type="list", aliases=["managed_policy"], elements="str"),
            max_session_duration=dict(type="int"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            description=dict(type="str"),
            boundary=dict(type="str", aliases=["boundary_policy_arn"]),
            create_instance_profile=dict(type="bool"),
            delete_instance_profile=dict(type="bool"),
            purge_policies=dict(default=True, type="bool", aliases=["purge_policy", "purge_managed_policies"]),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(default=120, type="int"),
        ),
        required_if=[("state", "present", ["assume_role_policy_document"])],
        supports_check_mode=True,
    )
    module.fail_json(msg="flowlogs.aws.iam_delivery_role runs amazon.aws.iam_role through its action plugin")


if __name__ == "__main__":
    main()
