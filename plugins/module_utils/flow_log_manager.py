# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan and apply flow logs: the engine of ec2_vpc_flow_log (one definition) and ec2_vpc_flow_logs (several).

A definition is one set of settings (flow_log_settings.build_desired) on many resources. One task:

1. describes the flow logs of every resource of every definition at once (one paginated
   DescribeFlowLogs per 200 resource ids, however many definitions share a resource);
2. plans each definition: per resource, its flow log is unchanged, has other settings (a
   conflict), is foreign (the identity asked for, without the ownership marker) or missing;
   and the tag changes of the kept ones;
3. fails before any write when a definition has conflicts it may not overwrite; in check mode
   it stops here and reports the plan;
4. applies the definitions in order, each as ec2_vpc_flow_log always has: its CreateFlowLogs
   calls (one set of settings per call, so never shared between definitions), then the deletion
   of the flow logs they replace (a resource is never left without a flow log), then its tag
   changes. An AWS error stops the task there: the definitions before it stay applied and are
   reported (created, deleted and retagged ids), the ones after it are not touched;
5. reads back only what changed, for every definition at once (or waits for it with wait).

State absent deletes the matching flow logs of every definition with one DeleteFlowLogs per
1000 ids. Results are per definition; ec2_vpc_flow_logs keys them by definition name (keyed),
ec2_vpc_flow_log returns its one definition's as they are. Messages of a keyed task name the
definition(s) they are about.
"""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

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

FOREIGN_REASON = (
    "not created by flowlogs.aws (no managed-by=flowlogs.aws tag): left as it is; set adopt: true to take it over"
)
FOREIGN_DUPLICATE_REASON = (
    "has the resource, destination and traffic type asked for but was not created by flowlogs.aws "
    "(no managed-by=flowlogs.aws tag). AWS refuses a second flow log with that identity "
    "(FlowLogAlreadyExists), so none was created and this one was left as it is; set adopt: true to take it over"
)
# The results kept per definition (the others are totals of the task).
PER_DEFINITION = ("flow_logs", "foreign", "replaced")


def _tags(flow_log):
    return boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))


def _listed(ids, limit=5):
    """A short list of ids for messages."""
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown + (" and {0} more".format(len(ids) - limit) if len(ids) > limit else "")


def _unique(items):
    seen, found = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            found.append(item)
    return found


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


class Definition(object):
    """One set of settings on its resources: its plan, and what was done for it.

    tags None leaves the tags of existing flow logs alone (the marker is still added);
    desired None is the explicit flow_log_ids removal of ec2_vpc_flow_log.
    """

    def __init__(self, name, desired, tags=None, purge_tags=True, overwrite=False):
        self.name = name
        self.desired = desired
        self.tags = tags
        self.purge_tags = purge_tags
        self.overwrite = overwrite
        self.flow_logs, self.foreign, self.replaced = [], [], []
        self.unchanged, self.conflicts, self.missing = {}, {}, []
        self.to_set, self.to_unset = {}, {}
        self.created = {}

    @property
    def resource_ids(self):
        return self.desired["resource_ids"] if self.desired else []

    @property
    def to_create(self):
        return self.missing + list(self.conflicts)


class FlowLogManager(object):
    """Describe what exists, compute the change of every definition, stop in check mode, then act.

    module.params gives adopt, wait, wait_timeout and role_propagation_timeout, shared by the
    definitions.
    """

    def __init__(self, module, definitions, keyed=False):
        self.module = module
        self.params = module.params
        self.definitions = list(definitions)
        self.keyed = keyed
        self.totals = {"changed": False, "created_flow_log_ids": [], "deleted_flow_log_ids": [],
                       "adopted_flow_log_ids": []}
        self.tagged = []
        self.diff = None
        self._known_ids = set()
        self._client = None

    @property
    def client(self):
        """The EC2 client, made at the first call: definitions without resources need none."""
        if self._client is None:
            self._client = ec2_client(self.module)
        return self._client

    # ---- results and failures ----------------------------------------------------------------

    def results(self):
        results = dict(self.totals)
        for key in PER_DEFINITION:
            if self.keyed:
                results[key] = dict((d.name, getattr(d, key)) for d in self.definitions)
            else:
                results[key] = getattr(self.definitions[0], key) if self.definitions else []
        if self.tagged:
            results["tagged_flow_log_ids"] = list(self.tagged)
        if self.diff is not None:
            results["diff"] = self.diff
        return results

    def exit(self):
        self.module.exit_json(**self.results())

    def _prefix(self, definitions):
        """'definition NAME: ' in a keyed task, naming what a message is about; nothing otherwise."""
        names = [d.name for d in definitions]
        if not self.keyed or not names:
            return ""
        return "definition{0} {1}: ".format("s" if len(names) > 1 else "", ", ".join(repr(n) for n in names))

    def _changed_so_far(self):
        return bool(self.totals["created_flow_log_ids"] or self.totals["deleted_flow_log_ids"] or self.tagged)

    def _fail(self, definitions, msg, **extra):
        """Fail naming the definitions, with everything done so far."""
        self.totals["changed"] = self._changed_so_far()
        results = self.results()
        results.update(extra)
        self.module.fail_json(msg=self._prefix(definitions) + msg, **results)

    def _fail_api(self, error, context, definitions):
        """Fail cleanly on a FlowLogApiError: the operation, what it was about, and what was done before."""
        self.totals["changed"] = self._changed_so_far()
        self.module.fail_json_aws(error.exception or error,
                                  msg="{0}{1} {2}".format(self._prefix(definitions), error.message, context),
                                  **self.results())

    def _by_definition(self, definitions, values):
        """values (one per definition) keyed by name in a keyed task, else the one definition's."""
        if self.keyed:
            return dict((d.name, value) for d, value in zip(definitions, values))
        return values[0] if values else []

    # ---- present -----------------------------------------------------------------------------

    def _describe_resources(self, definitions):
        """The flow logs of every resource of the definitions, each described once, in one pass."""
        resource_ids = _unique(rid for d in definitions for rid in d.resource_ids)
        if not resource_ids:
            return []
        try:
            return describe_flow_logs(self.client, filters={"resource-id": resource_ids})
        except FlowLogApiError as e:
            self._fail_api(e, "on {0}".format(_listed(resource_ids)), [d for d in definitions if d.resource_ids])

    def _compare(self, definition, flow_log):
        """None when flow_log is another flow log, else the settings that differ (empty when none)."""
        current = normalize_existing(flow_log)
        if not same_identity(current, definition.desired):
            return None
        return differences(current, definition.desired)

    def _ours(self, flow_log):
        return self.params["adopt"] or is_managed(_tags(flow_log))

    def _plan(self, definition, existing):
        """Classify every resource of the definition: unchanged (with its flow log), conflict, foreign, or missing."""
        foreign = {}
        for resource_id in definition.resource_ids:
            same, other, theirs = None, None, None
            for flow_log in existing.get(resource_id, []):
                diffs = self._compare(definition, flow_log)
                if diffs is None:
                    continue
                if not self._ours(flow_log):
                    theirs = theirs or flow_log
                elif not diffs:
                    same = same or flow_log
                else:
                    other = other or (flow_log, diffs)
            if same:
                definition.unchanged[resource_id] = same
            elif other:
                definition.conflicts[resource_id] = other
            elif theirs:
                foreign[resource_id] = theirs
            else:
                definition.missing.append(resource_id)
        definition.foreign = [_foreign(fl, FOREIGN_DUPLICATE_REASON) for fl in foreign.values()]
        definition.replaced = [describe_differences(rid, fl["FlowLogId"], diffs)
                               for rid, (fl, diffs) in definition.conflicts.items()]
        self.totals["adopted_flow_log_ids"].extend(
            fl["FlowLogId"] for fl in list(definition.unchanged.values()) + [p[0] for p in definition.conflicts.values()]
            if not is_managed(_tags(fl)))
        definition.to_set, definition.to_unset = self._plan_tags(definition)

    @staticmethod
    def _plan_tags(definition):
        """Tag changes of the kept flow logs: the definition's tags (if given) and always the marker."""
        current = {fl["FlowLogId"]: _tags(fl) for fl in definition.unchanged.values()}
        if definition.tags is not None:
            return plan_tag_changes(current, with_marker(definition.tags), definition.purge_tags)
        # No tags asked for: leave them alone, except that an adopted flow log gets the marker.
        return plan_tag_changes(current, dict(MARKER), False)

    def _refuse_conflicts(self):
        """Fail before any write when a definition has conflicts it may not replace."""
        blocked = [d for d in self.definitions if d.conflicts and not d.overwrite]
        if not blocked:
            return
        described = [self._prefix([d]) + text for d in blocked for text in d.replaced]
        shown = described[:5] + (["... and {0} more (see conflicts)".format(len(described) - 5)]
                                 if len(described) > 5 else [])
        self.module.fail_json(
            msg="{0}Flow logs exist with different settings, which AWS cannot change in place; "
            "set overwrite: true to replace them (no change was made): {1}".format(
                self._prefix(blocked), " | ".join(shown)),
            conflicts=self._by_definition(blocked, [d.replaced for d in blocked]),
            foreign=self._by_definition(self.definitions, [d.foreign for d in self.definitions]),
        )

    def ensure_present(self):
        found = self._describe_resources(self.definitions)
        existing = {}
        for flow_log in found:
            existing.setdefault(flow_log["ResourceId"], []).append(flow_log)
        self._known_ids = set(fl["FlowLogId"] for fl in found)
        for definition in self.definitions:
            self._plan(definition, existing)
        self._refuse_conflicts()
        self.totals["changed"] = any(d.to_create or d.to_set or d.to_unset for d in self.definitions)
        if self.module._diff:
            self.diff = self._present_diff()
        if self.module.check_mode:
            for definition in self.definitions:
                definition.flow_logs = self._check_mode_result(definition)
            return
        changed = self.totals["changed"]
        for definition in self.definitions:
            self._apply(definition)
        self.totals["changed"] = changed
        self._collect_results()

    def _apply(self, definition):
        """Create, retire what was replaced, retag: one definition, as one ec2_vpc_flow_log task does."""
        to_create = definition.to_create
        created, unsuccessful = self._create(definition, to_create)
        definition.created = created
        self.totals["created_flow_log_ids"].extend(created.values())
        # Not new to a later definition's _created_since.
        self._known_ids.update(created.values())
        # Only now that the replacements exist are the flow logs they replace retired.
        old_ids = [definition.conflicts[rid][0]["FlowLogId"] for rid in created if rid in definition.conflicts]
        if old_ids:
            self._delete(old_ids, [definition])
        if unsuccessful:
            self._fail_unsuccessful(definition, unsuccessful, len(to_create))
        self._apply_tags(definition)

    def _apply_tags(self, definition):
        try:
            apply_tag_changes(self.client, definition.to_set, definition.to_unset, done=self.tagged)
        except FlowLogApiError as e:
            changes = list(definition.to_set.values()) + list(definition.to_unset.values())
            pending = sorted(set(i for ids in changes for i in ids))
            self._fail_api(e, "on {0}".format(_listed(pending)), [definition])

    def _fail_unsuccessful(self, definition, unsuccessful, requested):
        errors = ["{0}: {1} {2}".format(u["resource_id"], u["code"], u["message"]) for u in unsuccessful]
        self._fail(
            [definition],
            "CreateFlowLogs did not create flow logs for {0} of {1} resources (existing flow logs on them were "
            "kept): {2}".format(len(unsuccessful), requested, "; ".join(errors)),
            unsuccessful=unsuccessful,
        )

    def _create(self, definition, resource_ids):
        """Create flow logs; returns ({resource_id: flow_log_id}, unsuccessful entries)."""
        if not resource_ids:
            return {}, []
        try:
            created, unsuccessful = create_flow_logs(
                self.client,
                create_request(definition.desired),
                resource_ids,
                max_resource_ids(definition.desired["resource_type"]),
                # Everything the collection creates carries the marker, whatever tags says.
                tags=with_marker(definition.tags),
                propagation_timeout=self.params["role_propagation_timeout"],
            )
        except FlowLogApiError as e:
            # A refused call may still have created flow logs for some resources: report them.
            self.totals["created_flow_log_ids"].extend(self._created_since(definition, resource_ids))
            if is_iam_propagation_error(e):
                self._fail_api(e, "on {0}: VPC Flow Logs could not assume {1} within {2}s; check its trust policy".format(
                    _listed(resource_ids), definition.desired["deliver_logs_permission_arn"],
                    self.params["role_propagation_timeout"]), [definition])
            self._fail_api(e, "on {0} (no existing flow log was deleted)".format(_listed(resource_ids)), [definition])
        return dict(created), unsuccessful

    def _created_since(self, definition, resource_ids):
        """Flow logs with the definition's identity and settings on resource_ids that were not there before."""
        try:
            found = describe_flow_logs(self.client, filters={"resource-id": resource_ids})
        except FlowLogApiError:
            return []  # best effort while reporting another failure
        return [fl["FlowLogId"] for fl in found
                if fl["FlowLogId"] not in self._known_ids and self._compare(definition, fl) == []]

    def _delete(self, flow_log_ids, definitions):
        try:
            unsuccessful = delete_flow_logs(self.client, flow_log_ids)
        except FlowLogApiError as e:
            self._fail_api(e, "{0}".format(_listed(flow_log_ids)), definitions)
        failed = set(u["flow_log_id"] for u in unsuccessful)
        self.totals["deleted_flow_log_ids"].extend(i for i in flow_log_ids if i not in failed)
        if unsuccessful:
            self._fail(
                definitions,
                "DeleteFlowLogs did not delete {0} of {1} flow logs: {2}".format(
                    len(unsuccessful), len(flow_log_ids),
                    "; ".join("{0}: {1} {2}".format(u["flow_log_id"], u["code"], u["message"]) for u in unsuccessful)),
                unsuccessful=unsuccessful)

    def _fresh_ids(self, definition):
        """The flow logs of a definition to read back: the new ones, and the kept ones if retagged."""
        fresh = list(definition.created.values())
        if definition.to_set or definition.to_unset:
            fresh += [fl["FlowLogId"] for fl in definition.unchanged.values()]
        return fresh

    def _collect_results(self):
        """Read back only what changed, for every definition in one pass; unchanged flow logs are already described."""
        fresh_ids = _unique(i for d in self.definitions for i in self._fresh_ids(d))
        fresh = {}
        if fresh_ids:
            try:
                if self.params["wait"] and any(d.created for d in self.definitions):
                    current = wait_for_flow_logs(self.client, fresh_ids, self.params["wait_timeout"])
                else:
                    current = describe_flow_logs(self.client, flow_log_ids=fresh_ids)
            except FlowLogApiError as e:
                self._fail_api(e, "{0} to read them back".format(_listed(fresh_ids)),
                               [d for d in self.definitions if self._fresh_ids(d)])
            fresh = {fl["FlowLogId"]: fl for fl in current}
        failed = []
        for definition in self.definitions:
            by_resource = {}
            for resource_id, flow_log in definition.unchanged.items():
                by_resource[resource_id] = fresh.get(flow_log["FlowLogId"], flow_log)
            # Key new flow logs by the resource AWS reports for them, not by response order.
            for flow_log_id in definition.created.values():
                if flow_log_id in fresh:
                    by_resource[fresh[flow_log_id]["ResourceId"]] = fresh[flow_log_id]
            ordered = [by_resource[rid] for rid in definition.resource_ids if rid in by_resource]
            definition.flow_logs = [format_flow_log(fl) for fl in ordered]
            if self.params["wait"]:
                failed.extend((definition, error) for error in delivery_errors(ordered))
        if failed:
            self._fail(
                _unique(d for d, _error in failed),
                "Flow log delivery failed: " + "; ".join(
                    "{0}{1} on {2}: {3}".format(self._prefix([d]), f["flow_log_id"], f["resource_id"],
                                                f["deliver_logs_error_message"])
                    for d, f in failed),
                delivery_errors=[f for _d, f in failed],
            )

    def _check_mode_result(self, definition):
        result = {rid: format_flow_log(fl) for rid, fl in definition.unchanged.items()}
        for resource_id in definition.to_create:
            result[resource_id] = _planned(definition.desired, resource_id, with_marker(definition.tags))
        return [result[rid] for rid in definition.resource_ids if rid in result]

    def _present_diff(self):
        before, after = [], []
        for d in self.definitions:
            kept = [format_flow_log(fl) for fl in d.unchanged.values()]
            before.append(kept + [format_flow_log(pair[0]) for pair in d.conflicts.values()])
            after.append(kept + [_planned(d.desired, rid, with_marker(d.tags)) for rid in list(d.conflicts) + d.missing])
        return {"before": {"flow_logs": self._by_definition(self.definitions, before)},
                "after": {"flow_logs": self._by_definition(self.definitions, after)}}

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        """Delete, for every definition, the matching flow logs of its resources that are ours."""
        found = self._describe_resources(self.definitions)
        ids, deleting = [], []
        for definition in self.definitions:
            resources = set(definition.resource_ids)
            matching = [fl for fl in found if fl["ResourceId"] in resources
                        and matches_filter(normalize_existing(fl), definition.desired)]
            targets = [fl for fl in matching if self._ours(fl)]
            definition.foreign = [_foreign(fl, FOREIGN_REASON) for fl in matching if not self._ours(fl)]
            definition.flow_logs = [format_flow_log(fl) for fl in targets]
            if targets:
                deleting.append(definition)
            ids.extend(fl["FlowLogId"] for fl in targets)
        self._remove(_unique(ids), deleting)

    def ensure_absent_ids(self, flow_log_ids):
        """Delete exactly these flow logs, whoever created them (the one definition holds what was found)."""
        try:
            targets = describe_flow_logs(self.client, flow_log_ids=flow_log_ids)
        except FlowLogApiError as e:
            self._fail_api(e, "{0}".format(_listed(flow_log_ids)), [])
        self.definitions[0].flow_logs = [format_flow_log(fl) for fl in targets]
        self._remove([fl["FlowLogId"] for fl in targets], self.definitions)

    def _remove(self, ids, definitions):
        self.totals["changed"] = bool(ids)
        if self.module._diff:
            self.diff = {"before": {"flow_logs": self._by_definition(self.definitions,
                                                                     [d.flow_logs for d in self.definitions])},
                         "after": {"flow_logs": self._by_definition(self.definitions, [[] for d in self.definitions])}}
        if self.module.check_mode or not ids:
            return
        self._delete(ids, definitions)
