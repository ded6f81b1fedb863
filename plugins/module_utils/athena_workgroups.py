# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An Athena workgroup with an encrypted, enforced result location: its options and its manager.

Used by athena_workgroup (the workgroup alone) and athena_flow_logs (the workgroup, the Glue table
and the saved queries of a flow log, in one module run). The manager reads the workgroup, plans
with the pure functions of flow_log_athena, stops in check mode, then writes; every API call
names its operation when it fails (query_aws.AthenaErrors). The options' documentation is the
doc fragment ``flowlogs.aws.athena_workgroup``.
"""

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import ENCRYPTION_OPTIONS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import AthenaParameterError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import check_workgroup_name
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import configuration_updates
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import desired_workgroup
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_differences
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_athena import workgroup_summary
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import marker_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AnsibleAWSError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import AthenaErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import InvalidParameters
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import caller_account
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import foreign

__all__ = ["PRIMARY", "REQUIRED_IF", "AthenaWorkgroup", "settings_spec"]

# The workgroup every account has: it can be configured (when adopted) but not deleted.
PRIMARY = "primary"
REQUIRED_IF = [("state", "present", ("output_location",))]


def settings_spec():
    """The workgroup's options besides its name, description and state (athena_workgroup and athena_flow_logs)."""
    return dict(
        output_location=dict(type="str"),
        encryption=dict(type="str", default="SSE_S3", choices=list(ENCRYPTION_OPTIONS)),
        kms_key=dict(type="str", no_log=False),
        enforce_workgroup_configuration=dict(type="bool", default=True),
        publish_cloudwatch_metrics=dict(type="bool", default=True),
        bytes_scanned_cutoff=dict(type="int"),
        enabled=dict(type="bool", default=True),
        force_delete=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )


class AthenaWorkgroup(StateManager):
    """Describe what exists, compute the change, stop in check mode, then act.

    ``params`` has the keys of athena_workgroup's options (by default the module's own); the
    constructor raises InvalidParameters before any AWS call.
    """

    def __init__(self, module, params=None):
        self.module = module
        self.params = module.params if params is None else params
        self.name = self.params["name"]
        self.resource = "Athena workgroup {0}".format(self.name)
        self.results = {"changed": False, "workgroup": {}, "changes": [], "foreign": []}
        self.desired = self._validate()
        self._arn = None
        # Whether the workgroup existed when the manager read it (None: not read yet).
        self.found = None

    @staticmethod
    def _invalid(problems):
        return InvalidParameters(problems, "Invalid athena_workgroup parameters: {0}".format("; ".join(problems)))

    def _validate(self):
        p = self.params
        if p["state"] == "absent":
            problem = check_workgroup_name(self.name)
            if problem:
                raise self._invalid([problem])
            if self.name == PRIMARY:
                raise InvalidParameters(["name: primary"], "The primary workgroup cannot be deleted")
            return None
        problems = marker_problems(p["tags"])
        try:
            desired = desired_workgroup(
                self.name, p["output_location"], p["encryption"], p["kms_key"], p["enforce_workgroup_configuration"],
                p["publish_cloudwatch_metrics"], p["bytes_scanned_cutoff"], p["description"], p["enabled"])
        except AthenaParameterError as error:
            problems.extend(error.problems)
        if problems:
            raise self._invalid(problems)
        return desired

    @property
    def client(self):
        return client(self.module, "athena")

    def arn(self):
        if self._arn is None:
            account_id, partition = caller_account(self.module)
            self._arn = "arn:{0}:athena:{1}:{2}:workgroup/{3}".format(partition, self.module.region, account_id, self.name)
        return self._arn

    # ---- AWS calls (each names its operation when it fails) ----------------------------------

    @AthenaErrors.list_error_handler("read the Athena workgroup (GetWorkGroup)")
    def _get(self):
        return self.client.get_work_group(aws_retry=True, WorkGroup=self.name)["WorkGroup"]

    @AthenaErrors.common_error_handler("read the tags of the Athena workgroup (ListTagsForResource)")
    def _tags(self):
        paginator = self.client.get_paginator("list_tags_for_resource")
        tags = paginator.paginate(ResourceARN=self.arn()).build_full_result().get("Tags", [])
        return boto3_tag_list_to_ansible_dict(tags)

    @AthenaErrors.common_error_handler("create the Athena workgroup (CreateWorkGroup)")
    def _create(self, tags):
        self.client.create_work_group(aws_retry=True, Name=self.name, Configuration=self.desired["Configuration"],
                                      Description=self.desired["Description"],
                                      Tags=ansible_dict_to_boto3_tag_list(tags))

    @AthenaErrors.common_error_handler("update the Athena workgroup (UpdateWorkGroup)")
    def _update(self, **kwargs):
        self.client.update_work_group(aws_retry=True, WorkGroup=self.name, **kwargs)

    @AthenaErrors.common_error_handler("untag the Athena workgroup (UntagResource)")
    def _untag(self, keys):
        self.client.untag_resource(aws_retry=True, ResourceARN=self.arn(), TagKeys=list(keys))

    @AthenaErrors.common_error_handler("tag the Athena workgroup (TagResource)")
    def _tag(self, tags):
        self.client.tag_resource(aws_retry=True, ResourceARN=self.arn(), Tags=ansible_dict_to_boto3_tag_list(tags))

    # Not deletion_error_handler: DeleteWorkGroup of a workgroup that is not empty is an InvalidRequestException too.
    @AthenaErrors.common_error_handler("delete the Athena workgroup (DeleteWorkGroup)")
    def _delete(self):
        self.client.delete_work_group(aws_retry=True, WorkGroup=self.name,
                                      RecursiveDeleteOption=self.params["force_delete"])

    def _foreign(self, current_tags):
        return foreign(self.module, self.results, "Athena workgroup", self.name, current_tags, self.params["adopt"])

    # ---- present -----------------------------------------------------------------------------

    def ensure_present(self):
        current = self._get()
        self.found = current is not None
        tags = self.params["tags"]
        changes = []
        if current is None:
            changes.append("create workgroup {0}".format(self.name))
            current_tags, to_set, to_unset = {}, dict((k, to_text(v)) for k, v in with_marker(tags).items()), []
        else:
            current_tags = self._tags()
            if self._foreign(current_tags):
                self.results["workgroup"] = dict(workgroup_summary(current, current_tags), arn=self.arn())
                return
            changes.extend(workgroup_differences(current, self.desired))
            # The marker is always wanted, whatever tags and purge_tags say (tags None: only the marker).
            to_set, to_unset = compare_aws_tags(current_tags, with_marker(tags),
                                                self.params["purge_tags"] and tags is not None)
            if to_unset:
                changes.append("remove tags {0}".format(", ".join(sorted(to_unset))))
            if to_set:
                changes.append("set tags {0}".format(", ".join(sorted(to_set))))
        final_tags = dict((k, v) for k, v in current_tags.items() if k not in to_unset)
        final_tags.update((k, to_text(v)) for k, v in to_set.items())
        if self.module._diff:
            self.results["diff"] = {
                "before": workgroup_summary(current, current_tags) if current else {},
                "after": workgroup_summary(self.desired, final_tags),
            }
        if not changes:
            self.results["workgroup"] = dict(workgroup_summary(current, current_tags), arn=self.arn())
            return
        if self.module.check_mode:
            self.results.update(changed=True, changes=changes, workgroup=workgroup_summary(self.desired, final_tags))
            return
        if current is None:
            self._create(to_set)
            self._done(changes.pop(0))
            if self.desired["State"] != "ENABLED":
                self._update(State=self.desired["State"])
        else:
            if workgroup_differences(current, self.desired):
                self._update(**configuration_updates(current, self.desired))
            settings = [c for c in changes if not c.startswith(("set tags ", "remove tags "))]
            for change in settings:
                self._done(change)
            if to_unset:
                self._untag(to_unset)
                self._done("remove tags {0}".format(", ".join(sorted(to_unset))))
            if to_set:
                self._tag(to_set)
                self._done("set tags {0}".format(", ".join(sorted(to_set))))
        self.results["workgroup"] = dict(workgroup_summary(self._get(), self._tags()), arn=self.arn())

    # ---- absent ------------------------------------------------------------------------------

    def ensure_absent(self):
        current = self._get()
        self.found = current is not None
        if current is None or self._foreign(self._tags()):
            return
        if self.module._diff:
            self.results["diff"] = {"before": workgroup_summary(current), "after": {}}
        change = "delete workgroup {0}".format(self.name)
        if self.module.check_mode:
            self.results.update(changed=True, changes=[change])
            return
        try:
            self._delete()
        except AnsibleAWSError as error:
            if "not found" in str(error.exception).lower():
                return  # deleted meanwhile: the goal is reached
            if not self.params["force_delete"]:
                error.message += " (is it not empty? force_delete: true deletes its named queries and history too)"
            raise
        self._done(change)
