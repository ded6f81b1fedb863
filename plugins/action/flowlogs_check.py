# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of flowlogs.aws.flowlogs_check: runs on the controller, calls no AWS API.

The checks are in plugins/module_utils/flowlogs_inventory.py (unit-tested); this plugin
turns them into a task result: a failure listing every problem, or the derived values
and the weak-setting warnings (shown by Ansible as [WARNING]).
"""

from ansible.plugins.action import ActionBase

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import missing_resource_problems

ARGUMENT_SPEC = dict(
    inventory=dict(type="dict", required=True),
    skip_demo=dict(type="bool", default=False),
    existing=dict(type="dict"),
    region=dict(type="str"),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        unused, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        result["changed"] = False
        if args.get("existing") is not None:
            problems = missing_resource_problems(args["inventory"], args["existing"], args.get("region"),
                                                 args["skip_demo"])
            result["problems"] = problems
        else:
            checked = check_inventory(args["inventory"], args["skip_demo"])
            problems = checked["problems"]
            result["problems"] = problems
            result["plan"] = checked["plan"]
            if checked["warnings"] and not problems:
                result["warnings"] = checked["warnings"]
        if problems:
            result["failed"] = True
            result["msg"] = "{0} problem(s) in the inventory, nothing was changed: {1}".format(
                len(problems), "; ".join(problems))
        return result
