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
notes:
  - Check mode reports what would change and changes nothing. Diff mode shows the workgroup before and after.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - flowlogs.aws.ownership
  - flowlogs.aws.athena_workgroup
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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import REQUIRED_IF
from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import AthenaWorkgroup
from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import settings_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import checked
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True, aliases=["workgroup"]),
        description=dict(type="str", default=""),
        adopt=dict(type="bool", default=False),
        **settings_spec()
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=REQUIRED_IF,
    )
    run(module, checked(module, AthenaWorkgroup))


if __name__ == "__main__":
    main()
