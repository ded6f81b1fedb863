# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A flow_logs role definition checked by the module's own validation, before any AWS call.

Documented in the sidecar ``plugins/filter/flow_log_definition_problems.yml``.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import RESOURCE_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import FlowLogSettingsError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import build_desired

# Keys of a definition that are ec2_vpc_flow_log parameters of the same name.
_PARAMETERS = ("resource_type", "resource_ids", "traffic_type", "log_destination_type", "log_group_name",
               "log_destination", "deliver_logs_permission_arn", "deliver_cross_account_role", "log_format",
               "max_aggregation_interval", "destination_options", "tag_field_specifications", "tags")
_DEFAULTS = {"resource_type": "VPC", "log_destination_type": "cloud-watch-logs"}


def flow_log_definition_problems(definition, tags=None, tag_field_specifications=None, state="present"):
    """Every problem ec2_vpc_flow_log would report for a definition, as messages; empty when none.

    tags and tag_field_specifications are the role-wide values a definition's own extend or replace.
    A definition without resource ids (filters find them later, or it resolved to none and the
    role skips it) is checked with an example id of its type.
    """
    if not isinstance(definition, dict):
        raise AnsibleFilterError("flow_log_definition_problems expects a dict, got %s" % type(definition).__name__)
    params = dict((key, definition.get(key, _DEFAULTS.get(key))) for key in _PARAMETERS)
    params["state"] = state
    params["tags"] = dict(tags or {}, **(definition.get("tags") or {}))
    if params["tag_field_specifications"] is None and tag_field_specifications:
        params["tag_field_specifications"] = tag_field_specifications
    resource_type = RESOURCE_TYPES.get(params["resource_type"])
    if not params["resource_ids"] and resource_type:
        # Resources found later by filters, or none (the role then skips the definition).
        params["resource_ids"] = [resource_type.example]
    try:
        build_desired(params)
    except FlowLogSettingsError as error:
        return list(error.problems)
    return []


class FilterModule(object):
    """flowlogs.aws flow-log definition filter."""

    def filters(self):
        return {"flow_log_definition_problems": flow_log_definition_problems}
