# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of flowlogs.aws.iam_delivery_role_info: amazon.aws.iam_role_info without one deprecation.

amazon.aws.iam_role_info (amazon.aws 8.0.0 through 11.x) calls module.deprecate() on every run,
whatever its options, about the return value assume_role_policy_document_raw, which the
collection's roles never read. This plugin runs amazon.aws.iam_role_info with the task's
arguments, unchanged, and drops that one deprecation from the result; every other deprecation
and warning is kept. Check mode reaches the module as for any module task.
(flowlogs.aws.iam_delivery_role, which manages the role, is a module of its own.)
"""

from ansible.plugins.action import ActionBase

try:
    # ansible-core 2.19+: what gather_facts, package and service use to give the module they
    # run the module_defaults meant for it.
    from ansible.executor.module_common import _apply_action_arg_defaults
except ImportError:  # pragma: no cover - older ansible-core
    _apply_action_arg_defaults = None

DROPPED_DEPRECATION = "assume_role_policy_document_raw"


def _message(deprecation):
    """The text of one deprecation: a dict from a module, or ansible-core's DeprecationSummary."""
    if isinstance(deprecation, dict):
        return deprecation.get("msg")
    event = getattr(deprecation, "event", None)
    return getattr(event, "msg", None) if event is not None else getattr(deprecation, "msg", None)


def drop_raw_policy_deprecation(result):
    """Remove from result["deprecations"] only the entries about assume_role_policy_document_raw."""
    deprecations = result.get("deprecations")
    if not isinstance(deprecations, list):
        return result
    kept = [item for item in deprecations if DROPPED_DEPRECATION not in str(_message(item) or "")]
    if kept:
        result["deprecations"] = kept
    else:
        result.pop("deprecations", None)
    return result


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    WRAPPED_MODULE = "amazon.aws.iam_role_info"

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        module_args = dict(self._task.args)
        if _apply_action_arg_defaults is not None:
            # The task's args already hold the defaults for this action
            # (group/flowlogs.aws.aws, the action's own name); add those for the wrapped module
            # (group/amazon.aws.aws, amazon.aws.iam_role_info) where the task gives no value.
            module_args = _apply_action_arg_defaults(self.WRAPPED_MODULE, self._task, module_args, self._templar)
        result.update(self._execute_module(module_name=self.WRAPPED_MODULE, module_args=module_args,
                                           task_vars=task_vars))
        return drop_raw_policy_deprecation(result)
