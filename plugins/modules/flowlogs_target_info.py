#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: flowlogs_target_info
short_description: The account of a target's credentials, and which of the given VPCs, subnets, ENIs and transit gateways exist
version_added: 0.2.0
description:
  - Returns the caller identity of the credentials (C(sts:GetCallerIdentity) - account, ARN, user id, partition) and,
    for each resource type given in O(resource_ids), which of those ids exist in the region, in one module run.
  - Describes only the given ids - C(DescribeVpcs), C(DescribeSubnets), C(DescribeNetworkInterfaces) and
    C(DescribeTransitGateways) with a filter on the id, so an id that does not exist is simply missing from
    RV(existing) rather than an error; at most 200 ids per call.
  - The C(flowlogs.aws.flowlogs) role runs it once before any change; C(flowlogs.aws.flowlogs_check) with
    C(existing) then names every missing id by its inventory field.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  resource_ids:
    description:
      - Resource ids to look up, by resource type - V(VPC), V(Subnet), V(NetworkInterface), V(TransitGateway).
      - Omitted or empty - only the caller identity is returned.
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Only reads; runs the same in check mode.
  - "IAM permissions: C(ec2:DescribeVpcs), C(ec2:DescribeSubnets), C(ec2:DescribeNetworkInterfaces),
    C(ec2:DescribeTransitGateways) for the types given; C(sts:GetCallerIdentity) needs none."
seealso:
  - name: GetCallerIdentity
    description: The STS API reference.
    link: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
  - name: DescribeVpcs
    description: The filters of DescribeVpcs (the other describe calls have the same kind of id filter).
    link: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html
  - module: amazon.aws.aws_caller_info
  - module: flowlogs.aws.flowlogs_check
"""

EXAMPLES = r"""
- name: Learn the account and check two VPCs and a subnet exist
  flowlogs.aws.flowlogs_target_info:
    resource_ids:
      VPC: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
      Subnet: [subnet-0123456789abcdef0]
  register: target

- name: Fail when one is missing
  ansible.builtin.assert:
    that: target.existing.VPC | length == 2 and target.existing.Subnet | length == 1
"""

RETURN = r"""
account:
  description: The account id of the credentials.
  returned: always
  type: str
  sample: "123456789012"
arn:
  description: The ARN of the caller.
  returned: always
  type: str
  sample: arn:aws:sts::123456789012:assumed-role/OrganizationAccountAccessRole/flowlogs
user_id:
  description: The unique identifier of the caller.
  returned: always
  type: str
  sample: AROAEXAMPLEID:flowlogs
partition:
  description: The partition of the caller's ARN.
  returned: always
  type: str
  sample: aws
existing:
  description: The given ids that exist, by resource type (only the types given), in the order given.
  returned: always
  type: dict
  sample: {VPC: [vpc-0123456789abcdef0], Subnet: []}
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import caller_identity
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import existing_ids
from ansible_collections.flowlogs.aws.plugins.module_utils.target_info import resource_id_problems


def main():
    argument_spec = dict(resource_ids=dict(type="dict", default={}))
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    resource_ids = module.params["resource_ids"] or {}
    problems = resource_id_problems(resource_ids)
    if problems:
        module.fail_json(msg="; ".join(problems), problems=problems)
    retry = AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30)
    try:
        result = caller_identity(module.client("sts", retry_decorator=retry))
        ec2 = module.client("ec2", retry_decorator=retry) if resource_ids else None
        result["existing"] = dict((kind, existing_ids(ec2, kind, ids)) for kind, ids in sorted(resource_ids.items()))
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
