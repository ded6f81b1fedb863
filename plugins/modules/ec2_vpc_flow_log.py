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
  wait:
    description:
      - Wait until the flow logs are active and fail if AWS reports a delivery error
        (C(DeliverLogsErrorMessage), for example C(Access error)).
    type: bool
    default: false
  wait_timeout:
    description: How long to wait, in seconds, when O(wait=true).
    type: int
    default: 300
  role_propagation_timeout:
    description:
      - How long, in seconds, to retry creation while AWS cannot yet assume a newly created delivery role.
    type: int
    default: 120
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
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import destination_options_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import FlowLogApiError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import apply_tag_changes
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import create_flow_logs
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import delete_flow_logs
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import delivery_errors
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import describe_flow_logs
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import ec2_client
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import format_flow_log
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import is_iam_propagation_error
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import plan_tag_changes
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_api import wait_for_flow_logs
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import RESOURCE_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import UNSUPPORTED_RESOURCE_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import FlowLogSettingsError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import build_desired
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import create_request
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import describe_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import matches_filter
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import max_resource_ids
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import normalize_existing
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import same_identity
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import tag_field_specifications_result
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import MARKER
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker

TAG_FIELD_RESOURCE_TYPES = ["network-interface", "instance", "auto-scaling-group"]
FOREIGN_REASON = (
    "not created by flowlogs.aws (no managed-by=flowlogs.aws tag): left as it is; set adopt: true to take it over"
)
FOREIGN_DUPLICATE_REASON = (
    "has the resource, destination and traffic type asked for but was not created by flowlogs.aws "
    "(no managed-by=flowlogs.aws tag). AWS refuses a second flow log with that identity "
    "(FlowLogAlreadyExists), so none was created and this one was left as it is; set adopt: true to take it over"
)


def _tags(flow_log):
    return boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))


def _listed(ids, limit=5):
    """A short list of ids for messages."""
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown + (" and {0} more".format(len(ids) - limit) if len(ids) > limit else "")


def _merge_groups(*plans):
    """Merge plan_tag_changes results (dicts of change -> ids)."""
    merged = {}
    for plan in plans:
        for change, ids in plan.items():
            merged.setdefault(change, []).extend(ids)
    return merged


def _planned(desired, resource_id, tags):
    """What a flow log about to be created looks like, for check mode and diffs."""
    planned = {
        "resource_id": resource_id,
        "traffic_type": desired["traffic_type"],
        "log_destination_type": desired["log_destination_type"],
        "log_destination": desired["log_destination"],
        "log_group_name": desired["log_group_name"],
        "deliver_logs_permission_arn": desired["deliver_logs_permission_arn"],
        "deliver_cross_account_role": desired["deliver_cross_account_role"],
        "log_format": desired["log_format"],
        "max_aggregation_interval": desired["max_aggregation_interval"],
        "tag_field_specifications": tag_field_specifications_result(desired["tag_field_specifications"]),
        "tags": tags or {},
    }
    if desired["destination_options"]:
        options = desired["destination_options"]
        planned["destination_options"] = {
            "file_format": options["FileFormat"],
            "hive_compatible_partitions": options["HiveCompatiblePartitions"],
            "per_hour_partition": options["PerHourPartition"],
        }
    return {k: v for k, v in planned.items() if v is not None}


def _foreign(flow_log, reason):
    result = format_flow_log(flow_log)
    result["reason"] = reason
    return result


class FlowLogManager:
    """Describe what exists, compute the change, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.results = {"changed": False, "flow_logs": [], "created_flow_log_ids": [],
                        "deleted_flow_log_ids": [], "replaced": [], "foreign": [], "adopted_flow_log_ids": []}
        self.desired = None
        self._known_ids = set()
        # With explicit flow_log_ids only the ids matter: there are no settings to check.
        if not (self.params["state"] == "absent" and self.params.get("flow_log_ids")):
            try:
                self.desired = build_desired(self.params, region=module.region)
            except FlowLogSettingsError as e:
                module.fail_json(msg="Invalid flow log parameters: {0}".format(e), problems=e.problems)
        self.client = ec2_client(module)

    def exit(self):
        self.module.exit_json(**self.results)

    def _fail_api(self, error, context):
        """Fail cleanly on a FlowLogApiError: the operation, what it was about, and what was done before."""
        self.results["changed"] = bool(self.results["created_flow_log_ids"] or self.results["deleted_flow_log_ids"]
                                       or self.results.get("tagged_flow_log_ids"))
        self.module.fail_json_aws(error.exception or error, msg="{0} {1}".format(error.message, context),
                                  **self.results)

    # ---- present -----------------------------------------------------------------------------

    def _describe_resources(self, resource_ids):
        try:
            return describe_flow_logs(self.client, filters={"resource-id": resource_ids})
        except FlowLogApiError as e:
            self._fail_api(e, "on {0}".format(_listed(resource_ids)))

    def _existing_by_resource(self):
        existing = {}
        for flow_log in self._describe_resources(self.desired["resource_ids"]):
            existing.setdefault(flow_log["ResourceId"], []).append(flow_log)
        return existing

    def _compare(self, flow_log):
        """None when flow_log is another flow log, else the settings that differ (empty when none)."""
        current = normalize_existing(flow_log)
        if not same_identity(current, self.desired):
            return None
        return differences(current, self.desired)

    def _ours(self, flow_log):
        return self.params["adopt"] or is_managed(_tags(flow_log))

    def _plan(self, existing):
        """Classify every resource: unchanged (with its flow log), conflict, foreign, or missing."""
        unchanged, conflicts, foreign, missing = {}, {}, {}, []
        for resource_id in self.desired["resource_ids"]:
            same, other, theirs = None, None, None
            for flow_log in existing.get(resource_id, []):
                diffs = self._compare(flow_log)
                if diffs is None:
                    continue
                if not self._ours(flow_log):
                    theirs = theirs or flow_log
                elif not diffs:
                    same = same or flow_log
                else:
                    other = other or (flow_log, diffs)
            if same:
                unchanged[resource_id] = same
            elif other:
                conflicts[resource_id] = other
            elif theirs:
                foreign[resource_id] = theirs
            else:
                missing.append(resource_id)
        return unchanged, conflicts, foreign, missing

    def _plan_tags(self, unchanged):
        """Tag changes of the kept flow logs: the user's tags (if given) and always the marker."""
        tags, purge = self.params["tags"], self.params["purge_tags"]
        current = {fl["FlowLogId"]: _tags(fl) for fl in unchanged.values()}
        if tags is not None:
            return plan_tag_changes(current, with_marker(tags), purge)
        # No tags asked for: leave them alone, except that an adopted flow log gets the marker.
        return plan_tag_changes(current, dict(MARKER), False)

    def ensure_present(self):
        existing = self._existing_by_resource()
        self._known_ids = set(fl["FlowLogId"] for fls in existing.values() for fl in fls)
        unchanged, conflicts, foreign, missing = self._plan(existing)
        self.results["foreign"] = [_foreign(fl, FOREIGN_DUPLICATE_REASON) for fl in foreign.values()]
        self.results["adopted_flow_log_ids"] = [
            fl["FlowLogId"] for fl in list(unchanged.values()) + [pair[0] for pair in conflicts.values()]
            if not is_managed(_tags(fl))]
        described = [describe_differences(rid, fl["FlowLogId"], diffs) for rid, (fl, diffs) in conflicts.items()]
        if conflicts and not self.params["overwrite"]:
            shown = described[:5] + (["... and {0} more (see conflicts)".format(len(described) - 5)]
                                     if len(described) > 5 else [])
            self.module.fail_json(
                msg="Flow logs exist with different settings, which AWS cannot change in place; "
                "set overwrite: true to replace them (no change was made): " + " | ".join(shown),
                conflicts=described, foreign=self.results["foreign"],
            )
        to_set, to_unset = self._plan_tags(unchanged)
        to_create = missing + list(conflicts)
        self.results["replaced"] = described
        changed = bool(to_create or to_set or to_unset)
        if self.module._diff:
            self.results["diff"] = self._diff(unchanged, conflicts, missing)
        if self.module.check_mode:
            self.results["changed"] = changed
            self.results["flow_logs"] = self._check_mode_result(unchanged, to_create)
            return
        created, unsuccessful = self._create(to_create)
        self.results["created_flow_log_ids"] = list(created.values())
        # Only now that the replacements exist are the flow logs they replace retired.
        old_ids = [conflicts[rid][0]["FlowLogId"] for rid in created if rid in conflicts]
        if old_ids:
            self._delete(old_ids)
        if unsuccessful:
            self._fail_unsuccessful(unsuccessful, created, len(to_create))
        self._apply_tags(to_set, to_unset)
        self.results["changed"] = changed
        self._collect_result(unchanged, created, to_set or to_unset)

    def _apply_tags(self, to_set, to_unset):
        done = self.results.setdefault("tagged_flow_log_ids", [])
        try:
            apply_tag_changes(self.client, to_set, to_unset, done=done)
        except FlowLogApiError as e:
            pending = sorted(set(i for ids in list(to_set.values()) + list(to_unset.values()) for i in ids))
            self._fail_api(e, "on {0}".format(_listed(pending)))
        if not done:
            del self.results["tagged_flow_log_ids"]

    def _fail_unsuccessful(self, unsuccessful, created, requested):
        errors = ["{0}: {1} {2}".format(u["resource_id"], u["code"], u["message"]) for u in unsuccessful]
        self.results["changed"] = bool(created)
        self.module.fail_json(
            msg="CreateFlowLogs did not create flow logs for {0} of {1} resources (existing flow logs on them were "
            "kept): {2}".format(
                len(unsuccessful), requested, "; ".join(errors)),
            unsuccessful=unsuccessful,
            **self.results
        )

    def _create(self, resource_ids):
        """Create flow logs; returns ({resource_id: flow_log_id}, unsuccessful entries)."""
        if not resource_ids:
            return {}, []
        try:
            created, unsuccessful = create_flow_logs(
                self.client,
                create_request(self.desired),
                resource_ids,
                max_resource_ids(self.desired["resource_type"]),
                # Everything the collection creates carries the marker, whatever tags says.
                tags=with_marker(self.params["tags"]),
                propagation_timeout=self.params["role_propagation_timeout"],
            )
        except FlowLogApiError as e:
            # A refused call may still have created flow logs for some resources: report them.
            self.results["created_flow_log_ids"] = self._created_since(resource_ids)
            if is_iam_propagation_error(e):
                self._fail_api(e, "on {0}: VPC Flow Logs could not assume {1} within {2}s; check its trust policy".format(
                    _listed(resource_ids), self.desired["deliver_logs_permission_arn"],
                    self.params["role_propagation_timeout"]))
            self._fail_api(e, "on {0} (no existing flow log was deleted)".format(_listed(resource_ids)))
        return dict(created), unsuccessful

    def _created_since(self, resource_ids):
        """Flow logs with the desired identity and settings on resource_ids that were not there before."""
        try:
            found = describe_flow_logs(self.client, filters={"resource-id": resource_ids})
        except FlowLogApiError:
            return []  # best effort while reporting another failure
        return [fl["FlowLogId"] for fl in found if fl["FlowLogId"] not in self._known_ids and self._compare(fl) == []]

    def _delete(self, flow_log_ids):
        try:
            unsuccessful = delete_flow_logs(self.client, flow_log_ids)
        except FlowLogApiError as e:
            self._fail_api(e, "{0}".format(_listed(flow_log_ids)))
        failed = set(u["flow_log_id"] for u in unsuccessful)
        self.results["deleted_flow_log_ids"] = [i for i in flow_log_ids if i not in failed]
        if unsuccessful:
            # Changed if anything was deleted, or created before (a replacement).
            self.results["changed"] = bool(self.results["deleted_flow_log_ids"] or self.results.get("created_flow_log_ids"))
            self.module.fail_json(
                msg="DeleteFlowLogs did not delete {0} of {1} flow logs: {2}".format(
                    len(unsuccessful), len(flow_log_ids),
                    "; ".join("{0}: {1} {2}".format(u["flow_log_id"], u["code"], u["message"]) for u in unsuccessful)),
                unsuccessful=unsuccessful, **self.results)

    def _collect_result(self, unchanged, created, tags_changed):
        """Read back only what changed; unchanged flow logs are already described."""
        fresh_ids = list(created.values())
        if tags_changed:
            fresh_ids += [fl["FlowLogId"] for fl in unchanged.values()]
        fresh = {}
        if fresh_ids:
            try:
                if self.params["wait"] and created:
                    current = wait_for_flow_logs(self.client, fresh_ids, self.params["wait_timeout"])
                else:
                    current = describe_flow_logs(self.client, flow_log_ids=fresh_ids)
            except FlowLogApiError as e:
                self._fail_api(e, "{0} to read them back".format(_listed(fresh_ids)))
            fresh = {fl["FlowLogId"]: fl for fl in current}
        by_resource = {}
        for resource_id, flow_log in unchanged.items():
            by_resource[resource_id] = fresh.get(flow_log["FlowLogId"], flow_log)
        # Key new flow logs by the resource AWS reports for them, not by response order.
        for flow_log_id in created.values():
            if flow_log_id in fresh:
                by_resource[fresh[flow_log_id]["ResourceId"]] = fresh[flow_log_id]
        ordered = [by_resource[rid] for rid in self.desired["resource_ids"] if rid in by_resource]
        self.results["flow_logs"] = [format_flow_log(fl) for fl in ordered]
        if self.params["wait"]:
            failed = delivery_errors(ordered)
            if failed:
                self.module.fail_json(
                    msg="Flow log delivery failed: " + "; ".join(
                        "{0} on {1}: {2}".format(f["flow_log_id"], f["resource_id"], f["deliver_logs_error_message"])
                        for f in failed),
                    delivery_errors=failed,
                    **self.results
                )

    def _check_mode_result(self, unchanged, to_create):
        result = {rid: format_flow_log(fl) for rid, fl in unchanged.items()}
        for resource_id in to_create:
            result[resource_id] = _planned(self.desired, resource_id, with_marker(self.params["tags"]))
        return [result[rid] for rid in self.desired["resource_ids"] if rid in result]

    def _diff(self, unchanged, conflicts, missing):
        before = [format_flow_log(fl) for fl in unchanged.values()] + [
            format_flow_log(pair[0]) for pair in conflicts.values()]
        after = [format_flow_log(fl) for fl in unchanged.values()] + [
            _planned(self.desired, rid, with_marker(self.params["tags"])) for rid in list(conflicts) + missing]
        return {"before": {"flow_logs": before}, "after": {"flow_logs": after}}

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        if self.params.get("flow_log_ids"):
            # The user named these flow logs: delete exactly them, whoever created them.
            try:
                targets = describe_flow_logs(self.client, flow_log_ids=self.params["flow_log_ids"])
            except FlowLogApiError as e:
                self._fail_api(e, "{0}".format(_listed(self.params["flow_log_ids"])))
        else:
            found = self._describe_resources(self.desired["resource_ids"])
            matching = [fl for fl in found if matches_filter(normalize_existing(fl), self.desired)]
            targets = [fl for fl in matching if self._ours(fl)]
            self.results["foreign"] = [_foreign(fl, FOREIGN_REASON) for fl in matching if not self._ours(fl)]
        ids = [fl["FlowLogId"] for fl in targets]
        self.results["changed"] = bool(ids)
        self.results["flow_logs"] = [format_flow_log(fl) for fl in targets]
        if self.module._diff:
            self.results["diff"] = {"before": {"flow_logs": self.results["flow_logs"]}, "after": {"flow_logs": []}}
        if self.module.check_mode or not ids:
            return
        self._delete(ids)


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        # Every FlowLogsResourceType value; the unsupported ones are refused by build_desired with the reason.
        resource_type=dict(type="str", default="VPC",
                           choices=list(RESOURCE_TYPES) + sorted(UNSUPPORTED_RESOURCE_TYPES)),
        resource_ids=dict(type="list", elements="str", aliases=["resource_id"]),
        flow_log_ids=dict(type="list", elements="str"),
        traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"]),
        log_destination_type=dict(
            type="str", default="cloud-watch-logs", choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"]
        ),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str", aliases=["iam_role_arn"]),
        deliver_cross_account_role=dict(type="str"),
        log_format=dict(type="str"),
        tag_field_specifications=dict(
            type="list", elements="dict",
            options=dict(
                resource_type=dict(type="str", required=True, choices=TAG_FIELD_RESOURCE_TYPES),
                tag_keys=dict(type="list", elements="str", required=True, no_log=False),
            ),
        ),
        max_aggregation_interval=dict(type="int", choices=[60, 600]),
        destination_options=destination_options_spec(),
        overwrite=dict(type="bool", default=False),
        adopt=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        role_propagation_timeout=dict(type="int", default=120),
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
    manager = FlowLogManager(module)
    if module.params["state"] == "present":
        manager.ensure_present()
    else:
        manager.ensure_absent()
    manager.exit()


if __name__ == "__main__":
    main()
