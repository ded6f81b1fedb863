#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: target_connection
short_description: Connect one flowlogs.aws target, assuming its role when it has one
version_added: 0.2.0
description:
  - The first task of every playbook of the collection (site, enable, audit, teardown). It reads the target's
    connection variables from the inventory, checks them before any AWS call, and returns the connection options
    (region, endpoint and credentials) that the playbooks register as C(flowlogs_target) and hand, through
    C(module_defaults), to every amazon.aws, community.aws and flowlogs.aws module of the target. The connection
    settings are defined here only.
  - It returns a result to register rather than setting a fact, because facts are written to the fact cache when
    one is configured, and the options hold temporary credentials.
  - The variables, all optional, are those of the C(flowlogs.aws.flowlogs) role (C(ansible-doc -t role flowlogs.aws.flowlogs)), namely
    C(flowlogs_region) (else the C(AWS_REGION) environment variable, else C(AWS_DEFAULT_REGION), else V(us-east-1)),
    C(flowlogs_endpoint_url), C(flowlogs_profile), C(flowlogs_access_key) and C(flowlogs_secret_key), and
    C(flowlogs_assume_role_arn), C(flowlogs_assume_role_external_id), C(flowlogs_assume_role_session_name),
    C(flowlogs_assume_role_duration).
  - With C(flowlogs_assume_role_arn), the role is assumed (STS AssumeRole, in the target's region) with the profile,
    the keys or the environment's credentials, and every module of the target runs with the temporary credentials,
    so it acts in the role's account. The ARN must be an IAM role ARN, the duration 900 to 43200 seconds, the external
    id and session name of the form STS accepts; a problem is reported with the target and its inventory source
    before any call.
  - A role that cannot be assumed fails this target only, with a message naming the account and the role; Ansible
    goes on with the other targets, and the playbooks end by listing the targets that failed.
  - It is an action plugin and runs on the controller only. Its result is hidden (C(no_log)) because it holds credentials.
author:
  - flowlogs.aws maintainers (@flowlogs)
options: {}
notes:
  - Needs C(sts:AssumeRole) on the role for the identity running the playbook, and a trust policy in the role that
    allows that identity (for an organization member account, the C(OrganizationAccountAccessRole) created by AWS
    Organizations trusts the management account).
  - The credentials last C(flowlogs_assume_role_duration) seconds (default 3600); the role's maximum session
    duration must allow longer values.
requirements:
  - boto3 and botocore on the controller when a role is assumed
seealso:
  - name: AssumeRole (AWS STS API Reference)
    description: The parameters and their constraints.
    link: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
"""

EXAMPLES = r"""
- name: Flow logs in every account of the inventory
  hosts: all
  gather_facts: false
  module_defaults:
    group/amazon.aws.aws: "{{ flowlogs_target.connection }}"
    group/flowlogs.aws.aws: "{{ flowlogs_target.connection }}"
    group/community.aws.aws: "{{ flowlogs_target.connection }}"
  pre_tasks:
    - name: Connect to the target
      flowlogs.aws.target_connection:
      register: flowlogs_target
  tasks:
    - name: List the flow logs of the target's account and region
      flowlogs.aws.ec2_vpc_flow_log_info:
"""

RETURN = r"""
connection:
  description:
    - The connection options, for C(module_defaults).
    - C(region), and C(endpoint_url), C(profile), C(access_key), C(secret_key) when the inventory gives them; with
      an assumed role C(access_key), C(secret_key) and C(session_token) are the role's temporary credentials.
  returned: success
  type: dict
  sample: {region: eu-west-1}
region:
  description: The region of the target.
  returned: success
  type: str
  sample: eu-west-1
account_id:
  description: The account of the assumed role.
  returned: a role was assumed
  type: str
  sample: "123456789012"
role_arn:
  description: The role assumed.
  returned: a role was assumed
  type: str
  sample: arn:aws:iam::123456789012:role/OrganizationAccountAccessRole
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(),
        supports_check_mode=True,
    )
    module.fail_json(msg="flowlogs.aws.target_connection runs on the controller through its action plugin")


if __name__ == "__main__":
    main()
