# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The destination_options option (CreateFlowLogs DestinationOptions of an S3 flow log).

Its argument spec is ``module_utils/argument_specs.destination_options_spec``. ``DOCUMENTATION``
for a module where it is optional and given only for S3 flow logs (no default);
``DEFAULTED`` where omitting it means AWS's defaults (default C({})). The suboptions are written
out in both: ansible-test's yamllint reads only plain string literals.
"""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  destination_options:
    description:
      - The S3 delivery options of the flow log (CreateFlowLogs C(DestinationOptions)). Only for S3 flow logs.
    type: dict
    suboptions:
      file_format:
        description: The format of the delivered objects.
        type: str
        choices: [plain-text, parquet]
        default: plain-text
      hive_compatible_partitions:
        description: Hive-compatible S3 prefixes (C(aws-account-id=.../year=.../)).
        type: bool
        default: false
      per_hour_partition:
        description: Partition objects per hour instead of per day.
        type: bool
        default: false
"""

    DEFAULTED = r"""
options:
  destination_options:
    description:
      - The S3 delivery options of the flow log (CreateFlowLogs C(DestinationOptions)), as in
        M(flowlogs.aws.ec2_vpc_flow_log); they decide the table's partition keys and column types.
    type: dict
    default: {}
    suboptions:
      file_format:
        description: The format of the delivered objects.
        type: str
        choices: [plain-text, parquet]
        default: plain-text
      hive_compatible_partitions:
        description: Hive-compatible S3 prefixes (C(aws-account-id=.../year=.../)).
        type: bool
        default: false
      per_hour_partition:
        description: Partition objects per hour instead of per day.
        type: bool
        default: false
"""
