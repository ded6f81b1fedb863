#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: iam_delivery_role_info
short_description: Read IAM roles with amazon.aws.iam_role_info, without its unconditional deprecation warning
version_added: 0.1.0
description:
  - Runs M(amazon.aws.iam_role_info) with the task's options, unchanged, and returns its result with one
    deprecation removed.
  - M(amazon.aws.iam_role_info) (amazon.aws 8.0.0 and later) reports on every run, whatever its options, the
    deprecation of the return value C(iam_role.assume_role_policy_document_raw). The C(flowlogs.aws.delivery_role)
    role never reads that return value, so this action drops that one deprecation from the result, so that runs of
    the collection's roles and playbooks are warning-free. Every other deprecation and warning of
    M(amazon.aws.iam_role_info) (for example about a O(path_prefix) without a leading or trailing C(/)) is kept.
  - The options are those of M(amazon.aws.iam_role_info), in short here. The C(flowlogs.aws.delivery_role) role
    uses O(name).
  - It is an action plugin; the module it runs is M(amazon.aws.iam_role_info), on the target like any module.
  - C(module_defaults) given for C(group/flowlogs.aws.aws), C(group/amazon.aws.aws),
    C(flowlogs.aws.iam_delivery_role_info) or C(amazon.aws.iam_role_info) apply.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name:
    description:
      - Name of a role to look up.
      - Mutually exclusive with O(path_prefix).
    aliases: ["role_name"]
    type: str
  path_prefix:
    description:
      - Only roles whose path starts with this prefix.
      - Mutually exclusive with O(name).
    type: str
    aliases: ["path", "prefix"]
notes:
  - Supports check mode.
  - Only the deprecation whose message mentions C(assume_role_policy_document_raw) is removed.
seealso:
  - module: amazon.aws.iam_role_info
  - module: flowlogs.aws.iam_delivery_role
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the delivery role, if it exists
  flowlogs.aws.iam_delivery_role_info:
    name: flowlogs-delivery
  register: existing

- name: Every role under a path
  flowlogs.aws.iam_delivery_role_info:
    path_prefix: /flowlogs/
"""

RETURN = r"""
iam_roles:
  description:
    - The roles found, as returned by M(amazon.aws.iam_role_info) (see there for every key); empty when none.
  returned: always
  type: list
  elements: dict
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
    inline_policies:
      description: The names of the role's inline policies.
      type: list
      elements: str
      sample: ["flowlogs-delivery"]
    tags:
      description: The tags of the role.
      type: dict
      sample: {"flowlogs:owner": "flowlogs.aws"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(aliases=["role_name"]),
            path_prefix=dict(aliases=["path", "prefix"]),
        ),
        supports_check_mode=True,
        mutually_exclusive=[["name", "path_prefix"]],
    )
    module.fail_json(msg="flowlogs.aws.iam_delivery_role_info runs amazon.aws.iam_role_info through its action plugin")


if __name__ == "__main__":
    main()
