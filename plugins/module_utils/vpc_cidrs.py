# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The demo VPC's addressing: every CIDR variable checked, and the subnet CIDRs derived.

Python's ``ipaddress`` does the IPv4 arithmetic (it was 100 lines of Jinja). Pure, so the
demo_vpc role (through the filter ``flowlogs.aws.demo_vpc_cidr_plan``) and the unit tests
share it. Every message names the role variable. AWS allows VPC and subnet blocks from /16
to /28 ("VPC CIDR blocks", Amazon VPC User Guide).

The derived layout: the VPC is cut into blocks of /``subnet_prefix``; public subnet i is block
i, private subnet i is block 10 + i (room for ten zones of public subnets).
"""

import ipaddress

MIN_PREFIX, MAX_PREFIX = 16, 28
PRIVATE_OFFSET = 10


def _network(label, value, low, high, errors):
    """The network a CIDR names, or None after recording why it is not a good one."""
    text = value if isinstance(value, str) else None
    parts = (text or "").split("/")
    if text is None or len(parts) != 2 or not parts[1].isdigit() or len(parts[0].split(".")) != 4:
        errors.append("{0}: {1} is not an IPv4 CIDR such as 10.10.0.0/16".format(label, _json(value)))
        return None
    try:
        interface = ipaddress.IPv4Interface(text)
    except ValueError:
        errors.append("{0}: {1} is not an IPv4 CIDR".format(label, _json(value)))
        return None
    prefix = interface.network.prefixlen
    if not low <= prefix <= high:
        errors.append("{0}: {1} must have a prefix length from /{2} to /{3}".format(label, _json(value), low, high))
        return None
    if interface.ip != interface.network.network_address:
        errors.append("{0}: {1} has host bits set; the network is {2}".format(label, _json(value), interface.network))
        return None
    return interface.network


def _json(value):
    if isinstance(value, str):
        return '"{0}"'.format(value)
    return "null" if value is None else str(value)


def _count(value):
    text = str(value)
    return int(text) if text.isdigit() else None


def cidr_plan(vpc_cidr, ssh_cidr, az_count, subnet_prefix, public=None, private=None):
    """{"errors": [...], "public": [cidr per zone], "private": [...]} for the role's variables."""
    errors = []
    zones = _count(az_count)
    if zones is None or zones < 1:
        errors.append("demo_vpc_az_count: must be at least 1, got {0}".format(_json(az_count)))
        zones = zones or 0
    vpc = _network("demo_vpc_cidr", vpc_cidr, MIN_PREFIX, MAX_PREFIX, errors)
    _network("demo_vpc_ssh_cidr", ssh_cidr, 0, 32, errors)

    subnets, lists = [], {}
    for tier, given in (("public", public or []), ("private", private or [])):
        if not given:
            continue
        var = "demo_vpc_{0}_subnet_cidrs".format(tier)
        if len(given) != zones:
            errors.append("{0}: needs one CIDR per zone (demo_vpc_az_count = {1}), got {2}".format(var, zones, len(given)))
        for index, cidr in enumerate(given):
            label = "{0}[{1}]".format(var, index)
            network = _network(label, cidr, MIN_PREFIX, MAX_PREFIX, errors)
            if network is not None:
                subnets.append((label, network))
        lists[tier] = list(given)

    if vpc is not None and zones >= 1 and len(lists) < 2:
        derived = _derive(vpc, zones, subnet_prefix, lists, errors)
        for tier, networks in derived.items():
            lists[tier] = [str(n) for n in networks]
            subnets.extend(("demo_vpc_{0}_subnet_cidrs[{1}] (derived)".format(tier, i), n)
                           for i, n in enumerate(networks))

    for index, (label, network) in enumerate(subnets):
        if vpc is not None and not network.subnet_of(vpc):
            errors.append("{0}: {1} is not inside demo_vpc_cidr {2}".format(label, network, vpc_cidr))
        for other_label, other in subnets[index + 1:]:
            if network.overlaps(other):
                errors.append("{0}: {1} overlaps {2}: {3}".format(label, network, other_label, other))
    return {"errors": errors, "public": lists.get("public", []), "private": lists.get("private", [])}


def _derive(vpc, zones, subnet_prefix, lists, errors):
    """The missing tiers' subnets, cut from the VPC (an empty dict after recording why not)."""
    prefix = _count(subnet_prefix)
    if prefix is None or not vpc.prefixlen <= prefix <= MAX_PREFIX:
        errors.append("demo_vpc_subnet_prefix: must be from /{0} (the prefix of demo_vpc_cidr) to /{1}, got {2}".format(
            vpc.prefixlen, MAX_PREFIX, _json(subnet_prefix)))
        return {}
    blocks = 2 ** (prefix - vpc.prefixlen)
    needed = PRIVATE_OFFSET + zones if "private" not in lists else zones
    if not lists and zones > PRIVATE_OFFSET:
        errors.append("demo_vpc_az_count: at most 10 zones with derived subnet CIDRs (private subnets start at block "
                      "10); give demo_vpc_public_subnet_cidrs and demo_vpc_private_subnet_cidrs")
        return {}
    if blocks < needed:
        errors.append("demo_vpc_cidr: {0} holds {1} subnets of /{2} but the derived layout needs {3}; use a larger "
                      "VPC, a longer demo_vpc_subnet_prefix, or explicit subnet CIDRs".format(vpc, blocks, prefix, needed))
        return {}
    cut = list(vpc.subnets(new_prefix=prefix)) if blocks <= 4096 else None
    size = 2 ** (32 - prefix)

    def block(i):
        if cut is not None:
            return cut[i]
        return ipaddress.IPv4Network((int(vpc.network_address) + i * size, prefix))

    derived = {}
    for tier in ("public", "private"):
        if tier not in lists:
            offset = 0 if tier == "public" else PRIVATE_OFFSET
            derived[tier] = [block(offset + i) for i in range(zones)]
    return derived
