# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: organization
short_description: flowlogs.aws targets for every account and region of an AWS organization
version_added: 0.2.0
description:
  - Builds the targets of the flowlogs.aws playbooks from AWS Organizations, seen from the management account (or a
    delegated administrator), one host per B(ACTIVE) member account and region, with the variables the playbooks read
    (C(flowlogs_account_id), C(flowlogs_account_name), C(flowlogs_region), C(flowlogs_ou_path) and
    C(flowlogs_assume_role_arn), the role the playbooks assume in that account).
  - Hosts are grouped by organizational unit (one group per OU, nested as the OUs are, named C(ou_) and the OU path,
    for example C(ou_workloads_prod) inside C(ou_workloads)), by region (C(region_us_east_1)) and by account
    (C(account_123456789012)); all are in the group C(flowlogs_organization), which sets C(ansible_connection=local)
    and the controller's Python as C(ansible_python_interpreter) (group_vars may override both).
  - Every option is checked before the hosts are made, and against the organization itself; an OU or account that
    is not in the organization, an account that is not ACTIVE, a region not enabled in an account, or a role template
    without C({account_id}) is an error naming the option, and no host is made.
  - The inventory file is YAML and must end with C(aws_org.yml) or C(aws_org.yaml), for example
    C(prod.aws_org.yml).
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
author:
  - flowlogs.aws maintainers (@flowlogs)
notes:
  - The identity reading the organization (the management account, or O(assume_role_arn) assumed with the connection
    credentials) needs C(organizations:DescribeOrganization), C(organizations:ListRoots),
    C(organizations:ListAccounts), C(organizations:ListOrganizationalUnitsForParent),
    C(organizations:ListAccountsForParent) and C(account:ListRegions).
  - C(account:ListRegions) with an account id works from the management account (or a delegated administrator of
    AWS Account Management) once trusted access for AWS Account Management is enabled in the organization
    (C(aws organizations enable-aws-service-access --service-principal account.amazonaws.com)).
  - Organizations is a global service; O(region) only chooses the endpoint's region (default V(us-east-1)).
options:
  plugin:
    description: Token that ensures this is a source file for this plugin.
    required: true
    choices: ['flowlogs.aws.organization']
  organizational_units:
    description:
      - The OUs (ids C(ou-...), or the root C(r-...)) whose accounts become targets; empty means the whole
        organization.
    type: list
    elements: str
    default: []
  recursive:
    description: Also the accounts of the OUs nested in O(organizational_units), at any depth.
    type: bool
    default: true
  include_accounts:
    description: Only these account ids (each must be an ACTIVE account of the organization).
    type: list
    elements: str
    default: []
  exclude_accounts:
    description: Never these account ids (each must be an account of the organization).
    type: list
    elements: str
    default: []
  include_management_account:
    description:
      - Also the management account (when it is selected by the other options). It has no
        C(OrganizationAccountAccessRole); give it a role of the same name, or use another inventory for it.
    type: bool
    default: false
  regions:
    description:
      - The regions to cover in every account, each of which must be enabled in every selected account.
      - Empty (the default) covers, in each account, every region enabled in that account, as listed by the AWS
        Account Management API (C(account:ListRegions) with the account's id and the opt-in statuses V(ENABLED) and
        V(ENABLED_BY_DEFAULT)). That API answers for any member account from the management account, without
        assuming a role in each account as C(ec2:DescribeRegions) would need (it describes only the caller's own
        account).
    type: list
    elements: str
    default: []
  check_regions:
    description:
      - Check with C(account:ListRegions) that every region of O(regions) is enabled in every selected account.
      - V(false) skips the check (and the permission it needs); a region that is not enabled then fails at run time.
    type: bool
    default: true
  role_arn_template:
    description:
      - The role the playbooks assume in each account (C(flowlogs_assume_role_arn)); C({account_id}) is required,
        C({partition}) (the organization's partition) is allowed.
      - The default is the role AWS Organizations creates in every account it creates.
    type: str
    default: "arn:{partition}:iam::{account_id}:role/OrganizationAccountAccessRole"
  hostname_template:
    description:
      - The name of each host; C({region}) is required, with C({account_id}) or C({account_name}) or both.
      - Each field is made fit for a host name before it is put in the template (AWS account names may hold spaces
        and other characters that make poor Ansible host names or break host patterns such as C(--limit)); every run
        of characters other than letters, digits, C(_), C(.) and C(-) becomes one C(-), and leading and trailing
        C(-) are removed, so the account name C(Prod / Payments & EU) gives C(Prod-Payments-EU). An account name
        with no such character left is replaced by the account id. C(flowlogs_account_name) keeps the name as it is.
      - Two targets that would get the same host name (two accounts whose names give the same field, without
        C({account_id}) in the template) are an error naming this option, and no host is made.
    type: str
    default: "{account_id}-{region}"
"""

EXAMPLES = r"""
# org.aws_org.yml: every ACTIVE member account of the organization, in two regions
plugin: flowlogs.aws.organization
regions: [us-east-1, eu-west-1]
---
# workloads.aws_org.yml: the accounts under one OU (nested OUs too), in every region each
# account has enabled, except one account; the role is assumed with an external id
plugin: flowlogs.aws.organization
organizational_units: [ou-ab12-34cd56ef]
exclude_accounts: ["111122223333"]
role_arn_template: "arn:{partition}:iam::{account_id}:role/flowlogs-admin"
compose:
  flowlogs_assume_role_external_id: "'flowlogs-' ~ flowlogs_account_id"
keyed_groups:
  - key: flowlogs_account_name
    prefix: name
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/flowlogs-org
cache_timeout: 3600
---
# From a management-account profile, reading the organization through a delegated role
plugin: flowlogs.aws.organization
profile: org-admin
assume_role_arn: arn:aws:iam::123456789012:role/org-reader
regions: [eu-central-1]
"""

import re

try:
    import botocore.exceptions
except ImportError:
    pass  # the base class reports a missing boto3/botocore

from ansible.errors import AnsibleError

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.flowlogs.aws.plugins.module_utils.target_connection import role_arn_problem

# AWS Organizations API Reference: "Pattern: ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$", "^r-[0-9a-z]{4,32}$",
# account ids "^\d{12}$".
OU_ID = re.compile(r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")
ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION_NAME = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
ENABLED_STATUSES = ("ENABLED", "ENABLED_BY_DEFAULT")
FIELD = re.compile(r"\{([^{}]*)\}")
HOST_NAME_OTHER = re.compile(r"[^A-Za-z0-9_.-]+")
GROUP = "flowlogs_organization"


class OrganizationError(AnsibleError):
    """A bad option or an organization that does not match it; nothing was made."""


def template_problems(option, template, required, allowed):
    """Why a {field} template is unusable (fields outside ``allowed``, required ones missing)."""
    problems = []
    fields = FIELD.findall(template or "")
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        problems.append("{0}: unknown field(s) {1}; allowed: {2}".format(
            option, ", ".join("{%s}" % name for name in unknown), ", ".join("{%s}" % name for name in allowed)))
    missing = [name for name in required if name not in fields]
    if missing:
        problems.append("{0}: {1!r} must contain {2}".format(
            option, template, " and ".join("{%s}" % name for name in missing)))
    return problems


def option_problems(options):
    """Every problem of the options that needs no AWS call, each named by its option."""
    problems = []
    for index, ou_id in enumerate(options.get("organizational_units") or []):
        if not (OU_ID.match(str(ou_id)) or ROOT_ID.match(str(ou_id))):
            problems.append("organizational_units[{0}]: {1!r} is not an OU id (ou-...) or a root id (r-...)".format(
                index, ou_id))
    for option in ("include_accounts", "exclude_accounts"):
        for index, account_id in enumerate(options.get(option) or []):
            if not ACCOUNT_ID.match(str(account_id)):
                problems.append("{0}[{1}]: {2!r} is not a 12-digit account id".format(option, index, account_id))
    for index, region in enumerate(options.get("regions") or []):
        if not REGION_NAME.match(str(region)):
            problems.append("regions[{0}]: {1!r} is not a region name".format(index, region))
    role = options.get("role_arn_template") or ""
    role_problems = template_problems("role_arn_template", role, ["account_id"], ["account_id", "partition"])
    if not role_problems:
        arn_problem = role_arn_problem(role.format(account_id="123456789012", partition="aws"))
        if arn_problem:
            role_problems.append("role_arn_template: {0!r} does not make an IAM role ARN".format(role))
    problems.extend(role_problems)
    hostname = options.get("hostname_template") or ""
    hostname_problems = template_problems("hostname_template", hostname, ["region"],
                                          ["account_id", "region", "account_name"])
    if not set(FIELD.findall(hostname)) & {"account_id", "account_name"}:
        hostname_problems.append("hostname_template: {0!r} must contain {{account_id}} or {{account_name}}".format(
            hostname))
    problems.extend(hostname_problems)
    return problems


def host_field(value):
    """A template field as it goes into a host name: each run of characters other than [A-Za-z0-9_.-]
    becomes one '-', and no '-' leads or trails."""
    return HOST_NAME_OTHER.sub("-", str(value)).strip("-")


def host_name(template, account_id, region, account_name):
    """The host name of one target from hostname_template, each field made fit for a host name (an account
    name with nothing left is the account id)."""
    return template.format(account_id=host_field(account_id), region=host_field(region),
                           account_name=host_field(account_name) or account_id)


def duplicate_host_problems(targets, template):
    """Host names that hostname_template gives to more than one target."""
    first = {}
    problems = []
    for target in targets:
        name, host_vars = target["name"], target["vars"]
        if name not in first:
            first[name] = host_vars
            continue
        other = first[name]
        problems.append(
            "hostname_template: {0!r} gives the host name {1!r} to account {2} ({3!r}) in {4} and to account {5} "
            "({6!r}) in {7}; add {{account_id}} to the template".format(
                template, name, other["flowlogs_account_id"], other["flowlogs_account_name"], other["flowlogs_region"],
                host_vars["flowlogs_account_id"], host_vars["flowlogs_account_name"], host_vars["flowlogs_region"]))
    return problems


def group_name(*parts):
    """An Ansible group name from OU names or a region (lower case, [a-z0-9_])."""
    return re.sub(r"[^a-z0-9_]", "_", "_".join(parts).lower())


def select_accounts(organization, options):
    """The selected accounts, in the organization's order, after checking the options against it.

    ``organization``: {"accounts": {id: account}, "ous": {id: {"path": [...], "parent": id}},
    "account_parent": {account id: parent id}, "root": id, "management": id}.
    """
    problems = []
    accounts = organization["accounts"]
    ous = organization["ous"]
    wanted_ous = list(options.get("organizational_units") or []) or [organization["root"]]
    for index, ou_id in enumerate(options.get("organizational_units") or []):
        if ou_id not in ous:
            problems.append("organizational_units[{0}]: {1} is not an OU or root of organization {2}".format(
                index, ou_id, organization["id"]))
    for index, account_id in enumerate(options.get("include_accounts") or []):
        if account_id not in accounts:
            problems.append("include_accounts[{0}]: {1} is not an account of organization {2}".format(
                index, account_id, organization["id"]))
        elif accounts[account_id]["state"] != "ACTIVE":
            problems.append("include_accounts[{0}]: account {1} is {2}, not ACTIVE".format(
                index, account_id, accounts[account_id]["state"]))
    for index, account_id in enumerate(options.get("exclude_accounts") or []):
        if account_id not in accounts:
            problems.append("exclude_accounts[{0}]: {1} is not an account of organization {2}".format(
                index, account_id, organization["id"]))
    if problems:
        return problems, []

    def under(parent_id):
        while parent_id:
            if parent_id in wanted_ous:
                return True
            if not options.get("recursive", True):
                return False
            parent_id = ous.get(parent_id, {}).get("parent")
        return False

    include = set(options.get("include_accounts") or [])
    exclude = set(options.get("exclude_accounts") or [])
    selected = []
    for account_id, account in accounts.items():
        if account["state"] != "ACTIVE" or account_id in exclude:
            continue
        if include and account_id not in include:
            continue
        if account_id == organization["management"] and not options.get("include_management_account"):
            continue
        if under(organization["account_parent"].get(account_id)):
            selected.append(account_id)
    return [], selected


def make_targets(organization, selected, regions_of, options):
    """One target (a dict of host variables) per selected account and region."""
    targets = []
    for account_id in selected:
        account = organization["accounts"][account_id]
        parent = organization["account_parent"].get(account_id)
        path = organization["ous"].get(parent, {}).get("path", [])
        for region in regions_of[account_id]:
            fields = {"account_id": account_id, "region": region, "account_name": account["name"],
                      "partition": organization["partition"]}
            targets.append({
                "name": host_name(options["hostname_template"], account_id, region, account["name"]),
                "ou_ids": organization["ous"].get(parent, {}).get("ids", []),
                "vars": {
                    "flowlogs_account_id": account_id,
                    "flowlogs_account_name": account["name"],
                    "flowlogs_region": region,
                    "flowlogs_ou_path": "/".join(path),
                    "flowlogs_assume_role_arn": options["role_arn_template"].format(**fields),
                },
            })
    return targets


def region_problems(selected, enabled, regions):
    """The given regions not enabled in a selected account."""
    problems = []
    for index, region in enumerate(regions):
        missing = [account_id for account_id in selected if region not in enabled[account_id]]
        if missing:
            problems.append("regions[{0}]: {1} is not enabled in account(s) {2}".format(
                index, region, ", ".join(missing)))
    return problems


def _pages(client, operation, key, **params):
    items = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key) or [])
    return items


def read_organization(org):
    """The organization as select_accounts needs it, from an Organizations client."""
    description = org.describe_organization()["Organization"]
    arn = parse_aws_arn(description.get("Arn") or "") or {}
    accounts = {}
    for account in _pages(org, "list_accounts", "Accounts"):
        # "State" replaces the deprecated "Status" (AWS Organizations API Reference, Account).
        accounts[account["Id"]] = {"name": account.get("Name") or account["Id"],
                                   "state": account.get("State") or account.get("Status") or ""}
    root_id = org.list_roots()["Roots"][0]["Id"]
    ous = {root_id: {"path": [], "ids": [], "parent": None, "name": "Root"}}
    account_parent = {}
    pending = [root_id]
    while pending:
        parent_id = pending.pop(0)
        for account in _pages(org, "list_accounts_for_parent", "Accounts", ParentId=parent_id):
            account_parent[account["Id"]] = parent_id
        for child in _pages(org, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
            ous[child["Id"]] = {"path": ous[parent_id]["path"] + [child["Name"]],
                                "ids": ous[parent_id]["ids"] + [child["Id"]],
                                "parent": parent_id, "name": child["Name"]}
            pending.append(child["Id"])
    return {"id": description["Id"], "management": description.get("MasterAccountId"),
            "partition": arn.get("partition") or "aws", "root": root_id, "ous": ous,
            "accounts": accounts, "account_parent": account_parent}


def enabled_regions(account_client, account_id, management_id):
    """The regions enabled in an account (account:ListRegions; no AccountId for the caller's own account)."""
    params = {"RegionOptStatusContains": list(ENABLED_STATUSES)}
    if account_id != management_id:
        params["AccountId"] = account_id
    return sorted(region["RegionName"] for region in _pages(account_client, "list_regions", "Regions", **params))


class InventoryModule(AWSInventoryBase):
    NAME = "flowlogs.aws.organization"
    INVENTORY_FILE_SUFFIXES = ("aws_org.yml", "aws_org.yaml")

    def get_option(self, option, hostvars=None):
        # AWSInventoryBase templates list options element by element with a templar argument
        # ansible-core 2.19 deprecates; regions are plain names, never templates.
        if option == "regions":
            return super(AWSInventoryBase, self).get_option(option, hostvars)
        return super().get_option(option, hostvars)

    def _call(self, operation, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except botocore.exceptions.ClientError as error:
            details = error.response.get("Error", {})
            raise OrganizationError("flowlogs.aws.organization: {0} failed: {1}: {2}".format(
                operation, details.get("Code"), details.get("Message")))
        except botocore.exceptions.BotoCoreError as error:
            raise OrganizationError("flowlogs.aws.organization: {0} failed: {1}".format(operation, error))

    def _query(self, options):
        org = self.client("organizations", region=self.region or "us-east-1")
        organization = self._call("organizations:DescribeOrganization/ListAccounts/ListOrganizationalUnitsForParent",
                                  read_organization, org)
        problems, selected = select_accounts(organization, options)
        if problems:
            raise OrganizationError("flowlogs.aws.organization: {0} problem(s), no host was made: {1}".format(
                len(problems), "; ".join(problems)))
        regions = list(options.get("regions") or [])
        regions_of = dict((account_id, regions) for account_id in selected)
        if not regions or options.get("check_regions", True):
            account = self.client("account", region=self.region or "us-east-1")
            enabled = dict((account_id, self._call("account:ListRegions ({0})".format(account_id), enabled_regions,
                                                   account, account_id, organization["management"]))
                           for account_id in selected)
            if regions:
                problems = region_problems(selected, enabled, regions)
                if problems:
                    raise OrganizationError("flowlogs.aws.organization: {0} problem(s), no host was made: {1}".format(
                        len(problems), "; ".join(problems)))
            else:
                regions_of = enabled
        targets = make_targets(organization, selected, regions_of, options)
        problems = duplicate_host_problems(targets, options["hostname_template"])
        if problems:
            raise OrganizationError("flowlogs.aws.organization: {0} problem(s), no host was made: {1}".format(
                len(problems), "; ".join(problems)))
        ou_groups = dict((ou_id, {"name": group_name("ou", *ou["path"]), "parent": ou["parent"]})
                         for ou_id, ou in organization["ous"].items() if ou["path"])
        return {"targets": targets, "ou_groups": ou_groups}

    def _populate(self, results):
        import sys

        inventory = self.inventory
        inventory.add_group(GROUP)
        inventory.set_variable(GROUP, "ansible_connection", "local")
        # The Python running Ansible is the one with boto3 (the playbooks' modules run on the controller).
        inventory.set_variable(GROUP, "ansible_python_interpreter", sys.executable)
        ou_groups = results["ou_groups"]
        for ou_id, group in ou_groups.items():
            inventory.add_group(group["name"])
        for ou_id, group in ou_groups.items():
            parent = ou_groups.get(group["parent"])
            if parent:
                inventory.add_child(parent["name"], group["name"])
        strict = self.get_option("strict")
        for target in results["targets"]:
            name = target["name"]
            host_vars = target["vars"]
            inventory.add_host(name, group=GROUP)
            for group in (group_name("region", host_vars["flowlogs_region"]),
                          group_name("account", host_vars["flowlogs_account_id"])):
                inventory.add_group(group)
                inventory.add_host(name, group=group)
            if target["ou_ids"]:
                inventory.add_host(name, group=ou_groups[target["ou_ids"][-1]]["name"])
            for key, value in host_vars.items():
                inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, name, strict=strict)

    def _set_frozen_credentials(self):
        # Called by AWSInventoryBase.parse once the file is read, before the first AWS call (the
        # AssumeRole of assume_role_arn): every option is checked here first.
        options = dict((name, self.get_option(name)) for name in (
            "organizational_units", "recursive", "include_accounts", "exclude_accounts",
            "include_management_account", "regions", "check_regions", "role_arn_template", "hostname_template"))
        problems = option_problems(options)
        if problems:
            raise OrganizationError("flowlogs.aws.organization ({0}): {1} problem(s), nothing was called: {2}".format(
                self._path, len(problems), "; ".join(problems)))
        self._org_options = options
        super()._set_frozen_credentials()

    def parse(self, inventory, loader, path, cache=True):
        self._path = path
        super().parse(inventory, loader, path, cache=cache)
        result_was_cached, results = self.get_cached_result(path, cache)
        if not result_was_cached:
            results = self._query(self._org_options)
        self._populate(results)
        self.update_cached_result(path, cache, results)
