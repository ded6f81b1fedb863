#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log_info
short_description: List VPC flow logs with their parsed record format
version_added: 0.1.0
description:
  - Describe VPC flow logs, filtered by flow log id, resource id, destination type, log group or tags.
  - Each flow log is returned with the fields of its record format, as the format engine parses them for
    the records of its resource type (VPC or transit gateway records; Cloud WAN formats are returned as
    their raw field names).
  - An AWS error fails the task with a message naming the API operation, never with a traceback.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  flow_log_ids:
    description: Only these flow logs.
    type: list
    elements: str
  resource_ids:
    description:
      - Only flow logs on these resources, of any resource type (VPC, subnet, network interface, regional
        NAT gateway, transit gateway, transit gateway attachment, Cloud WAN core network or attachment ids).
    type: list
    elements: str
    aliases: [resource_id]
  log_destination_type:
    description: Only flow logs delivered to this destination type.
    type: str
    choices: [cloud-watch-logs, s3, kinesis-data-firehose]
  log_group_name:
    description: Only flow logs delivered to this log group.
    type: str
  traffic_type:
    description: Only flow logs of this traffic type.
    type: str
    choices: [ACCEPT, REJECT, ALL]
  tags:
    description:
      - Only flow logs that have all these tags, with these values.
    type: dict
  filters:
    description:
      - Further C(DescribeFlowLogs) filters, as a dict of filter name to value or list of values.
      - See U(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeFlowLogs.html).
    type: dict
    default: {}
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Every flow log in the region
  flowlogs.aws.ec2_vpc_flow_log_info:
  register: all_flow_logs

- name: Flow logs of two VPCs that go to S3
  flowlogs.aws.ec2_vpc_flow_log_info:
    resource_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
    log_destination_type: s3

- name: Flow logs created by this collection
  flowlogs.aws.ec2_vpc_flow_log_info:
    tags:
      managed-by: flowlogs.aws
"""

RETURN = r"""
flow_logs:
  description: The matching flow logs.
  returned: always
  type: list
  elements: dict
  contains:
    flow_log_id:
      description: The flow log id.
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The resource the flow log is on.
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: The logged traffic.
      type: str
      sample: ALL
    log_destination_type:
      description: The destination type.
      type: str
      sample: cloud-watch-logs
    log_destination:
      description: The destination ARN.
      type: str
      sample: arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc-flow-logs/prod
    log_group_name:
      description: The log group, for CloudWatch Logs destinations.
      type: str
      sample: /aws/vpc-flow-logs/prod
    deliver_logs_permission_arn:
      description: The delivery role.
      type: str
      sample: arn:aws:iam::123456789012:role/vpc-flow-logs-delivery
    deliver_logs_status:
      description: The delivery status.
      type: str
      sample: SUCCESS
    flow_log_status:
      description: The flow log status.
      type: str
      sample: ACTIVE
    log_format:
      description: The record format.
      type: str
      sample: "${version} ${srcaddr} ${dstaddr} ${action}"
    log_format_fields:
      description: The fields of the record format, in order.
      type: list
      elements: str
      sample: [version, srcaddr, dstaddr, action]
    max_aggregation_interval:
      description: The aggregation interval in seconds.
      type: int
      sample: 600
    destination_options:
      description: The S3 delivery options.
      type: dict
      sample: {file_format: plain-text, hive_compatible_partitions: false, per_hour_partition: false}
    tag_field_specifications:
      description: Which tags the tag fields of the format show.
      type: list
      elements: dict
      sample: [{resource_type: network-interface, tag_keys: [team]}]
    tags:
      description: The tags.
      type: dict
      sample: {managed-by: flowlogs.aws}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import FlowLogApiError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import describe_flow_logs
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import ec2_client
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import format_flow_log


def build_filters(params):
    """DescribeFlowLogs filters from the module options (values always lists)."""
    filters = {}
    for name, values in (params.get("filters") or {}).items():
        filters[name] = [str(v) for v in (values if isinstance(values, list) else [values])]
    simple = {
        "resource-id": params.get("resource_ids"),
        "log-destination-type": params.get("log_destination_type"),
        "log-group-name": params.get("log_group_name"),
        "traffic-type": params.get("traffic_type"),
    }
    for name, value in simple.items():
        if value:
            filters[name] = value if isinstance(value, list) else [value]
    for key, value in (params.get("tags") or {}).items():
        filters["tag:" + key] = [str(value)]
    return filters


def main():
    argument_spec = dict(
        flow_log_ids=dict(type="list", elements="str"),
        resource_ids=dict(type="list", elements="str", aliases=["resource_id"]),
        log_destination_type=dict(type="str", choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"]),
        log_group_name=dict(type="str"),
        traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"]),
        tags=dict(type="dict"),
        filters=dict(type="dict", default={}),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = ec2_client(module)
    try:
        flow_logs = describe_flow_logs(
            client, filters=build_filters(module.params), flow_log_ids=module.params.get("flow_log_ids")
        )
    except FlowLogApiError as e:
        module.fail_json_aws(e.exception or e, msg="{0} matching {1}".format(
            e.message, build_filters(module.params) or module.params.get("flow_log_ids") or "any"))
    module.exit_json(changed=False, flow_logs=[format_flow_log(fl) for fl in flow_logs])


if __name__ == "__main__":
    main()
