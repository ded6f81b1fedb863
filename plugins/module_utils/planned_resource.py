# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules that own one resource share between their plan and their first write.

cloudwatchlogs_log_group, s3_flow_log_bucket and iam_delivery_role read the resource, plan, stop
in check mode, then act. The plan (from their module_utils) says ``problems``, ``foreign``,
``create``, ``changes`` and ``after``; this records it in the module's results the same way in
each, so that a refusal, check mode and diff mode look alike across them.
"""


class PlannedResource(object):
    """Mixin of a module's manager: ``self.module``, ``self.results`` and RESULT (the result key)."""

    RESULT = None

    def diff(self, before, after):
        if self.module._diff:
            self.results["diff"] = {"before": before or {}, "after": after or {}}

    def record_plan(self, current, plan):
        """Fail on the plan's problems (nothing written); record foreign, changed, the resource as it
        will be and the diff. True when the module must write: something changes, not in check mode."""
        if plan.get("problems"):
            self.results[self.RESULT] = current
            self.module.fail_json(msg="; ".join(plan["problems"]), problems=plan["problems"], **self.results)
        self.results["foreign"] = plan["foreign"]
        self.results["changed"] = bool(plan["create"] or plan["changes"])
        self.results[self.RESULT] = plan["after"]
        self.diff(current, plan["after"])
        return self.results["changed"] and not self.module.check_mode
