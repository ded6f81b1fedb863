# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters checking the inputs of the athena and log_insights roles.

Documented in the sidecars ``plugins/filter/<filter_name>.yml``. The rules are those of
``plugins/module_utils/query_side.py``, which the flowlogs role's plan applies to every flow
log before the first change, so a role used on its own and the flowlogs role refuse the same
values with the same messages (named by the role variable here, by the inventory field there).
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils import query_side


def _problems(rules, prefix, variables):
    """The problems of the role's variables, given by their full names (athena_database: ...)."""
    if not isinstance(variables, dict):
        raise AnsibleFilterError("takes a dict of the role's variables, got %r" % (variables,))
    foreign = sorted(name for name in variables if not name.startswith(prefix))
    if foreign:
        raise AnsibleFilterError("not variables of the role (%s*): %s" % (prefix, ", ".join(foreign)))
    return rules(dict((name[len(prefix):], value) for name, value in variables.items()))


def athena_problems(variables):
    """Problems of the athena role's variables, each naming its variable (empty list: fine)."""
    return _problems(query_side.athena_problems, "athena_", variables)


def log_insights_problems(variables):
    """Problems of the log_insights role's variables, each naming its variable (empty list: fine)."""
    return _problems(query_side.log_insights_problems, "log_insights_", variables)


class FilterModule(object):
    """flowlogs.aws query-side input filters."""

    def filters(self):
        return {
            "athena_problems": athena_problems,
            "log_insights_problems": log_insights_problems,
        }
