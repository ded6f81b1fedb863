# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How ec2_vpc_flow_log and ec2_vpc_flow_logs apply their change: waiting for the flow logs and
for a new delivery role. Its argument spec is ``module_utils/argument_specs.flow_log_apply_spec``."""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until the flow logs are active and fail if AWS reports a delivery error
        (C(DeliverLogsErrorMessage), for example C(Access error)).
    type: bool
    default: false
  wait_timeout:
    description: How long to wait, in seconds, when O(wait=true).
    type: int
    default: 300
  role_propagation_timeout:
    description:
      - How long, in seconds, to retry creation while AWS cannot yet assume a newly created delivery role.
    type: int
    default: 120
"""
