# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of flowlogs.aws.flowlogs_check: runs on the controller, calls no AWS API.

The checks are in plugins/module_utils/flowlogs_inventory.py (unit-tested); this plugin
turns them into a task result: a failure listing every problem, or the derived values
and the weak-setting warnings (shown by Ansible as [WARNING]). It also reads the flowlogs
variables of every inventory host (task_vars['hostvars']): central log-archive destinations
cross targets, and are checked and derived from the whole inventory.
"""

import os

from ansible.plugins.action import ActionBase

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import CHECK_ARGUMENT_SPEC
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import account_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import missing_resource_problems

# The variables of other hosts that central destinations need.
HOST_VARIABLES = ("flowlogs_destinations", "flowlogs_flow_logs", "flowlogs_region", "flowlogs_account_id",
                  "flowlogs_central_in_use")


def _default_region():
    # The flowlogs role's default of flowlogs_region, for a host that sets none.
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def inventory_hosts(task_vars, inventory):
    """Every inventory host's flowlogs variables (templated), and the hosts that cannot be read.

    This host's come from the role's own description (inventory), which has the role's
    defaults: hostvars has only inventory and fact variables, so a value built on a role
    default (a bucket name with {{ flowlogs_region }}, say) cannot be templated there. Another
    host whose variables cannot be read is reported only when a destination here names it.
    """
    hostvars = task_vars.get("hostvars") or {}
    current = task_vars.get("inventory_hostname")
    names = (task_vars.get("groups") or {}).get("all") or list(hostvars)
    hosts, unreadable = {}, {}
    for name in names:
        values = {}
        if name == current:
            values = dict((key, inventory[key]) for key in HOST_VARIABLES if key in inventory)
            if task_vars.get("flowlogs_central_in_use") is not None:
                values["flowlogs_central_in_use"] = task_vars["flowlogs_central_in_use"]
            hosts[name] = values
            continue
        try:
            variables = hostvars[name]
            for key in HOST_VARIABLES:
                if key in variables:
                    values[key] = variables[key]
        except Exception as error:  # an undefined variable in another host's inventory, for example
            unreadable[name] = str(error)
        hosts[name] = values
    return hosts, unreadable


def unreadable_problems(inventory, unreadable):
    """The hosts that cannot be read and that a destination of this host names (central: HOST)."""
    named = set(dest.get("central") for dest in inventory.get("flowlogs_destinations") or []
                if isinstance(dest, dict) and dest.get("central"))
    return ["{0}: its flowlogs variables cannot be read: {1}".format(name, unreadable[name])
            for name in sorted(named & set(unreadable))]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        unused, args = self.validate_argument_spec(argument_spec=CHECK_ARGUMENT_SPEC)
        result["changed"] = False
        if args.get("account_id") or args.get("existing") is not None:
            # The checks that need AWS's answers, in one call: the account, and the given ids found.
            problems = []
            if args.get("account_id"):
                problems.extend(account_problems(args["inventory"], args["account_id"], args.get("central")))
            if args.get("existing") is not None:
                problems.extend(missing_resource_problems(args["inventory"], args["existing"], args.get("region"),
                                                          args["skip_demo"]))
            result["problems"] = problems
        else:
            hosts, unreadable = inventory_hosts(task_vars or {}, args["inventory"])
            problems = unreadable_problems(args["inventory"], unreadable)
            checked = check_inventory(args["inventory"], args["skip_demo"], hosts, (task_vars or {}).get("inventory_hostname"),
                                      _default_region(), (task_vars or {}).get("ansible_play_hosts"))
            problems = problems + checked["problems"]
            result["problems"] = problems
            result["plan"] = checked["plan"]
            if checked["warnings"] and not problems:
                result["warnings"] = checked["warnings"]
        if problems:
            result["failed"] = True
            result["msg"] = "{0} problem(s) in the inventory, nothing was changed: {1}".format(
                len(problems), "; ".join(problems))
        return result
