#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: athena_named_queries
short_description: Manage a set of Athena named (saved) queries in a workgroup, including flow-log queries generated from the log format
version_added: 0.1.0
description:
  - One task manages a whole set of named queries in one Athena workgroup. Missing queries are created, changed
    ones are updated in place (C(UpdateNamedQuery)), or replaced (deleted, then created) when their database
    changes, which C(UpdateNamedQuery) cannot do. Unchanged queries are left alone, so an unchanged re-run only
    reads (C(GetWorkGroup), C(ListNamedQueries) and one C(BatchGetNamedQuery) per 50 queries).
  - O(flow_log_queries) generates the questions the AWS console's Athena integration asks of VPC flow logs (top
    talkers by bytes and by packets, rejected traffic, rejected TCP, SSH/RDP and admin ports, traffic by hour, traffic
    from and to an address, top instances and subnets, accepted traffic, IPv4 and IPv6 traffic...) from the fields
    the log format has. A query whose fields the format lacks is skipped and listed in RV(skipped_queries).
    Generated queries use only columns of the table M(flowlogs.aws.glue_flow_log_table) builds for the same format
    and delivery options, and filter on the projected date partitions so Athena reads only the last days.
  - >-
    Athena allows several named queries with the same name; this module keeps one per name. Named queries
    have no tags, so the queries of a set carry the marker C([flowlogs.aws query set: NAME]) at the end of their
    description. O(purge=true) and O(state=absent) delete only queries with the marker of O(query_set).
    A query with a wanted name but without the marker (made by hand or by another tool) is foreign: it is left as it
    is, the wanted query is not saved beside it, and its name is listed in RV(foreign), unless O(adopt=true), which
    updates it and adds the marker.
  - Every parameter, including the log format, is validated before any API call.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) creates and updates the queries.
      - V(absent) deletes every query of O(query_set) in the workgroup (queries and O(flow_log_queries) are then
        only used to know the query set).
    type: str
    choices: [present, absent]
    default: present
  workgroup:
    description: The Athena workgroup the queries belong to. It must exist.
    type: str
    required: true
  database:
    description:
      - The Glue database the queries run against, and that generated queries read from.
      - The default for O(queries[].database). Required with O(state=present).
    type: str
  query_set:
    description:
      - The name of this set of queries, recorded in their descriptions. Defaults to
        O(flow_log_queries.table) when generating queries, else V(default).
      - Use different sets for different tables in one workgroup, so that purging one does not touch the other.
    type: str
  flow_log_queries:
    description:
      - Generate flow-log queries for the table of a flow log format.
    type: dict
    suboptions:
      table:
        description: The Glue table (as made by M(flowlogs.aws.glue_flow_log_table)) in O(database).
        type: str
        required: true
      log_format:
        description: The flow log's record format; the default format when omitted.
        type: str
      destination_options:
        description: The flow log's S3 delivery options, which decide the table's partition keys and column types.
        type: dict
        default: {}
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
            description: Partitions per hour.
            type: bool
            default: false
      include:
        description: Generate only these queries (default all that the format allows).
        type: list
        elements: str
        choices: &query_keys
          - accepted_traffic
          - admin_port_traffic
          - ipv4_traffic
          - ipv6_traffic
          - rejected_tcp_traffic
          - rejected_traffic
          - ssh_rdp_traffic
          - top_talkers
          - top_talkers_by_packets
          - top_talkers_packet_level
          - top_talking_instances
          - top_talking_subnets
          - top_tcp_traffic
          - total_bytes_transferred
          - total_bytes_transferred_packet_level
          - traffic_by_hour
          - traffic_from_address
          - traffic_to_address
      exclude:
        description: Do not generate these queries.
        type: list
        elements: str
        choices: *query_keys
        default: []
      lookback_days:
        description: The queries read the date partitions of the last this many days.
        type: int
        default: 7
      address:
        description: The placeholder address of the "traffic from/to an address" queries. Replace it when running them.
        type: str
        default: 192.0.2.1
      name_prefix:
        description: Generated queries are named this prefix plus the query key. Defaults to the table name and C(_).
        type: str
      traffic_type:
        description:
          - The traffic type of the flow logs the table holds. With V(REJECT) the query of accepted flows is left out,
            with V(ACCEPT) the queries of rejected flows - their records never have that action, so those queries could
            only return nothing. They are listed in RV(skipped_queries) with the reason.
        type: str
        choices: [ACCEPT, REJECT, ALL]
        version_added: "0.2.0"
notes:
  - Check mode reports what would change and changes nothing. Diff mode shows the queries before and after.
  - The workgroup must exist, except in check mode, where a missing workgroup (one an earlier task would create)
    means that every query would be created.
  - When an AWS call fails, the failure names the operation, and RV(created), RV(updated) and RV(deleted) list what
    was done before it.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - flowlogs.aws.ownership
  - flowlogs.aws.athena_named_queries
"""

EXAMPLES = r"""
- name: Saved queries for a flow-log table, from its format and delivery options
  flowlogs.aws.athena_named_queries:
    workgroup: vpc-flow-logs
    database: vpc_flow_logs
    flow_log_queries:
      table: prod_flow_logs
      log_format: "${version} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${action}"
      destination_options:
        file_format: parquet
        hive_compatible_partitions: true
        per_hour_partition: true
      lookback_days: 3
    purge: true
  register: saved

- name: Which queries the format could not support
  ansible.builtin.debug:
    msg: "{{ saved.skipped_queries }}"

- name: A hand-written query in the same set
  flowlogs.aws.athena_named_queries:
    workgroup: vpc-flow-logs
    database: vpc_flow_logs
    query_set: prod_flow_logs
    queries:
      - name: prod_flow_logs_nodata
        description: Intervals without traffic
        query_string: "SELECT interface_id, count(*) FROM prod_flow_logs WHERE log_status = 'NODATA' GROUP BY 1"

- name: Remove the saved queries of the table
  flowlogs.aws.athena_named_queries:
    state: absent
    workgroup: vpc-flow-logs
    query_set: prod_flow_logs
"""

RETURN = r"""
named_queries:
  description: The queries of the set after the run (in check mode, as they would be), wanted ones first, in order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The query name.
      type: str
      sample: prod_flow_logs_top_talkers
    named_query_id:
      description: The query id (absent for queries check mode would create).
      type: str
      sample: 6d3c9a2e-1f1b-4d36-8d6c-7f3e5a0d1c2b
    database:
      description: The database.
      type: str
      sample: vpc_flow_logs
    description:
      description: The description, ending with the set marker.
      type: str
      sample: "Source addresses sending the most bytes. Last 7 days. (console: VpcFlowLogsTopTalkers) [flowlogs.aws query set: prod_flow_logs]"
    query_string:
      description: The SQL text.
      type: str
    status:
      description: V(created), V(updated), V(replaced) or V(unchanged).
      type: str
      sample: unchanged
created:
  description: Names of the queries created (including replacements).
  returned: always
  type: list
  elements: str
updated:
  description: Names of the queries updated in place.
  returned: always
  type: list
  elements: str
deleted:
  description: Names of the queries deleted (purged, duplicates, replaced, or O(state=absent)).
  returned: always
  type: list
  elements: str
foreign:
  description:
    - Names of wanted queries that exist in the workgroup without the set marker; they were left as they are and not
      saved again. Empty with O(adopt=true).
  returned: always
  type: list
  elements: str
  sample: [prod_flow_logs_top_talkers]
skipped_queries:
  description:
    - Generated queries left out, with C(reason) - the format lacks fields they need (C(missing_fields)), or the flow
      logs' O(flow_log_queries.traffic_type) means they could only return nothing.
  returned: always
  type: list
  elements: dict
  sample: [{key: top_talking_instances, name: prod_flow_logs_top_talking_instances, missing_fields: [instance-id],
            reason: "the format has no ${instance-id}"}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.argument_specs import destination_options_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import NamedQuerySet
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import generation_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import queries_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import checked
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        workgroup=dict(type="str", required=True),
        database=dict(type="str"),
        query_set=dict(type="str"),
        flow_log_queries=dict(
            type="dict",
            options=dict(
                table=dict(type="str", required=True),
                log_format=dict(type="str"),
                destination_options=destination_options_spec(default={}),
                **generation_spec()
            ),
        ),
        adopt=dict(type="bool", default=False),
        **queries_spec()
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module, checked(module, NamedQuerySet))


if __name__ == "__main__":
    main()
