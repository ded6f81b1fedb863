#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_vpc_flow_logs
short_description: Manage several VPC flow log definitions in one task
version_added: 0.2.0
description:
  - Create, replace and delete the flow logs of several definitions in one task. A definition is what one
    M(flowlogs.aws.ec2_vpc_flow_log) task takes - one set of settings (destination, traffic type, format, ...) on
    many resources - and follows the same rules; this module saves a module run per definition.
  - The flow logs of every resource of every definition are described at once (one paginated
    C(DescribeFlowLogs), however many definitions share a resource). Each definition then gets its own
    C(CreateFlowLogs) calls, since one call takes one set of settings (300 resources per call, 25 for transit
    gateway types); removals are one C(DeleteFlowLogs) per 1000 flow logs for all definitions.
  - Every definition is validated before any API call and every problem is reported, each naming its definition.
    Two definitions may not ask for the same flow log (resource, destination and traffic type), which AWS keeps
    only once per resource.
  - The flow logs of every definition that exist with other immutable settings are found before any write; unless
    the definition may overwrite them, the task fails, naming the definitions, and changes nothing.
  - Definitions are applied in order, each as M(flowlogs.aws.ec2_vpc_flow_log) applies its change (replacements
    are created before the flow logs they replace are deleted). An AWS error fails the task with a message naming
    the definition and the API operation; the definitions before it stay applied and are listed in
    RV(created_flow_log_ids), RV(deleted_flow_log_ids) and RV(tagged_flow_log_ids), the ones after it are not
    touched.
  - A definition without resources (an empty O(definitions[].resource_ids), for example filters that found nothing)
    makes no API call; its results are empty lists.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) makes sure the flow logs of every definition exist with its settings.
      - V(absent) deletes, for every definition, the flow logs on its resources that go to its destination (and have
        its O(definitions[].traffic_type), when set) and that the collection created (or all of them with
        O(adopt=true)). Only what identifies the flow logs is needed then; no delivery role. A flow log that two
        definitions match is deleted once and listed under both.
    type: str
    choices: [present, absent]
    default: present
  definitions:
    description:
      - The flow logs to manage, one entry per set of settings. Each key means what the option of the same name of
        M(flowlogs.aws.ec2_vpc_flow_log) means, with the same defaults and checks.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: A unique name for the definition; messages and results name it.
        type: str
        required: true
      resource_type:
        description:
          - The type of O(definitions[].resource_ids), as in M(flowlogs.aws.ec2_vpc_flow_log).
        type: str
        choices: [VPC, Subnet, NetworkInterface, RegionalNatGateway, TransitGateway, TransitGatewayAttachment,
                  CoreNetwork, CoreNetworkAttachment, CoreNetworkEdge]
        default: VPC
      resource_ids:
        description:
          - The resources to log, all of type O(definitions[].resource_type). May be empty - nothing is called for
            that definition.
        type: list
        elements: str
        required: true
        aliases: [resource_id]
      traffic_type:
        description:
          - The traffic to log; V(ALL) when omitted with O(state=present), any with O(state=absent). Not for transit
            gateway and Cloud WAN types.
        type: str
        choices: [ACCEPT, REJECT, ALL]
      log_destination_type:
        description: Where the flow log records are delivered.
        type: str
        choices: [cloud-watch-logs, s3, kinesis-data-firehose]
        default: cloud-watch-logs
      log_group_name:
        description: The CloudWatch Logs log group, instead of O(definitions[].log_destination).
        type: str
      log_destination:
        description: The ARN of the log group, S3 bucket (with an optional prefix) or Firehose delivery stream.
        type: str
      deliver_logs_permission_arn:
        description: The delivery role; required for CloudWatch Logs, and for Firehose in another account.
        type: str
        aliases: [iam_role_arn]
      deliver_cross_account_role:
        description: The role in the destination account for cross-account Firehose delivery.
        type: str
      log_format:
        description: The fields of each record; the default format of the resource type when omitted.
        type: str
      tag_field_specifications:
        description:
          - Which tags the tag fields of the format show; replaces O(tag_field_specifications) for this definition.
        type: list
        elements: dict
        suboptions:
          resource_type:
            description: The resource whose tags are shown.
            type: str
            required: true
            choices: [network-interface, instance, auto-scaling-group]
          tag_keys:
            description: One or two tag keys, in field order.
            type: list
            elements: str
            required: true
      max_aggregation_interval:
        description: 60 or 600 seconds (600 when omitted; transit gateway and Cloud WAN types take only 60).
        type: int
        choices: [60, 600]
      destination_options:
        description: The S3 delivery options of the flow logs. Only for S3 flow logs.
        type: dict
        suboptions:
          file_format:
            description: The format of the delivered objects.
            type: str
            choices: [plain-text, parquet]
            default: plain-text
          hive_compatible_partitions:
            description: Hive-compatible S3 prefixes.
            type: bool
            default: false
          per_hour_partition:
            description: Partition objects per hour instead of per day.
            type: bool
            default: false
      tags:
        description: Tags of these flow logs, merged over O(tags).
        type: dict
      overwrite:
        description: Overrides O(overwrite) for this definition.
        type: bool
  tags:
    description:
      - Tags of the flow logs of every definition; each definition's own O(definitions[].tags) are merged over them.
        The module always adds C(managed-by=flowlogs.aws).
      - When neither gives tags, the tags of existing flow logs are left as they are (the marker is still added on
        adoption).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove the tags of existing flow logs that their definition does not give (never C(managed-by)).
    type: bool
    default: true
  tag_field_specifications:
    description:
      - Tag field specifications for every definition that has none of its own (needed by C(${instance-tag}) and the
        other tag fields).
    type: list
    elements: dict
    suboptions:
      resource_type:
        description: The resource whose tags are shown.
        type: str
        required: true
        choices: [network-interface, instance, auto-scaling-group]
      tag_keys:
        description: One or two tag keys, in field order.
        type: list
        elements: str
        required: true
  overwrite:
    description:
      - Replace flow logs whose immutable settings differ from their definition's (for the definitions that do not
        set O(definitions[].overwrite)). The replacement is created first; the old flow log is deleted only after it
        exists.
    type: bool
    default: false
notes:
  - Check mode reports exactly which flow logs of each definition would be created, replaced or deleted and changes
    nothing. Diff mode shows the flow logs of each definition before and after.
  - The flowlogs.aws.flow_logs role manages its definitions with this module, in one task.
seealso:
  - module: flowlogs.aws.ec2_vpc_flow_log
extends_documentation_fragment:
  - flowlogs.aws.ownership
  - flowlogs.aws.flow_log_apply
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Rejected traffic of the VPCs to CloudWatch Logs, and every subnet to S3 as Parquet, in one task
  flowlogs.aws.ec2_vpc_flow_logs:
    tags:
      owner: network-team
    definitions:
      - name: rejects
        resource_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
        traffic_type: REJECT
        log_group_name: /aws/vpc-flow-logs/prod
        deliver_logs_permission_arn: arn:aws:iam::123456789012:role/vpc-flow-logs-delivery
      - name: subnets
        resource_type: Subnet
        resource_ids: "{{ subnet_ids }}"
        log_destination_type: s3
        log_destination: arn:aws:s3:::central-flow-logs/prod/
        destination_options:
          file_format: parquet
          hive_compatible_partitions: true
        tags:
          tier: subnets
  register: flow_logs

- name: Show the flow log ids of each definition
  ansible.builtin.debug:
    msg: "{{ item.key }}: {{ item.value | map(attribute='flow_log_id') | list }}"
  loop: "{{ flow_logs.flow_logs | dict2items }}"

- name: Remove the flow logs of both definitions
  flowlogs.aws.ec2_vpc_flow_logs:
    state: absent
    definitions:
      - name: rejects
        resource_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
        log_group_name: /aws/vpc-flow-logs/prod
      - name: subnets
        resource_type: Subnet
        resource_ids: "{{ subnet_ids }}"
        log_destination_type: s3
        log_destination: arn:aws:s3:::central-flow-logs/prod/
"""

RETURN = r"""
flow_logs:
  description:
    - For each definition, by name - its flow logs, one per resource (O(state=present)), or the flow logs deleted
      (O(state=absent)), each as RV(flowlogs.aws.ec2_vpc_flow_log#module:flow_logs) describes them.
    - An empty list for a definition without resources.
    - In check mode, flow logs that would be created have no C(flow_log_id).
  returned: always
  type: dict
  sample:
    rejects:
      - flow_log_id: fl-0123456789abcdef0
        resource_id: vpc-0123456789abcdef0
        traffic_type: REJECT
        log_destination_type: cloud-watch-logs
        log_group_name: /aws/vpc-flow-logs/prod
        tags: {owner: network-team, managed-by: flowlogs.aws}
    subnets: []
foreign:
  description:
    - For each definition, by name - the matching flow logs the collection did not create, left as they are, each
      with a C(reason), as RV(flowlogs.aws.ec2_vpc_flow_log#module:foreign) describes them.
  returned: always
  type: dict
  sample:
    rejects: []
    subnets: []
replaced:
  description: For each definition, by name - the resources whose flow log was replaced, with the settings that differed.
  returned: always
  type: dict
  sample:
    subnets: ["subnet-0123456789abcdef0 (fl-0fedcba9876543210): log_format: '${version}' -> '${version} ${action}'"]
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
  description: Flow logs created by this task for every definition (including replacements).
  returned: always
  type: list
  elements: str
  sample: [fl-0123456789abcdef0]
deleted_flow_log_ids:
  description: Flow logs deleted by this task for every definition (replaced or removed).
  returned: always
  type: list
  elements: str
  sample: [fl-0fedcba9876543210]
unsuccessful:
  description:
    - The entries AWS answered in C(Unsuccessful), as RV(flowlogs.aws.ec2_vpc_flow_log#module:unsuccessful)
      describes them; the task fails, naming the definition and the operation.
  returned: when CreateFlowLogs or DeleteFlowLogs answered C(Unsuccessful) entries
  type: list
  elements: dict
  sample: [{resource_id: vpc-0123456789abcdef0, code: InvalidVpcID.NotFound, message: "The vpc ID does not exist"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import flow_log_apply_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import flow_log_settings_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import tag_field_specifications_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_manager import Definition
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_manager import FlowLogManager
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import build_desired
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import definition_params
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import definitions_problems


def main():
    definition_spec = flow_log_settings_spec()
    definition_spec["resource_ids"]["required"] = True
    definition_spec.update(
        name=dict(type="str", required=True),
        tags=dict(type="dict"),
        overwrite=dict(type="bool"),
    )
    argument_spec = flow_log_apply_spec()
    argument_spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        definitions=dict(type="list", elements="dict", required=True, options=definition_spec),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        tag_field_specifications=tag_field_specifications_spec(),
        overwrite=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    shared = dict(tags=params["tags"], tag_field_specifications=params["tag_field_specifications"],
                  state=params["state"])
    # Every definition is checked before the first call; each problem names its definition.
    problems = definitions_problems(params["definitions"], variable="definitions", region=module.region, **shared)
    if problems:
        module.fail_json(msg="Invalid flow log definitions (no API call was made): {0}".format("; ".join(problems)),
                         problems=problems)
    definitions = []
    for entry in params["definitions"]:
        settings = definition_params(entry, **shared)
        overwrite = params["overwrite"] if entry["overwrite"] is None else entry["overwrite"]
        definitions.append(Definition(entry["name"], build_desired(settings, module.region, require_resources=False),
                                      settings["tags"], params["purge_tags"], overwrite))
    manager = FlowLogManager(module, definitions, keyed=True)
    if params["state"] == "present":
        manager.ensure_present()
    else:
        manager.ensure_absent()
    manager.exit()


if __name__ == "__main__":
    main()
