# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The settings of an Athena workgroup, options of athena_workgroup and athena_flow_logs.

Their argument spec is ``module_utils/athena_workgroups.settings_spec`` (the tags come from
amazon.aws.tags).
"""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
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
"""
