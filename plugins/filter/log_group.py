# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters for the CloudWatch Logs log group rules.

Documented in the sidecars ``plugins/filter/<filter_name>.yml``. The rules are those of
``plugins/module_utils/log_groups.py`` (``desired_log_group`` and
``class_feature_problems``), shared with the cloudwatchlogs_log_group module, so the
destination, flowlogs and log_insights roles check a log group the same way before any
AWS call.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import LogGroupError
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import class_feature_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import desired_log_group

_OPTIONS = ("name", "retention_days", "log_group_class", "kms_key_id", "tags")


def log_group_problems(params, fields=None):
    """Problems of cloudwatchlogs_log_group parameters, each naming the caller's variable (empty list: fine).

    ``fields`` maps an option (name, retention_days, log_group_class, kms_key_id, tags) to the
    variable that holds it; messages start with that variable instead of the option.
    """
    if not isinstance(params, dict):
        raise AnsibleFilterError("log_group_problems takes a dict of module options, got %r" % (params,))
    unknown = sorted(set(params) - set(_OPTIONS)) + sorted(set(fields or {}) - set(_OPTIONS))
    if unknown:
        raise AnsibleFilterError("unknown options %s (known: %s)" % (", ".join(unknown), ", ".join(_OPTIONS)))
    try:
        desired_log_group(dict(params, purge_tags=True))
    except LogGroupError as error:
        problems = []
        for problem in error.problems:
            option, sep, rest = problem.partition(":")
            base, dot, sub = option.partition(".")
            name = (fields or {}).get(base)
            problems.append("%s%s%s%s%s" % (name, dot, sub, sep, rest) if name else problem)
        return problems
    return []


def log_group_class_problems(log_group_class, features=None, field="log_group_class"):
    """Problems when the class cannot carry the features asked for (empty list: fine)."""
    if features is not None and not isinstance(features, dict):
        raise AnsibleFilterError("features must be a dict of feature to the field asking for it, got %r" % (features,))
    try:
        return class_feature_problems(log_group_class, features, field)
    except ValueError as error:
        raise AnsibleFilterError(str(error)) from error


class FilterModule(object):
    """flowlogs.aws log group filters."""

    def filters(self):
        return {
            "log_group_problems": log_group_problems,
            "log_group_class_problems": log_group_class_problems,
        }
