#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: flowlogs_check
short_description: Check a whole flowlogs.aws inventory before any change
version_added: 0.1.0
description:
  - Checks one target's C(flowlogs_*) variables as a whole, on the controller, without any AWS call, and reports
    B(every) problem at once, each named by its inventory path (for example
    C(flowlogs_flow_logs[2].log_format)). It checks names, references between flow logs and destinations, one bucket or log group
    per destination, log group names (not ARNs), resource ids of the right form, formats field by field, the
    delivery role, the demo VPC settings, and tags that would change the ownership marker.
  - Returns the values derived from the inventory (the marker, the tags, which key layouts each S3 destination's
    bucket policy must allow, computed from the B(whole) description, the resource ids to look up).
  - Settings that work but fail an AWS Security Hub control are returned as warnings naming the control, never
    refused.
  - With O(existing), checks instead that every given resource id was found by the describe calls.
  - It also reads the C(flowlogs_destinations), C(flowlogs_flow_logs), C(flowlogs_region) and C(flowlogs_account_id) of
    B(every) inventory host (C(hostvars)), for central log-archive destinations, which cross targets - a destination
    with C(central) must name a target that owns a bucket (or an Amazon Data Firehose stream) with C(shared_with), no
    two targets may build the same bucket, the flow logs sharing one bucket must agree on what its one Athena table
    reads, and the members of a stream must be in its region and another account. These problems are
    reported on every target, each starting with the inventory host and the path, so that a bad reference anywhere
    stops the run before any change.
  - With O(account_id), checks instead what needs the account of the credentials (C(flowlogs_account_id), that a
    central bucket or stream admits this account, and that a stream of another account is not this account's); given
    with O(existing), both checks are made in one call.
  - The C(flowlogs.aws.flowlogs) role runs it first; it is an action plugin and runs on the controller only.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  inventory:
    description:
      - The target's inventory variables, by name (C(flowlogs_state), C(flowlogs_name), C(flowlogs_tags),
        C(flowlogs_demo_vpc), C(flowlogs_delivery_role), C(flowlogs_destinations), C(flowlogs_flow_logs)).
    type: dict
    required: true
  skip_demo:
    description:
      - This run leaves the demo VPC and the flow logs on it alone (the enable and audit playbooks). They are still
        part of the description, so the bucket policies keep covering them.
    type: bool
    default: false
  existing:
    description:
      - Resource ids found by the describe calls, by resource type (V(VPC), V(Subnet), V(NetworkInterface),
        V(TransitGateway)). Only the types given are checked.
    type: dict
  region:
    description: The region the ids were looked up in, named in the messages.
    type: str
  account_id:
    description: The account of the target's credentials (from C(sts:GetCallerIdentity)).
    type: str
  central:
    description: With O(account_id), the central destinations of the target (RV(plan.central) of an earlier call).
    type: dict
notes:
  - Makes no AWS call and needs no permission.
seealso:
  - module: flowlogs.aws.ec2_vpc_flow_log
  - module: flowlogs.aws.flowlogs_target_info
"""

EXAMPLES = r"""
- name: Check the inventory before any change
  flowlogs.aws.flowlogs_check:
    inventory:
      flowlogs_destinations: "{{ flowlogs_destinations }}"
      flowlogs_flow_logs: "{{ flowlogs_flow_logs }}"
  register: checked

- name: Look up the given ids (only those)
  flowlogs.aws.flowlogs_target_info:
    resource_ids: "{{ checked.plan.given_ids }}"
  register: target

- name: Check the given ids exist, naming the inventory field of each missing one
  flowlogs.aws.flowlogs_check:
    inventory:
      flowlogs_destinations: "{{ flowlogs_destinations }}"
      flowlogs_flow_logs: "{{ flowlogs_flow_logs }}"
    existing: "{{ target.existing }}"
"""

RETURN = r"""
problems:
  description: Every problem found, each starting with the inventory path at fault; empty when there is none.
  returned: always
  type: list
  elements: str
  sample: ["flowlogs_flow_logs[2].log_format: unknown field ${srcadr}; did you mean ${srcaddr}?"]
plan:
  description: Values derived from the inventory (without O(existing), when there is no problem).
  returned: success and O(existing) not given
  type: dict
  contains:
    marker:
      description: The ownership marker tag.
      type: dict
      sample: {managed-by: flowlogs.aws}
    tags:
      description: C(flowlogs_tags) with the marker.
      type: dict
    hive_destinations:
      description: S3 destinations that receive Hive-compatible keys, from every flow log of the inventory.
      type: list
      elements: str
    plain_destinations:
      description: Destinations that receive plain keys, from every flow log of the inventory.
      type: list
      elements: str
    applied_flow_logs:
      description: The names of the flow logs this run creates or updates.
      type: list
      elements: str
    flow_logs:
      description:
        - Every flow log of the description, as given, except that a follower (C(follow_destination), the audit's
          remediation flow log) has the log format, S3 options and tag field specifications of its destination's
          flow logs filled in, and no C(follow_destination) key.
      type: list
      elements: dict
    resource_types:
      description: The resource type of each flow log, by name.
      type: dict
    given_ids:
      description: The resource ids given in those flow logs, by resource type (only types that can be looked up).
      type: dict
    describes_nothing:
      description: True when the inventory has no destination, no flow log and no demo VPC.
      type: bool
    shared:
      description:
        - This target's shared (central) destinations, by name - C(type), C(bucket_name), C(prefix), C(stream_name),
          C(organization_id),
          C(account_ids) and C(regions) (this target's and every other account and region of the inventory that
          delivers there), C(hive) and C(plain) (key layouts), C(members) (the targets that deliver there), C(table)
          (the settings of the one Athena table, or null), C(follow) (what a follower flow log takes), C(athena) and
          C(keep_reason) (why teardown keeps the bucket - a member not torn down in this run).
      type: dict
    central:
      description:
        - This target's central destinations, by name - C(host) (the owner), C(destination), C(type), C(bucket_name),
          C(prefix), C(organization_id) and C(account_ids) (the accounts the bucket or stream admits); for a stream also
          C(stream_name), C(stream_account_id), C(region) and C(resource_types) (of the flow logs of this account that
          deliver there).
      type: dict
    organization_destinations:
      description: The names of the shared and central destinations; their flow logs get no Athena table of their own.
      type: list
      elements: str
    destinations:
      description:
        - C(flowlogs_destinations) with the bucket and prefix (and stream name) of each central destination, and the
          stream name of a C(stream_arn), filled in.
      type: list
      elements: dict
    cross_account:
      description:
        - The kinesis-data-firehose destinations whose stream is in another account (C(central), or C(stream_arn)), by
          name - C(stream_name), C(stream_account_id) and C(region) of the stream, C(cross_account_role_arn) (given
          with C(stream_arn), else empty), C(cross_account_role_name), C(source_role_name) (the role this account
          builds) and C(resource_types) (of every target of this account delivering there, and VPC). The input of
          P(flowlogs.aws.firehose_source_role#filter).
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import CHECK_ARGUMENT_SPEC


def main():
    module = AnsibleModule(
        argument_spec=CHECK_ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    module.fail_json(msg="flowlogs.aws.flowlogs_check runs on the controller through its action plugin")


if __name__ == "__main__":
    main()
