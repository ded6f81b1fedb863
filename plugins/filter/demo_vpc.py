# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filter for the demo_vpc role's addressing (plugins/module_utils/vpc_cidrs.py).

Documented in the sidecar ``plugins/filter/demo_vpc_cidr_plan.yml``.
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.vpc_cidrs import cidr_plan


def demo_vpc_cidr_plan(vpc_cidr, ssh_cidr, az_count, subnet_prefix, public=None, private=None):
    """Every CIDR variable checked, and the subnet CIDRs derived."""
    return cidr_plan(vpc_cidr, ssh_cidr, az_count, subnet_prefix, public, private)


class FilterModule(object):
    """flowlogs.aws demo VPC filters."""

    def filters(self):
        return {"demo_vpc_cidr_plan": demo_vpc_cidr_plan}
