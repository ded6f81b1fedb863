#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: athena_flow_logs
short_description: Make VPC flow logs in S3 queryable with Athena - workgroup, Glue table and saved queries in one task
version_added: 0.2.0
description:
  - Manages in one module run what M(flowlogs.aws.athena_workgroup), M(flowlogs.aws.glue_flow_log_table) and
    M(flowlogs.aws.athena_named_queries) manage one by one, with the same code and the same rules - the Athena workgroup
    with its encrypted, enforced result location, the Glue database and the flow-log table with partition projection,
    and the flow-log queries the table's format can answer, saved in the workgroup (a query set named after the table).
  - With O(state=present), in this order - the workgroup (its ownership tag is checked before any change), the
    database and table, then the saved queries. Queries are not saved in a workgroup the collection did not create,
    unless O(adopt=true).
  - With O(state=absent), in this order - the saved queries of the set (wherever they carry its marker), the workgroup
    (never the C(primary) workgroup, which every account has and which cannot be deleted), the table, and the
    database when O(delete_database=true) and no other table is left in it.
  - Every parameter, including the log format, is validated before any API call, and every problem is reported at
    once. One module run also means one set of clients and one C(GetCallerIdentity) for the three, and no
    C(GetWorkGroup) for the queries after the workgroup step. An unchanged re-run only reads.
  - What has a configured name but was not created by the collection (no C(managed-by=flowlogs.aws) marker) is left
    exactly as it is and listed in RV(foreign), unless O(adopt=true).
  - O(tags) and O(purge_tags) are the workgroup's. The database carries only the ownership tag, and the table the
    ownership parameter (Glue cannot tag a table), as with M(flowlogs.aws.glue_flow_log_table).
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) creates or updates the workgroup, the database and table, and the saved queries.
      - V(absent) deletes the saved queries, the workgroup and the table (and the database, see O(delete_database)).
    type: str
    choices: [present, absent]
    default: present
  workgroup:
    description:
      - The Athena workgroup (letters, digits, C(.), C(_) and C(-), at most 128).
      - The C(primary) workgroup can be configured (when adopted) but is never deleted.
    type: str
    required: true
  workgroup_description:
    description: The workgroup description.
    type: str
    default: ""
  table:
    description:
      - The Glue table (lowercase letters, digits and underscores). Also the default O(query_set).
    type: str
    required: true
  table_description:
    description:
      - The table description. Defaults to a sentence naming the record version, the delivery options and the location.
    type: str
  query_set:
    description:
      - The name of the set of saved queries, recorded in their descriptions. Defaults to O(table).
    type: str
  flow_log_queries:
    description:
      - Which flow-log queries are generated for the table, from O(log_format) and O(destination_options), as
        O(flowlogs.aws.athena_named_queries#module:flow_log_queries) generates them. A query whose fields the format
        lacks is skipped and listed in RV(skipped_queries).
    type: dict
    default: {}
    suboptions:
      include:
        description: Only these queries (default every query the format allows).
        type: list
        elements: str
        choices: [accepted_traffic, admin_port_traffic, ipv4_traffic, ipv6_traffic, rejected_tcp_traffic,
                  rejected_traffic, ssh_rdp_traffic, top_talkers, top_talkers_by_packets, top_talkers_packet_level,
                  top_talking_instances, top_talking_subnets, top_tcp_traffic, total_bytes_transferred,
                  total_bytes_transferred_packet_level, traffic_by_hour, traffic_from_address, traffic_to_address]
      exclude:
        description: Leave these queries out (the names of O(flow_log_queries.include)).
        type: list
        elements: str
        choices: [accepted_traffic, admin_port_traffic, ipv4_traffic, ipv6_traffic, rejected_tcp_traffic,
                  rejected_traffic, ssh_rdp_traffic, top_talkers, top_talkers_by_packets, top_talkers_packet_level,
                  top_talking_instances, top_talking_subnets, top_tcp_traffic, total_bytes_transferred,
                  total_bytes_transferred_packet_level, traffic_by_hour, traffic_from_address, traffic_to_address]
        default: []
      lookback_days:
        description: How many days of date partitions the queries read.
        type: int
        default: 7
      address:
        description: The address the "traffic from/to an address" queries look for; replace it when running them.
        type: str
        default: 192.0.2.1
      name_prefix:
        description: The prefix of the query names (the query key follows). Defaults to O(table) and C(_).
        type: str
      traffic_type:
        description:
          - The traffic type the flow logs record. V(REJECT) leaves out the query of accepted flows, V(ACCEPT) those of
            rejected flows (they could only return nothing); they are listed in RV(skipped_queries) with the reason.
        type: str
        choices: [ACCEPT, REJECT, ALL]
notes:
  - Check mode reports what would change and changes nothing; a workgroup it would create counts as empty, so every
    query would be created. Diff mode shows the workgroup, the table and the queries before and after.
  - When an AWS call fails, the failure names the operation and the resource, and RV(changes) lists what was done
    before it.
seealso:
  - module: flowlogs.aws.athena_workgroup
  - module: flowlogs.aws.glue_flow_log_table
  - module: flowlogs.aws.athena_named_queries
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - flowlogs.aws.ownership
  - flowlogs.aws.athena_workgroup
  - flowlogs.aws.glue_flow_log_table
  - flowlogs.aws.destination_options.defaulted
  - flowlogs.aws.athena_named_queries
"""

EXAMPLES = r"""
- name: Make an S3 flow log queryable (hourly Hive-style Parquet, custom format)
  flowlogs.aws.athena_flow_logs:
    workgroup: vpc-flow-logs
    workgroup_description: Queries on VPC flow logs
    output_location: s3://athena-results-123456789012/flow-logs/
    database: vpc_flow_logs
    table: prod_flow_logs
    log_destination: arn:aws:s3:::central-flow-logs/prod/
    log_format: "${version} ${vpc-id} ${subnet-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${action}"
    destination_options:
      file_format: parquet
      hive_compatible_partitions: true
      per_hour_partition: true
    flow_log_queries:
      lookback_days: 3
    purge: true
    tags:
      team: network
  register: athena

- name: Show the DDL and the queries the format could not support
  ansible.builtin.debug:
    msg: "{{ athena.ddl }} {{ athena.skipped_queries }}"

- name: Remove the saved queries, the workgroup with its history, the table and the emptied database
  flowlogs.aws.athena_flow_logs:
    state: absent
    workgroup: vpc-flow-logs
    database: vpc_flow_logs
    table: prod_flow_logs
    force_delete: true
    delete_database: true
"""

RETURN = r"""
workgroup:
  description:
    - The workgroup, as M(flowlogs.aws.athena_workgroup) returns it (in check mode, as it would be). Empty after
      O(state=absent).
  returned: always
  type: dict
  sample: {name: vpc-flow-logs, state: ENABLED, output_location: "s3://athena-results-123456789012/flow-logs/",
           encryption: SSE_S3, enforce_workgroup_configuration: true, tags: {managed-by: flowlogs.aws}}
table:
  description:
    - The table as Glue returns it, as M(flowlogs.aws.glue_flow_log_table) returns it (in check mode, as it would be).
      Empty after O(state=absent).
  returned: always
  type: dict
  sample: {name: prod_flow_logs, database_name: vpc_flow_logs, table_type: EXTERNAL_TABLE}
ddl:
  description: The Athena C(CREATE EXTERNAL TABLE) statement equivalent to the table (empty after O(state=absent)).
  returned: always
  type: str
  sample: "CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs.prod_flow_logs (\n  version int, ..."
columns:
  description: The table's columns, in order.
  returned: when O(state=present), unless the table is foreign
  type: list
  elements: dict
  sample: [{name: version, type: int}, {name: end, type: bigint}]
partition_keys:
  description: The partition keys, in order.
  returned: when O(state=present), unless the table is foreign
  type: list
  elements: dict
  sample: [{name: aws_account_id, type: string}, {name: aws_region, type: string}, {name: day, type: string}]
location_template:
  description: The C(storage.location.template) of the partition projection.
  returned: when O(state=present), unless the table is foreign
  type: str
  sample: "s3://my-flow-logs/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}/"
start_date:
  description: The projection start date used.
  returned: when O(state=present), unless the table is foreign
  type: str
  sample: "2025-01-01"
database_created:
  description: Whether the database was (or would be) created.
  returned: always
  type: bool
database_deleted:
  description: Whether the database was (or would be) deleted.
  returned: always
  type: bool
named_queries:
  description:
    - The saved queries of the set after the run (in check mode, as they would be), as
      M(flowlogs.aws.athena_named_queries) returns them. Empty after O(state=absent), and when the workgroup is foreign.
  returned: always
  type: list
  elements: dict
  sample: [{name: prod_flow_logs_top_talkers, named_query_id: 6d3c9a2e-1f1b-4d36-8d6c-7f3e5a0d1c2b,
            database: vpc_flow_logs, workgroup: vpc-flow-logs, status: unchanged}]
skipped_queries:
  description:
    - Generated queries left out, with C(reason) (the format lacks their fields, or O(flow_log_queries.traffic_type)
      means they could only return nothing). Empty when the queries were not saved (a foreign workgroup).
  returned: always
  type: list
  elements: dict
  sample: [{key: top_talking_instances, name: prod_flow_logs_top_talking_instances, missing_fields: [instance-id],
            reason: "the format has no ${instance-id}"}]
foreign:
  description:
    - What has a configured name but no C(managed-by) marker, left exactly as it is. Empty lists with O(adopt=true).
  returned: always
  type: dict
  contains:
    workgroup:
      description: The workgroup's name when it is foreign (its queries are then not touched with O(state=present)).
      type: list
      elements: str
      sample: [primary]
    table:
      description: The table and the database when they are foreign.
      type: list
      elements: str
      sample: ["table vpc_flow_logs.prod_flow_logs"]
    named_queries:
      description: Names of wanted queries that exist in the workgroup without the set marker (not saved again).
      type: list
      elements: str
      sample: [prod_flow_logs_top_talkers]
changes:
  description:
    - What was (or, in check mode, would be) created, updated or deleted, step by step.
    - When the module fails, what was done before the failure.
  returned: always
  type: dict
  contains:
    workgroup:
      description: The workgroup's changes.
      type: list
      elements: str
      sample: ["create workgroup vpc-flow-logs"]
    table:
      description: The database's and table's changes.
      type: list
      elements: str
      sample: ["create database vpc_flow_logs", "create table vpc_flow_logs.prod_flow_logs"]
    named_queries:
      description: Names of the saved queries C(created) (replacements too), C(updated) in place and C(deleted).
      type: dict
      sample: {created: [prod_flow_logs_top_talkers], updated: [], deleted: []}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import PRIMARY
from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import REQUIRED_IF as WORKGROUP_REQUIRED_IF
from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import AthenaWorkgroup
from ansible_collections.flowlogs.aws.plugins.module_utils.athena_workgroups import settings_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import MUTUALLY_EXCLUSIVE
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import REQUIRED_IF as TABLE_REQUIRED_IF
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import GlueFlowLogTable
from ansible_collections.flowlogs.aws.plugins.module_utils.glue_tables import table_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import WORKGROUP_EXISTS
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import WORKGROUP_PLANNED
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import NamedQuerySet
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import generation_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.named_queries import queries_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import InvalidParameters
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import checked
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run

# Glue table results that are the module's as they are (the rest is merged into changes and foreign).
_TABLE_RESULTS = ("table", "ddl", "columns", "partition_keys", "location_template", "start_date", "database_created",
                  "database_deleted")
# The queries check the database, the table and the format with the table's rules: what the table part
# reports about them is not repeated.
_CHECKED_BY_TABLE = ("flow_log_queries.log_format: ", "flow_log_queries: database ", "flow_log_queries: table ")


class AthenaFlowLogs(object):
    """The workgroup, the table and the query set of a flow log: the three managers, in order, in one run."""

    def __init__(self, module):
        self.module = module
        self.params = p = module.params
        problems = {"workgroup": [], "table": [], "queries": []}
        # The primary workgroup cannot be deleted: with state=absent it is left alone (its queries are still removed).
        self.workgroup = None
        if p["state"] == "present" or p["workgroup"] != PRIMARY:
            self.workgroup = self._part(AthenaWorkgroup, self._part_params(
                settings_spec(), name=p["workgroup"], description=p["workgroup_description"]), problems["workgroup"])
        self.table = self._part(GlueFlowLogTable, self._part_params(
            table_spec(), name=p["table"], description=p["table_description"]), problems["table"])
        self.queries = self._part(NamedQuerySet, self._part_params(
            queries_spec(), workgroup=p["workgroup"], database=p["database"], query_set=p["query_set"] or p["table"],
            flow_log_queries=dict(p["flow_log_queries"], table=p["table"], log_format=p["log_format"],
                                  destination_options=p["destination_options"])), problems["queries"])
        if problems["table"]:
            problems["queries"] = [m for m in problems["queries"] if not m.startswith(_CHECKED_BY_TABLE)]
        found = []
        for problem in problems["workgroup"] + problems["table"] + problems["queries"]:
            if problem not in found:  # the workgroup's name is checked by the workgroup and the queries
                found.append(problem)
        if found:
            raise InvalidParameters(found, "Invalid athena_flow_logs parameters: " + "; ".join(found))
        self.queries_saved = True
        self._running = None

    def _part_params(self, spec, **params):
        """A manager's parameters: the module's options of its spec, state, adopt, and its own names."""
        params.update((key, self.params[key]) for key in list(spec) + ["state", "adopt"])
        return params

    def _part(self, manager_class, params, problems):
        try:
            return manager_class(self.module, params)
        except InvalidParameters as error:
            problems.extend(error.problems)
        return None

    @property
    def resource(self):
        """What a failure names: the resource of the step that was running."""
        return self._running.resource

    def _step(self, part):
        self._running = part
        part.run()

    def run(self):
        if self.params["state"] == "present":
            # The workgroup first: its ownership is checked before anything is changed.
            self._step(self.workgroup)
            self._step(self.table)
            if self.workgroup.results["foreign"]:
                self.queries_saved = False  # not in a workgroup the collection did not create
                return
            # Just read (or created): the queries need no GetWorkGroup. In check mode a workgroup that would be
            # created has no queries yet.
            found = self.workgroup.found or not self.module.check_mode
            self.queries.known_workgroup = WORKGROUP_EXISTS if found else WORKGROUP_PLANNED
            self._step(self.queries)
        else:
            self._step(self.queries)
            if self.workgroup is not None:
                self._step(self.workgroup)
            self._step(self.table)

    @property
    def results(self):
        workgroup = self.workgroup.results if self.workgroup else {"workgroup": {}, "changes": [], "foreign": []}
        table = self.table.results
        queries = self.queries.results if self.queries_saved else {
            "named_queries": [], "skipped_queries": [], "created": [], "updated": [], "deleted": [], "foreign": []}
        results = dict((key, table[key]) for key in _TABLE_RESULTS if key in table)
        results.update(
            changed=any(part.get("changed", False) for part in (workgroup, table, queries)),
            workgroup=workgroup["workgroup"],
            named_queries=queries["named_queries"],
            skipped_queries=queries["skipped_queries"],
            foreign={"workgroup": workgroup["foreign"], "table": table["foreign"], "named_queries": queries["foreign"]},
            changes={"workgroup": workgroup["changes"], "table": table["changes"],
                     "named_queries": dict((key, queries[key]) for key in ("created", "updated", "deleted"))},
        )
        diffs = [(key, part["diff"]) for key, part in (("workgroup", workgroup), ("table", table),
                                                       ("named_queries", queries)) if "diff" in part]
        if diffs:
            results["diff"] = {"before": dict((key, diff["before"]) for key, diff in diffs),
                               "after": dict((key, diff["after"]) for key, diff in diffs)}
        return results


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        workgroup=dict(type="str", required=True),
        workgroup_description=dict(type="str", default=""),
        table=dict(type="str", required=True),
        table_description=dict(type="str"),
        query_set=dict(type="str"),
        flow_log_queries=dict(type="dict", default={}, options=generation_spec()),
        adopt=dict(type="bool", default=False),
        **dict(settings_spec(), **dict(table_spec(), **queries_spec()))
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=MUTUALLY_EXCLUSIVE,
        required_if=TABLE_REQUIRED_IF + WORKGROUP_REQUIRED_IF,
    )
    run(module, checked(module, AthenaFlowLogs))


if __name__ == "__main__":
    main()
