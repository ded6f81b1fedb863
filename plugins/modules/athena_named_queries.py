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
  queries:
    description: Queries given explicitly (in addition to the generated ones).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The query name, unique within the set.
        type: str
        required: true
      query_string:
        description: The SQL text.
        type: str
        required: true
        aliases: [query]
      description:
        description: The description (the set marker is appended).
        type: str
      database:
        description: The database, when not O(database).
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
  purge:
    description:
      - Delete the queries of O(query_set) in the workgroup that are not wanted any more (for example after a format
        change left a query without its fields). Queries of other sets and hand-made ones are never purged.
    type: bool
    default: false
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
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_workgroup_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import plan_named_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import query_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import QUERY_KEYS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import FlowLogQueryError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import generate_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AnsibleAWSError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AthenaErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run

BATCH = 50
# Errors that mean the endpoint does not offer UpdateNamedQuery: replace instead. A server error
# (InternalFailure, InternalServerException) is retried and then fails: it says nothing about the
# operation being unavailable.
_NO_UPDATE = ["UnknownOperationException", "NotImplementedException"]


def _code(error):
    return ((getattr(error.exception, "response", None) or {}).get("Error") or {}).get("Code")


class NamedQuerySet:
    """Describe what exists, compute the change, stop in check mode, then act."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.workgroup = self.params["workgroup"]
        self.results = {"changed": False, "named_queries": [], "created": [], "updated": [], "deleted": [],
                        "skipped_queries": [], "foreign": []}
        self.query_set = self._query_set()
        self.desired = self._validate()
        self.client = client(module, "athena")

    def _query_set(self):
        if self.params["query_set"]:
            return self.params["query_set"]
        generated = self.params["flow_log_queries"]
        return generated["table"] if generated else "default"

    def _fail(self, problems):
        self.module.fail_json(msg="Invalid athena_named_queries parameters: " + "; ".join(problems), problems=problems)

    def _validate(self):
        p = self.params
        problems = []
        problem = check_workgroup_name(p["workgroup"])
        if problem:
            problems.append(problem)
        if p["state"] == "absent":
            try:
                check_queries([], None, self.query_set)
            except AthenaParameterError as error:
                problems.extend(error.problems)
            if problems:
                self._fail(problems)
            return []
        if not p["database"]:
            problems.append("database is required with state=present")
        queries = [dict(q) for q in p["queries"]]
        generated = p["flow_log_queries"]
        if generated:
            options = generated["destination_options"] or {}
            try:
                output = generate_queries(
                    generated["log_format"], p["database"], generated["table"],
                    file_format=options.get("file_format") or "plain-text",
                    hive_compatible_partitions=bool(options.get("hive_compatible_partitions")),
                    per_hour_partition=bool(options.get("per_hour_partition")),
                    include=generated["include"], exclude=generated["exclude"],
                    lookback_days=generated["lookback_days"], address=generated["address"],
                    name_prefix=generated["name_prefix"], traffic_type=generated["traffic_type"])
            except FlowLogQueryError as error:
                problems.extend("flow_log_queries: " + m for m in error.problems)
            except FlowLogFormatError as error:
                problems.extend("flow_log_queries.log_format: " + m for m in error.problems)
            else:
                self.results["skipped_queries"] = output["skipped"]
                queries = output["queries"] + queries
        if not problems:
            try:
                return check_queries(queries, p["database"], self.query_set)
            except AthenaParameterError as error:
                problems.extend(error.problems)
        self._fail(problems)

    # ---- AWS calls (each names its operation when it fails) ----------------------------------

    @AthenaErrors.list_error_handler("read the Athena workgroup (GetWorkGroup)")
    def _get_workgroup(self):
        return self.client.get_work_group(aws_retry=True, WorkGroup=self.workgroup)["WorkGroup"]

    @AthenaErrors.common_error_handler("list the named queries of the Athena workgroup (ListNamedQueries)")
    def _list_ids(self):
        paginator = self.client.get_paginator("list_named_queries")
        return paginator.paginate(WorkGroup=self.workgroup).build_full_result().get("NamedQueryIds", [])

    @AthenaErrors.common_error_handler("read the named queries of the Athena workgroup (BatchGetNamedQuery)")
    def _batch_get(self, ids):
        return self.client.batch_get_named_query(aws_retry=True, NamedQueryIds=ids).get("NamedQueries", [])

    @AthenaErrors.common_error_handler("create a named query (CreateNamedQuery)")
    def _create(self, want):
        response = self.client.create_named_query(
            aws_retry=True, Name=want["name"], Database=want["database"], QueryString=want["query_string"],
            Description=want["description"], WorkGroup=self.workgroup)
        return response["NamedQueryId"]

    @AthenaErrors.common_error_handler("delete a named query (DeleteNamedQuery)")
    def _delete_call(self, query_id):
        self.client.delete_named_query(aws_retry=True, NamedQueryId=query_id)

    @AthenaErrors.common_error_handler("update a named query (UpdateNamedQuery)")
    def _update_call(self, have, want):
        self.client.update_named_query(
            aws_retry=True, NamedQueryId=have["NamedQueryId"], Name=want["name"],
            QueryString=want["query_string"], Description=want["description"])

    # ---- reads -------------------------------------------------------------------------------

    def _existing(self):
        """Every named query of the workgroup (None when the workgroup does not exist)."""
        # Asked first because not every endpoint fails ListNamedQueries for an unknown workgroup.
        if self._get_workgroup() is None:
            return None
        ids = self._list_ids()
        found = []
        for start in range(0, len(ids), BATCH):
            found.extend(self._batch_get(ids[start:start + BATCH]))
        # ListNamedQueries of a workgroup lists only its queries; filter anyway, in case an endpoint ignores the argument.
        return [q for q in found if q.get("WorkGroup", self.workgroup) == self.workgroup]

    # ---- actions -----------------------------------------------------------------------------

    def _delete(self, query):
        try:
            self._delete_call(query["NamedQueryId"])
        except AnsibleAWSError as error:
            if _code(error) != "InvalidRequestException" or "not found" not in str(error.exception).lower():
                raise
        self.results["deleted"].append(query["Name"])
        self.results["changed"] = True

    def _created(self, name):
        self.results["created"].append(name)
        self.results["changed"] = True

    def _update(self, have, want):
        """UpdateNamedQuery; where it is not available, delete and create. Returns the id."""
        try:
            self._update_call(have, want)
        except AnsibleAWSError as error:
            if _code(error) not in _NO_UPDATE:
                raise
            query_id = self._create(want)
            self._delete(have)
            self._created(want["name"])
            return query_id, "replaced"
        self.results["updated"].append(want["name"])
        self.results["changed"] = True
        return have["NamedQueryId"], "updated"

    def run(self):
        existing = self._existing()
        absent = self.params["state"] == "absent"
        if existing is None:
            if absent:
                return  # no workgroup, no queries
            if self.module.check_mode:
                # In a check-mode run the workgroup may be one an earlier task would have created.
                self.module.warn("Athena workgroup {0} does not exist (yet): every query is reported as to be "
                                 "created".format(self.workgroup))
                existing = []
            else:
                self.module.fail_json(msg="Athena workgroup {0} does not exist; create it first (athena_workgroup)".format(
                    self.workgroup))
        plan = plan_named_queries(existing, self.desired, self.query_set, purge=self.params["purge"], absent=absent,
                                  adopt=self.params["adopt"])
        self.results["foreign"] = [q["Name"] for q in plan["foreign"]]
        if plan["foreign"]:
            self.module.warn("Named queries {0} of workgroup {1} were not saved by flowlogs.aws (no set marker in "
                             "their description): they are left as they are and not saved again; adopt: true takes "
                             "them over".format(", ".join(self.results["foreign"]), self.workgroup))
        changed = bool(plan["create"] or plan["update"] or plan["replace"] or plan["delete"])
        if self.module._diff:
            self.results["diff"] = self._diff(existing, plan)
        if self.module.check_mode or not changed:
            self.results["changed"] = changed
            self.results["named_queries"] = self._planned(plan)
            if self.module.check_mode:
                self.results["created"] = [w["name"] for w in plan["create"]] + [w["name"] for _have, w in plan["replace"]]
                self.results["updated"] = [w["name"] for _have, w in plan["update"]]
                self.results["deleted"] = [q["Name"] for q in plan["delete"]] + [h["Name"] for h, _want in plan["replace"]]
            return
        ids, status = {}, {}
        for query in plan["delete"]:
            self._delete(query)
        for have, want in plan["replace"]:
            ids[want["name"]] = self._create(want)
            self._delete(have)
            self._created(want["name"])
            status[want["name"]] = "replaced"
        for have, want in plan["update"]:
            ids[want["name"]], status[want["name"]] = self._update(have, want)
        for want in plan["create"]:
            ids[want["name"]] = self._create(want)
            self._created(want["name"])
            status[want["name"]] = "created"
        for have, want in plan["unchanged"]:
            ids[want["name"]], status[want["name"]] = have["NamedQueryId"], "unchanged"
        self.results["named_queries"] = [
            dict(query_summary(want, status[want["name"]]), named_query_id=ids[want["name"]], workgroup=self.workgroup)
            for want in self.desired if want["name"] in ids
        ]

    def _planned(self, plan):
        """The set as it is, or as check mode says it would be."""
        rows = []
        known = {}
        for key, status in (("unchanged", "unchanged"), ("update", "updated"), ("replace", "replaced")):
            for have, want in plan[key]:
                known[want["name"]] = (have, status)
        foreign = set(q["Name"] for q in plan["foreign"])
        for want in self.desired:
            if want["name"] in foreign:
                continue
            have, status = known.get(want["name"], (None, "created"))
            row = query_summary(want, status)
            row["workgroup"] = self.params["workgroup"]
            if have is not None and status != "replaced":
                row["named_query_id"] = have["NamedQueryId"]
            rows.append(row)
        return rows

    def _diff(self, existing, plan):
        touched = set(q["NamedQueryId"] for q in plan["delete"])
        touched.update(h["NamedQueryId"] for key in ("update", "replace", "unchanged") for h, _want in plan[key])
        before = dict((q["Name"], query_summary(q)) for q in existing if q["NamedQueryId"] in touched)
        foreign = set(q["Name"] for q in plan["foreign"])
        after = dict((w["name"], query_summary(w)) for w in self.desired if w["name"] not in foreign)
        for summary in list(before.values()) + list(after.values()):
            summary.pop("named_query_id", None)
            summary.pop("workgroup", None)
        return {"before": before, "after": after}


def main():
    query_keys = list(QUERY_KEYS)
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        workgroup=dict(type="str", required=True),
        database=dict(type="str"),
        query_set=dict(type="str"),
        queries=dict(
            type="list", elements="dict", default=[],
            options=dict(
                name=dict(type="str", required=True),
                query_string=dict(type="str", required=True, aliases=["query"]),
                description=dict(type="str"),
                database=dict(type="str"),
            ),
        ),
        flow_log_queries=dict(
            type="dict",
            options=dict(
                table=dict(type="str", required=True),
                log_format=dict(type="str"),
                destination_options=destination_options_spec(default={}),
                include=dict(type="list", elements="str", choices=query_keys),
                exclude=dict(type="list", elements="str", choices=query_keys, default=[]),
                lookback_days=dict(type="int", default=7),
                address=dict(type="str", default="192.0.2.1"),
                name_prefix=dict(type="str"),
                traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"]),
            ),
        ),
        purge=dict(type="bool", default=False),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    run(module, NamedQuerySet(module), "named queries of Athena workgroup {0}".format(module.params["workgroup"]))


if __name__ == "__main__":
    main()
