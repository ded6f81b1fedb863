# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A set of Athena named (saved) queries in a workgroup: its options and its manager.

Used by athena_named_queries (the set alone) and athena_flow_logs (the workgroup, the Glue table
and the saved queries of a flow log, in one module run). The manager lists the workgroup's
queries, plans with flow_log_athena.plan_named_queries, stops in check mode, then writes; every
API call names its operation when it fails (query_aws.AthenaErrors). The options shared by both
modules are documented by the doc fragment ``flowlogs.aws.athena_named_queries``.
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_workgroup_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import plan_named_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import query_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import TRAFFIC_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import DEFAULT_ADDRESS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import DEFAULT_LOOKBACK_DAYS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import QUERY_KEYS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import FlowLogQueryError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_queries import generate_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AnsibleAWSError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AthenaErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import InvalidParameters
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client

__all__ = ["NamedQuerySet", "queries_spec", "generation_spec", "WORKGROUP_EXISTS", "WORKGROUP_PLANNED"]


def queries_spec():
    """The hand-written queries and the purge option (athena_named_queries and athena_flow_logs)."""
    return dict(
        queries=dict(
            type="list", elements="dict", default=[],
            options=dict(
                name=dict(type="str", required=True),
                query_string=dict(type="str", required=True, aliases=["query"]),
                description=dict(type="str"),
                database=dict(type="str"),
            ),
        ),
        purge=dict(type="bool", default=False),
    )


def generation_spec():
    """How flow-log queries are generated for a table, besides the table itself: the suboptions of
    ``flow_log_queries`` in athena_named_queries (with the table) and athena_flow_logs."""
    query_keys = list(QUERY_KEYS)
    return dict(
        include=dict(type="list", elements="str", choices=query_keys),
        exclude=dict(type="list", elements="str", choices=query_keys, default=[]),
        lookback_days=dict(type="int", default=DEFAULT_LOOKBACK_DAYS),
        address=dict(type="str", default=DEFAULT_ADDRESS),
        name_prefix=dict(type="str"),
        traffic_type=dict(type="str", choices=list(TRAFFIC_TYPES)),
    )


# What a module that manages the workgroup too knows of it before the queries (NamedQuerySet.workgroup):
# it exists (no GetWorkGroup needed), or check mode would have created it (every query would be created).
WORKGROUP_EXISTS = "exists"
WORKGROUP_PLANNED = "planned"

BATCH = 50
# Errors that mean the endpoint does not offer UpdateNamedQuery: replace instead. A server error
# (InternalFailure, InternalServerException) is retried and then fails: it says nothing about the
# operation being unavailable.
_NO_UPDATE = ["UnknownOperationException", "NotImplementedException"]


def _code(error):
    return ((getattr(error.exception, "response", None) or {}).get("Error") or {}).get("Code")


class NamedQuerySet:
    """Describe what exists, compute the change, stop in check mode, then act.

    ``params`` has the keys of athena_named_queries's options (by default the module's own); the
    constructor raises InvalidParameters before any AWS call. ``known_workgroup`` says what is known of
    the workgroup: None (asked with GetWorkGroup), WORKGROUP_EXISTS or WORKGROUP_PLANNED.
    """

    def __init__(self, module, params=None):
        self.module = module
        self.params = module.params if params is None else params
        self.workgroup = self.params["workgroup"]
        self.resource = "named queries of Athena workgroup {0}".format(self.workgroup)
        self.results = {"changed": False, "named_queries": [], "created": [], "updated": [], "deleted": [],
                        "skipped_queries": [], "foreign": []}
        self.query_set = self._query_set()
        self.desired = self._validate()
        self.known_workgroup = None

    def _query_set(self):
        if self.params["query_set"]:
            return self.params["query_set"]
        generated = self.params["flow_log_queries"]
        return generated["table"] if generated else "default"

    @staticmethod
    def _invalid(problems):
        return InvalidParameters(problems, "Invalid athena_named_queries parameters: " + "; ".join(problems))

    @property
    def client(self):
        return client(self.module, "athena")

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
                raise self._invalid(problems)
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
        raise self._invalid(problems)

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
        if self.known_workgroup == WORKGROUP_PLANNED:
            return []
        # Asked first because not every endpoint fails ListNamedQueries for an unknown workgroup.
        if self.known_workgroup != WORKGROUP_EXISTS and self._get_workgroup() is None:
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
