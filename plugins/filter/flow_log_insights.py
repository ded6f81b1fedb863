# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters for CloudWatch Logs Insights queries and the REJECT metric filter of a flow-log format.

Each filter is documented in the sidecar ``plugins/filter/<filter_name>.yml``. The
work is done by ``plugins/module_utils/flow_log_insights.py``; here, its errors
become AnsibleFilterError with the same message.
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.flowlogs.aws.plugins.plugin_utils.filter_errors import filter_errors
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import INSIGHTS_QUERY_KEYS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import named_insights_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import reject_filter_pattern


@filter_errors
def flow_log_insights_queries(log_format, queries=None, folder=None, strict=True, resource_type=None, traffic_type=None):
    """Logs Insights queries for a log format, named for query definitions, with the skipped ones."""
    try:
        strict = boolean(strict, strict=True)
    except TypeError as error:
        raise AnsibleFilterError("strict must be a boolean, got %r" % (strict,)) from error
    if isinstance(queries, str):
        queries = [queries]
    unknown = []
    if queries is not None and not strict:
        if not isinstance(queries, (list, tuple)):
            raise AnsibleFilterError("queries must be a list of query keys, got %r" % (queries,))
        unknown = [key for key in queries if key not in INSIGHTS_QUERY_KEYS]
        queries = [key for key in queries if key in INSIGHTS_QUERY_KEYS]
    result = named_insights_queries(log_format, queries, folder, resource_type, traffic_type)
    result["unknown"] = unknown
    result["available"] = list(INSIGHTS_QUERY_KEYS)
    return result


@filter_errors
def flow_log_reject_filter_pattern(log_format=None):
    """Space-delimited metric filter pattern matching the REJECT records of a log format."""
    return reject_filter_pattern(log_format)


class FilterModule(object):
    """flowlogs.aws Logs Insights and metric filter filters."""

    def filters(self):
        return {
            "flow_log_insights_queries": flow_log_insights_queries,
            "flow_log_reject_filter_pattern": flow_log_reject_filter_pattern,
        }
