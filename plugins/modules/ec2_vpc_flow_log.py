#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_log
short_description: Manage VPC flow logs on many resources at once
version_added: 0.1.0
description:
  - Create, replace and delete flow logs on VPCs, subnets, network interfaces, regional NAT gateways,
    transit gateways, transit gateway attachments, Cloud WAN core networks and core network attachments,
    delivered to CloudWatch Logs, S3 or Kinesis Data Firehose.
  - Many resources are handled in one task with one paginated C(DescribeFlowLogs) and one
    C(CreateFlowLogs) per 300 resources (25 for transit gateway types), the maxima of the
    L(CreateFlowLogs API,https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html).
  - A flow log is identified by its resource, its destination and its traffic type. When one exists with
    the same settings nothing changes, except tags, which are reconciled in place.
  - A flow log cannot be modified after creation. When the format, aggregation interval, delivery role,
    cross-account role or destination options differ, the task fails and lists the differences,
    unless O(overwrite=true), which creates the replacement first and deletes the old flow log only once
    the new one exists, so a resource is never left without a flow log.
  - Every parameter, including the custom log format and the tag field specifications, is validated before
    any API call.
  - Only flow logs this collection created (tagged C(managed-by=flowlogs.aws)) are retagged, replaced or
    deleted; a matching flow log without that tag is reported in RV(foreign) and left alone, unless
    O(adopt=true).
  - Every AWS error fails the task with a message naming the API operation and the resources, and the
    result still lists what was created or deleted before the error.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) makes sure the flow logs exist with these settings.
      - V(absent) deletes the flow logs on O(resource_ids) that go to the given destination (and have the given
        O(traffic_type), when set) and that the collection created (or all of them with O(adopt=true)),
        or exactly the flow logs listed in O(flow_log_ids), whoever created them.
    type: str
    choices: [present, absent]
    default: present
  resource_type:
    description:
      - The type of the resources in O(resource_ids), one of the API's C(FlowLogsResourceType) values.
      - V(TransitGateway), V(TransitGatewayAttachment), V(CoreNetwork) and V(CoreNetworkAttachment) take no
        O(traffic_type) and only a 60 second O(max_aggregation_interval).
      - V(CoreNetworkEdge) is refused before any call; AWS documents no resource id form for a core network
        edge, so its ids could not be checked nor its flow logs found again. Log its core network instead.
      - Cloud WAN types (V(CoreNetwork), V(CoreNetworkAttachment)) take no O(log_format); this collection does
        not catalogue Cloud WAN record fields, so AWS's default format is used.
    type: str
    choices: [VPC, Subnet, NetworkInterface, RegionalNatGateway, TransitGateway, TransitGatewayAttachment,
              CoreNetwork, CoreNetworkAttachment, CoreNetworkEdge]
    default: VPC
  resource_ids:
    description:
      - The resources to log, all of type O(resource_type). Ids must have the form of that type
        (V(vpc-), V(subnet-), V(eni-), V(nat-), V(tgw-), V(tgw-attach-), V(core-network-), V(attachment-)
        followed by 8 to 17 hexadecimal digits).
      - Required when O(state=present).
    type: list
    elements: str
    aliases: [resource_id]
  flow_log_ids:
    description:
      - With O(state=absent), delete exactly these flow logs, whether or not the collection created them.
    type: list
    elements: str
  traffic_type:
    description:
      - The traffic to log. Defaults to V(ALL) for VPC, subnet, network interface and regional NAT gateway
        flow logs.
      - Not supported for transit gateway and Cloud WAN resource types.
      - With O(state=absent), when omitted, flow logs of any traffic type on that destination are deleted.
    type: str
    choices: [ACCEPT, REJECT, ALL]
  log_destination_type:
    description:
      - Where the flow log records are delivered.
    type: str
    choices: [cloud-watch-logs, s3, kinesis-data-firehose]
    default: cloud-watch-logs
  log_group_name:
    description:
      - The CloudWatch Logs log group. Only with O(log_destination_type=cloud-watch-logs).
      - Mutually exclusive with O(log_destination).
    type: str
  log_destination:
    description:
      - The ARN of the destination. A log group ARN (a trailing V(:*) is ignored), an S3 bucket ARN with an
        optional prefix (V(arn:aws:s3:::bucket/prefix/); the prefix may not be V(AWSLogs)), or a Firehose
        delivery stream ARN.
    type: str
  deliver_logs_permission_arn:
    description:
      - The IAM role that VPC Flow Logs assumes to deliver to CloudWatch Logs (required there), or to a
        Firehose stream in another account. Not applicable to S3.
      - A role created moments ago may not be assumable yet; creation is retried for
        O(role_propagation_timeout) seconds while AWS answers C(Unable to assume given IAM role).
    type: str
    aliases: [iam_role_arn]
  deliver_cross_account_role:
    description:
      - The role in the destination account for cross-account Firehose delivery.
    type: str
  log_format:
    description:
      - The fields of each record, as C(${field}) tokens separated by single spaces.
      - Omit it for the default format of O(resource_type). Fields are checked against the records of that
        type (VPC or transit gateway records); unknown fields fail with the nearest valid field name.
      - Tag fields (C(${instance-tag}), C(${interface-tag-2}), ...) need O(tag_field_specifications).
    type: str
  tag_field_specifications:
    description:
      - Which tags the tag fields of O(log_format) show, sent as C(TagFieldSpecifications).
      - One entry per tagged resource kind (at most 3); the first of its O(tag_field_specifications[].tag_keys)
        fills C(${<kind>-tag}), the second C(${<kind>-tag-2}).
      - Like the other settings, they cannot be changed on an existing flow log; a difference fails the task
        unless O(overwrite=true).
    type: list
    elements: dict
    suboptions:
      resource_type:
        description: The resource whose tags are shown.
        type: str
        required: true
        choices: [network-interface, instance, auto-scaling-group]
      tag_keys:
        description: One or two tag keys (1 to 128 characters each), in field order.
        type: list
        elements: str
        required: true
  max_aggregation_interval:
    description:
      - The longest period, in seconds, over which a flow is captured into one record.
      - Defaults to V(600), or V(60) for transit gateway and Cloud WAN types, which accept only V(60).
    type: int
    choices: [60, 600]
  overwrite:
    description:
      - Replace flow logs whose immutable settings differ from the requested ones.
      - The replacement is created first; the old flow log is deleted only after it exists.
      - Only flow logs the collection created (or adopted with O(adopt=true)) are replaced.
    type: bool
    default: false
notes:
  - A foreign flow log (no C(managed-by=flowlogs.aws) tag) with the resource, destination and traffic type
    asked for blocks the creation of ours, since AWS refuses a duplicate (C(FlowLogAlreadyExists)). The module
    then makes no call for that resource, reports the flow log in RV(foreign) with the reason, and does not
    count it as a change; set O(adopt=true) to take it over.
  - O(purge_tags) never removes the C(managed-by) tag.
  - Check mode reports exactly which flow logs would be created, replaced or deleted and changes nothing.
  - Diff mode shows the flow logs before and after.
extends_documentation_fragment:
  - flowlogs.aws.ownership
  - flowlogs.aws.destination_options
  - flowlogs.aws.flow_log_apply
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Log rejected traffic of two VPCs to CloudWatch Logs
  flowlogs.aws.ec2_vpc_flow_log:
    resource_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
    traffic_type: REJECT
    log_group_name: /aws/vpc-flow-logs/prod
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/vpc-flow-logs-delivery
    tags:
      owner: network-team

- name: Log every subnet to S3 as Parquet with Hive partitions per hour, in a custom format
  flowlogs.aws.ec2_vpc_flow_log:
    resource_type: Subnet
    resource_ids: "{{ subnet_ids }}"
    log_destination_type: s3
    log_destination: arn:aws:s3:::central-flow-logs/prod/
    log_format: "${version} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${action}"
    max_aggregation_interval: 60
    destination_options:
      file_format: parquet
      hive_compatible_partitions: true
      per_hour_partition: true

- name: Change the format of existing flow logs, replacing them without a gap
  flowlogs.aws.ec2_vpc_flow_log:
    resource_type: Subnet
    resource_ids: "{{ subnet_ids }}"
    log_destination_type: s3
    log_destination: arn:aws:s3:::central-flow-logs/prod/
    log_format: "${version} ${srcaddr} ${dstaddr} ${action} ${flow-direction}"
    overwrite: true

- name: Log a transit gateway (60 second aggregation, no traffic type)
  flowlogs.aws.ec2_vpc_flow_log:
    resource_type: TransitGateway
    resource_ids: [tgw-0123456789abcdef0]
    log_destination_type: s3
    log_destination: arn:aws:s3:::central-flow-logs

- name: Log regional NAT gateways to S3 with the Name and team tags of the instances behind each flow
  flowlogs.aws.ec2_vpc_flow_log:
    resource_type: RegionalNatGateway
    resource_ids: [nat-0123456789abcdef0]
    log_destination_type: s3
    log_destination: arn:aws:s3:::central-flow-logs/nat/
    log_format: "${version} ${resource-id} ${srcaddr} ${dstaddr} ${bytes} ${action} ${instance-tag} ${instance-tag-2}"
    tag_field_specifications:
      - resource_type: instance
        tag_keys: [Name, team]

- name: Log a Cloud WAN core network (AWS's default format, 60 second aggregation)
  flowlogs.aws.ec2_vpc_flow_log:
    resource_type: CoreNetwork
    resource_ids: [core-network-0123456789abcdef0]
    log_destination_type: s3
    log_destination: arn:aws:s3:::central-flow-logs/cloudwan/

- name: Take over a flow log created by hand, then manage it like the others
  flowlogs.aws.ec2_vpc_flow_log:
    resource_ids: [vpc-0123456789abcdef0]
    log_group_name: /aws/vpc-flow-logs/prod
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/vpc-flow-logs-delivery
    adopt: true

- name: Remove the flow logs of a VPC that go to a log group
  flowlogs.aws.ec2_vpc_flow_log:
    state: absent
    resource_ids: [vpc-0123456789abcdef0]
    log_group_name: /aws/vpc-flow-logs/prod
"""

RETURN = r"""
flow_logs:
  description:
    - The flow logs, one per resource in O(resource_ids) (state present), or the flow logs deleted (state absent).
    - In check mode, flow logs that would be created have no C(flow_log_id).
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
      description: The logged traffic (absent for transit gateway types).
      type: str
      sample: ALL
    log_destination_type:
      description: The destination type.
      type: str
      sample: s3
    log_destination:
      description: The destination ARN.
      type: str
      sample: arn:aws:s3:::central-flow-logs/prod/
    log_group_name:
      description: The log group, for CloudWatch Logs destinations.
      type: str
      sample: /aws/vpc-flow-logs/prod
    deliver_logs_permission_arn:
      description: The delivery role.
      type: str
      sample: arn:aws:iam::123456789012:role/vpc-flow-logs-delivery
    deliver_logs_status:
      description: The delivery status, C(SUCCESS) or C(FAILED).
      type: str
      sample: SUCCESS
    deliver_logs_error_message:
      description: Why delivery failed, when it did.
      type: str
      sample: Access error
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
      sample: {file_format: parquet, hive_compatible_partitions: true, per_hour_partition: true}
    creation_time:
      description: When the flow log was created.
      type: str
      sample: "2026-11-24T06:15:49+00:00"
    tag_field_specifications:
      description: Which tags the tag fields of the format show.
      type: list
      elements: dict
      sample: [{resource_type: instance, tag_keys: [Name, team]}]
    tags:
      description: The flow log's tags.
      type: dict
      sample: {owner: network-team, managed-by: flowlogs.aws}
foreign:
  description:
    - Matching flow logs the collection did not create (no C(managed-by=flowlogs.aws) tag), left as they are,
      each with the settings of RV(flow_logs) and a C(reason).
    - With O(state=present), such a flow log has the identity asked for, so AWS would refuse ours as a
      duplicate and none was created on its resource.
  returned: always
  type: list
  elements: dict
  sample:
    - flow_log_id: fl-0123456789abcdef0
      resource_id: vpc-0123456789abcdef0
      reason: "not created by flowlogs.aws (no managed-by=flowlogs.aws tag): left as it is; set adopt: true to take it over"
adopted_flow_log_ids:
  description: Flow logs without the C(managed-by=flowlogs.aws) tag taken over because of O(adopt=true).
  returned: always
  type: list
  elements: str
  sample: [fl-0123456789abcdef0]
tagged_flow_log_ids:
  description: Existing flow logs whose tags this task changed.
  returned: when tags were changed
  type: list
  elements: str
  sample: [fl-0123456789abcdef0]
created_flow_log_ids:
  description: Flow logs created by this task (including replacements).
  returned: always
  type: list
  elements: str
  sample: [fl-0123456789abcdef0]
deleted_flow_log_ids:
  description: Flow logs deleted by this task (replaced or removed).
  returned: always
  type: list
  elements: str
  sample: [fl-0fedcba9876543210]
replaced:
  description: The resources whose flow log was replaced, with the settings that differed.
  returned: always
  type: list
  elements: str
  sample: ["subnet-0123456789abcdef0 (fl-0fedcba9876543210): log_format: '${version}' -> '${version} ${action}'"]
unsuccessful:
  description:
    - The entries AWS answered in C(Unsuccessful) (after the retries of IAM propagation errors); the task fails,
      naming the operation.
  returned: when CreateFlowLogs or DeleteFlowLogs answered C(Unsuccessful) entries
  type: list
  elements: dict
  contains:
    resource_id:
      description: The resource CreateFlowLogs created no flow log for.
      type: str
      returned: CreateFlowLogs
      sample: vpc-0123456789abcdef0
    flow_log_id:
      description: The flow log DeleteFlowLogs did not delete (never one that is already gone).
      type: str
      returned: DeleteFlowLogs
      sample: fl-0fedcba9876543210
    code:
      description: AWS's error code.
      type: str
      sample: InvalidVpcID.NotFound
    message:
      description: AWS's error message.
      type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import flow_log_apply_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import flow_log_settings_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_manager import Definition
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_manager import FlowLogManager
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import FlowLogSettingsError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import build_desired


def main():
    argument_spec = flow_log_settings_spec()
    argument_spec.update(flow_log_apply_spec())
    argument_spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        flow_log_ids=dict(type="list", elements="str"),
        overwrite=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("log_group_name", "log_destination"), ("flow_log_ids", "resource_ids")],
        required_if=[
            ("state", "present", ("resource_ids",)),
            ("state", "absent", ("resource_ids", "flow_log_ids"), True),
        ],
    )
    params = module.params
    if params["state"] == "absent" and params.get("flow_log_ids"):
        # The user named these flow logs: delete exactly them, whoever created them (no settings to check).
        manager = FlowLogManager(module, [Definition(None, None)])
        manager.ensure_absent_ids(params["flow_log_ids"])
        manager.exit()
    try:
        desired = build_desired(params, region=module.region)
    except FlowLogSettingsError as e:
        module.fail_json(msg="Invalid flow log parameters: {0}".format(e), problems=e.problems)
    manager = FlowLogManager(module, [Definition(None, desired, params["tags"], params["purge_tags"], params["overwrite"])])
    if params["state"] == "present":
        manager.ensure_present()
    else:
        manager.ensure_absent()
    manager.exit()


if __name__ == "__main__":
    main()
