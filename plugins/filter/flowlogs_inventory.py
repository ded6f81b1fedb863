# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over described flow logs for the flowlogs role and the audit playbook.

Each filter is documented in the sidecar ``plugins/filter/<filter_name>.yml``; the logic
is in ``plugins/module_utils/flowlogs_inventory.py``.
"""

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import audit
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import delivery_problem
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import teardown_plan


def flow_log_audit(vpcs, flow_logs):
    """Findings (VPCs without a delivering flow log of rejected traffic, with reasons) and covered VPCs."""
    return audit(vpcs, flow_logs)


def flow_log_delivery_problem(flow_log):
    """Why a described flow log delivers nothing; empty when it is active and delivering."""
    return delivery_problem(flow_log or {})


def flowlogs_teardown_plan(flow_logs, destinations, adopt=False):
    """Which flow logs teardown removes and which inventory destinations it keeps, and why."""
    return teardown_plan(flow_logs, destinations, boolean(adopt, strict=False))


class FilterModule(object):
    def filters(self):
        return {
            "flow_log_audit": flow_log_audit,
            "flow_log_delivery_problem": flow_log_delivery_problem,
            "flowlogs_teardown_plan": flowlogs_teardown_plan,
        }
