# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over described flow logs for the flowlogs role and the audit playbook.

Each filter is documented in the sidecar ``plugins/filter/<filter_name>.yml``; the logic
is in ``plugins/module_utils/flowlogs_inventory.py``.
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import audit
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import delivery_problem
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import remediation_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_audit import report
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import flow_logs_definitions as _definitions
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import teardown_plan


def flow_log_audit(vpcs, flow_logs, telemetry_tag_keys=None):
    """Findings (VPCs without a delivering flow log of rejected traffic, with reasons and names), covered VPCs,
    failed deliveries and flow logs of CloudWatch telemetry rules."""
    return audit(vpcs, flow_logs, telemetry_tag_keys)


def flow_log_audit_report(targets):
    """One report (and its text table) over the audits of every target, with the targets that could not be read."""
    return report(targets)


def flow_log_audit_problems(destinations, remediate=False, destination=None):
    """What stops the audit's remediation, named by its variable, before any AWS call."""
    return remediation_problems(boolean(remediate, strict=False), destination, destinations)


def flow_log_delivery_problem(flow_log):
    """Why a described flow log delivers nothing; empty when it is active and delivering."""
    return delivery_problem(flow_log or {})


def flowlogs_teardown_plan(flow_logs, destinations, adopt=False, delivery_role_name=""):
    """Which flow logs teardown removes and which inventory destinations (and delivery role) it keeps, and why."""
    return teardown_plan(flow_logs, destinations, boolean(adopt, strict=False), delivery_role_name or "")


def flow_logs_definitions(plan, destination_arns, delivery_role_arn="", demo_vpc=None, delivery_roles=None):
    """The flow_logs role's definitions of the flow logs a run applies, from the flowlogs role's plan."""
    return _definitions(plan, destination_arns or {}, delivery_role_arn or "", demo_vpc or {}, delivery_roles or {})


class FilterModule(object):
    def filters(self):
        return {
            "flow_log_audit": flow_log_audit,
            "flow_log_audit_problems": flow_log_audit_problems,
            "flow_log_audit_report": flow_log_audit_report,
            "flow_log_delivery_problem": flow_log_delivery_problem,
            "flowlogs_teardown_plan": flowlogs_teardown_plan,
            "flow_logs_definitions": flow_logs_definitions,
        }
