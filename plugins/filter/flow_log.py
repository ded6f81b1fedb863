# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters exposing the flow-log format engine to playbooks.

Each filter is documented in the sidecar ``plugins/filter/<filter_name>.yml``.
The work is done by ``plugins/module_utils/flow_log_format.py``; here, engine
errors become AnsibleFilterError with the engine's message.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.flowlogs.aws.plugins.plugin_utils.filter_errors import filter_errors
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import (
    FlowLogFormatError,
    athena_columns,
    field_names,
    insights_parse_clause,
    normalize_format,
    parse_format,
    parse_record,
    record_version,
)


@filter_errors
def flow_log_fields(log_format, tag_field_specifications=None, resource_type=None):
    """Validated field names of a log format, in order (None gives the resource type's default format)."""
    return parse_format(log_format, tag_field_specifications, resource_type)


def flow_log_format_problems(log_format, tag_field_specifications=None, resource_type=None):
    """Every problem of a log format as a list of messages; empty when the format is valid.

    Unlike flow_log_fields it never raises, so a playbook can name the variable at fault.
    """
    try:
        parse_format(log_format, tag_field_specifications, resource_type)
    except FlowLogFormatError as error:
        return list(getattr(error, "problems", None) or [str(error)])
    return []


@filter_errors
def flow_log_normalize(log_format, resource_type=None):
    """Canonical form of a log format; None gives the resource type's default format string."""
    return normalize_format(log_format, resource_type)


@filter_errors
def flow_log_version(log_format, resource_type=None):
    """Record version a log format produces (the highest version among its fields)."""
    return record_version(field_names(log_format, resource_type))


@filter_errors
def flow_log_athena_columns(log_format, file_format="plain-text", partition_keys=None, resource_type=None):
    """Athena/Glue columns (name, type, field) for a log format and file format."""
    return athena_columns(field_names(log_format, resource_type), file_format, partition_keys or ())


@filter_errors
def flow_log_insights_parse(log_format, resource_type=None):
    """CloudWatch Logs Insights ``parse @message ... as ...`` clause for a log format."""
    return insights_parse_clause(field_names(log_format, resource_type))


@filter_errors
def flow_log_parse_record(line, log_format=None, typed=True, resource_type=None):
    """Parse one flow-log record line into a dict keyed by field name."""
    try:
        typed = boolean(typed, strict=True)
    except TypeError as error:
        raise AnsibleFilterError("typed must be a boolean, got %r" % (typed,)) from error
    return parse_record(line, field_names(log_format, resource_type), typed=typed)


class FilterModule(object):
    """flowlogs.aws flow-log format filters."""

    def filters(self):
        return {
            "flow_log_fields": flow_log_fields,
            "flow_log_format_problems": flow_log_format_problems,
            "flow_log_normalize": flow_log_normalize,
            "flow_log_version": flow_log_version,
            "flow_log_athena_columns": flow_log_athena_columns,
            "flow_log_insights_parse": flow_log_insights_parse,
            "flow_log_parse_record": flow_log_parse_record,
        }
