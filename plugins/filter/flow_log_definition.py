# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A flow_logs role definition checked by the module's own validation, before any AWS call, and the
role's definitions as ec2_vpc_flow_logs takes them.

Documented in the sidecars ``plugins/filter/flow_log_definition_problems.yml``,
``flow_logs_definitions_problems.yml`` and ``flow_logs_resolved_definitions.yml``; the logic is in
``module_utils/flow_log_settings.py``.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import definition_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import definitions_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import resolved_definitions


def flow_log_definition_problems(definition, tags=None, tag_field_specifications=None, state="present"):
    """Every problem ec2_vpc_flow_log would report for a definition, as messages; empty when none."""
    if not isinstance(definition, dict):
        raise AnsibleFilterError("flow_log_definition_problems expects a dict, got %s" % type(definition).__name__)
    return definition_problems(definition, tags, tag_field_specifications, state)


def flow_logs_definitions_problems(definitions, tags=None, tag_field_specifications=None, state="present",
                                   filter_types=None):
    """Every problem of the flow_logs role's definitions, each named by its definition and input."""
    if not isinstance(definitions, list):
        raise AnsibleFilterError("flow_logs_definitions_problems expects a list, got %s" % type(definitions).__name__)
    return definitions_problems(definitions, tags, tag_field_specifications, state,
                                None if filter_types is None else list(filter_types))


def flow_logs_resolved_definitions(definitions, found=None):
    """The definitions with the resource ids their filters found, as ec2_vpc_flow_logs takes them."""
    if not isinstance(definitions, list):
        raise AnsibleFilterError("flow_logs_resolved_definitions expects a list, got %s" % type(definitions).__name__)
    if found is not None and not isinstance(found, dict):
        raise AnsibleFilterError("flow_logs_resolved_definitions: found must be a dict of definition name to ids, "
                                 "got %s" % type(found).__name__)
    return resolved_definitions(definitions, found)


class FilterModule(object):
    """flowlogs.aws flow-log definition filter."""

    def filters(self):
        return {"flow_log_definition_problems": flow_log_definition_problems,
                "flow_logs_definitions_problems": flow_logs_definitions_problems,
                "flow_logs_resolved_definitions": flow_logs_resolved_definitions}
