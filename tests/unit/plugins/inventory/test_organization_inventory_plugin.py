"""flowlogs.aws.organization: option checks, selection, targets, and the Organizations/Account reads (Stubber:
pagination and errors, which the emulator does not page)."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.flowlogs.aws.plugins.inventory import organization as plugin

OPTIONS = {"organizational_units": [], "recursive": True, "include_accounts": [], "exclude_accounts": [],
           "include_management_account": False, "regions": ["us-east-1"], "check_regions": True,
           "role_arn_template": "arn:{partition}:iam::{account_id}:role/OrganizationAccountAccessRole",
           "hostname_template": "{account_id}-{region}"}
ROOT, WORK, PROD = "r-ab12", "ou-ab12-11111111", "ou-ab12-22222222"
MGMT, A, B, C, CLOSED = "111111111111", "222222222222", "333333333333", "444444444444", "555555555555"
ORG = {
    "id": "o-abcdefghij", "management": MGMT, "partition": "aws", "root": ROOT,
    "ous": {ROOT: {"path": [], "ids": [], "parent": None},
            WORK: {"path": ["Workloads"], "ids": [WORK], "parent": ROOT},
            PROD: {"path": ["Workloads", "Prod"], "ids": [WORK, PROD], "parent": WORK}},
    "accounts": {MGMT: {"name": "mgmt", "state": "ACTIVE"}, A: {"name": "a", "state": "ACTIVE"},
                 B: {"name": "b", "state": "ACTIVE"}, C: {"name": "c", "state": "ACTIVE"},
                 CLOSED: {"name": "closed", "state": "SUSPENDED"}},
    "account_parent": {MGMT: ROOT, A: ROOT, B: WORK, C: PROD, CLOSED: PROD},
}


def options(**changes):
    result = dict(OPTIONS)
    result.update(changes)
    return result


def test_valid_options_have_no_problem():
    assert plugin.option_problems(options(organizational_units=[ROOT, PROD], include_accounts=[A])) == []
    # The account name without the account id is a valid host name template (duplicates are checked on the targets).
    assert plugin.option_problems(options(hostname_template="{account_name}.{region}")) == []


@pytest.mark.parametrize("changes, expected", [
    ({"role_arn_template": "arn:aws:iam::123456789012:role/x"}, "role_arn_template: 'arn:aws:iam::123456789012:role/x' must contain {account_id}"),
    ({"role_arn_template": "arn:aws:iam::{account}:role/x"}, "role_arn_template: unknown field(s) {account}"),
    ({"role_arn_template": "arn:aws:iam::{account_id}:user/x"}, "does not make an IAM role ARN"),
    ({"hostname_template": "{account_name}"}, "hostname_template: '{account_name}' must contain {region}"),
    ({"hostname_template": "host-{region}"}, "hostname_template: 'host-{region}' must contain {account_id} or {account_name}"),
    ({"hostname_template": "{name}-{region}-{account_id}"}, "hostname_template: unknown field(s) {name}"),
    ({"organizational_units": ["ou-1"]}, "organizational_units[0]: 'ou-1' is not an OU id"),
    ({"include_accounts": ["1234"]}, "include_accounts[0]: '1234' is not a 12-digit account id"),
    ({"exclude_accounts": [123]}, "exclude_accounts[0]: 123 is not a 12-digit account id"),
    ({"regions": ["us-east-1", "Europe"]}, "regions[1]: 'Europe' is not a region name"),
])
def test_each_bad_option_is_named(changes, expected):
    problems = plugin.option_problems(options(**changes))
    assert problems and expected in "; ".join(problems)


@pytest.mark.parametrize("changes, expected", [
    ({}, [A, B, C]),  # ACTIVE only, not the management account
    ({"include_management_account": True}, [MGMT, A, B, C]),
    ({"organizational_units": [WORK]}, [B, C]),
    ({"organizational_units": [WORK], "recursive": False}, [B]),
    ({"organizational_units": [PROD, ROOT], "recursive": False}, [A, C]),
    ({"include_accounts": [C, A]}, [A, C]),
    ({"exclude_accounts": [B]}, [A, C]),
    ({"organizational_units": [WORK], "include_accounts": [A]}, []),
])
def test_selection(changes, expected):
    assert plugin.select_accounts(ORG, options(**changes)) == ([], expected)


@pytest.mark.parametrize("changes, expected", [
    ({"organizational_units": ["ou-ab12-99999999"]}, "organizational_units[0]: ou-ab12-99999999 is not an OU or root of organization o-abcdefghij"),
    ({"include_accounts": ["999999999999"]}, "include_accounts[0]: 999999999999 is not an account of organization"),
    ({"include_accounts": [CLOSED]}, "include_accounts[0]: account 555555555555 is SUSPENDED, not ACTIVE"),
    ({"exclude_accounts": ["999999999999"]}, "exclude_accounts[0]: 999999999999 is not an account of organization"),
])
def test_options_not_matching_the_organization(changes, expected):
    problems, selected = plugin.select_accounts(ORG, options(**changes))
    assert selected == [] and len(problems) == 1 and expected in problems[0]


def test_targets_and_region_check():
    targets = plugin.make_targets(ORG, [C], {C: ["us-east-1", "eu-west-1"]},
                                  options(role_arn_template="arn:{partition}:iam::{account_id}:role/r",
                                          hostname_template="{account_name}-{region}"))
    assert [target["name"] for target in targets] == ["c-us-east-1", "c-eu-west-1"]
    assert targets[1]["vars"] == {"flowlogs_account_id": C, "flowlogs_account_name": "c", "flowlogs_region": "eu-west-1",
                                  "flowlogs_ou_path": "Workloads/Prod", "flowlogs_assume_role_arn": "arn:aws:iam::%s:role/r" % C}
    assert targets[0]["ou_ids"] == [WORK, PROD]
    assert plugin.region_problems([A, B], {A: ["us-east-1"], B: ["eu-west-1"]}, ["us-east-1", "eu-west-1"]) == [
        "regions[0]: us-east-1 is not enabled in account(s) %s" % B, "regions[1]: eu-west-1 is not enabled in account(s) %s" % A]
    assert plugin.group_name("ou", "Workloads", "Prod-EU") == "ou_workloads_prod_eu"


def _client(service):
    return boto3.client(service, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


def test_read_organization_follows_every_page():
    org = _client("organizations")
    with Stubber(org) as stub:
        stub.add_response("describe_organization", {"Organization": {
            "Id": "o-abcdefghij", "Arn": "arn:aws-us-gov:organizations::%s:organization/o-abcdefghij" % MGMT,
            "MasterAccountId": MGMT}})
        stub.add_response("list_accounts", {"Accounts": [{"Id": MGMT, "Name": "mgmt", "Status": "ACTIVE"}],
                                            "NextToken": "t1"})
        stub.add_response("list_accounts", {"Accounts": [{"Id": A, "Name": "a", "State": "SUSPENDED"}]},
                          {"NextToken": "t1"})
        stub.add_response("list_roots", {"Roots": [{"Id": ROOT}]})
        stub.add_response("list_accounts_for_parent", {"Accounts": [{"Id": MGMT}], "NextToken": "p2"}, {"ParentId": ROOT})
        stub.add_response("list_accounts_for_parent", {"Accounts": []}, {"ParentId": ROOT, "NextToken": "p2"})
        stub.add_response("list_organizational_units_for_parent",
                          {"OrganizationalUnits": [{"Id": WORK, "Name": "Workloads"}]}, {"ParentId": ROOT})
        stub.add_response("list_accounts_for_parent", {"Accounts": [{"Id": A}]}, {"ParentId": WORK})
        stub.add_response("list_organizational_units_for_parent", {"OrganizationalUnits": []}, {"ParentId": WORK})
        result = plugin.read_organization(org)
        stub.assert_no_pending_responses()
    assert result["partition"] == "aws-us-gov"
    assert result["accounts"] == {MGMT: {"name": "mgmt", "state": "ACTIVE"}, A: {"name": "a", "state": "SUSPENDED"}}
    assert result["account_parent"] == {MGMT: ROOT, A: WORK}
    assert result["ous"][WORK] == {"path": ["Workloads"], "ids": [WORK], "parent": ROOT, "name": "Workloads"}


def test_enabled_regions_asks_for_the_member_account_only():
    account = _client("account")
    with Stubber(account) as stub:
        stub.add_response("list_regions", {"Regions": [{"RegionName": "us-east-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"}]},
                          {"AccountId": A, "RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]})
        stub.add_response("list_regions", {"Regions": [{"RegionName": "eu-west-1", "RegionOptStatus": "ENABLED"}]},
                          {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]})
        assert plugin.enabled_regions(account, A, MGMT) == ["us-east-1"]
        assert plugin.enabled_regions(account, MGMT, MGMT) == ["eu-west-1"]


def test_an_aws_error_is_a_clean_message_naming_the_operation():
    org = _client("organizations")
    inventory = plugin.InventoryModule()
    with Stubber(org) as stub:
        stub.add_client_error("describe_organization", "AWSOrganizationsNotInUseException",
                              "Your account is not a member of an organization.")
        with pytest.raises(plugin.OrganizationError) as error:
            inventory._call("organizations:DescribeOrganization", plugin.read_organization, org)
    assert str(error.value) == ("flowlogs.aws.organization: organizations:DescribeOrganization failed: "
                                "AWSOrganizationsNotInUseException: Your account is not a member of an organization.")


def test_verify_file_wants_the_aws_org_suffix(tmp_path):
    inventory = plugin.InventoryModule()
    for name, expected in (("prod.aws_org.yml", True), ("prod.aws_org.yaml", True), ("prod.aws_ec2.yml", False)):
        path = tmp_path / name
        path.write_text("plugin: flowlogs.aws.organization\n")
        assert inventory.verify_file(str(path)) is expected


@pytest.mark.parametrize("value, expected", [
    ("prod-a", "prod-a"),
    ("Prod / Payments (EU)", "Prod-Payments-EU"),  # AWS account names are any printable ASCII, spaces included
    ("  team_x.v2  ", "team_x.v2"),
    ("a,b:c[0]*", "a-b-c-0"),  # characters of Ansible host patterns (--limit) never reach a host name
    ("--dash--", "dash"),
    ("Compta & Paie", "Compta-Paie"),
    ("Zürich", "Z-rich"),
    ("()", ""),
])
def test_host_field_keeps_letters_digits_underscore_dot_dash(value, expected):
    assert plugin.host_field(value) == expected


def _org_named(names):
    """ORG with its member accounts A, B, C renamed."""
    org = dict(ORG, accounts=dict(ORG["accounts"]))
    for account_id, name in names.items():
        org["accounts"][account_id] = {"name": name, "state": "ACTIVE"}
    return org


def test_host_names_from_account_names_are_sanitised_and_the_name_variable_is_not():
    org = _org_named({A: "Prod / Payments (EU)", B: "()", C: "dev"})
    targets = plugin.make_targets(org, [A, B, C], {A: ["eu-west-1"], B: ["us-east-1"], C: ["us-east-1"]},
                                  options(hostname_template="{account_name}_{region}"))
    # An account name with nothing left for a host name gives the account id.
    assert [target["name"] for target in targets] == ["Prod-Payments-EU_eu-west-1", B + "_us-east-1", "dev_us-east-1"]
    assert targets[0]["vars"]["flowlogs_account_name"] == "Prod / Payments (EU)"
    assert plugin.duplicate_host_problems(targets, "{account_name}_{region}") == []


def test_two_targets_with_one_host_name_are_an_error_naming_hostname_template():
    org = _org_named({A: "Prod A", B: "prod-a", C: "Prod/A"})
    template = "{account_name}-{region}"
    targets = plugin.make_targets(org, [A, B, C], {A: ["us-east-1"], B: ["us-east-1"], C: ["us-east-1", "eu-west-1"]},
                                  options(hostname_template=template))
    # "Prod A" and "Prod/A" give the same name in us-east-1 (host names are case-sensitive: prod-a is another).
    assert plugin.duplicate_host_problems(targets, template) == [
        "hostname_template: '{account_name}-{region}' gives the host name 'Prod-A-us-east-1' to account %s ('Prod A') "
        "in us-east-1 and to account %s ('Prod/A') in us-east-1; add {account_id} to the template" % (A, C)]
    with_id = plugin.make_targets(org, [A, B, C], {A: ["us-east-1"], B: ["us-east-1"], C: ["us-east-1"]},
                                  options(hostname_template="{account_name}-{account_id}-{region}"))
    assert plugin.duplicate_host_problems(with_id, "{account_name}-{account_id}-{region}") == []


def test_the_inventory_makes_no_host_when_two_targets_share_a_name(monkeypatch):
    """Through the plugin's query: the duplicate fails the source before any host is added."""
    org = _org_named({A: "Prod A", B: "Prod  A", C: "c"})
    monkeypatch.setattr(plugin, "read_organization", lambda client: org)
    monkeypatch.setattr(plugin.InventoryModule, "region", None)
    inventory = plugin.InventoryModule()
    monkeypatch.setattr(inventory, "client", lambda service, region=None: object())
    with pytest.raises(plugin.OrganizationError) as error:
        inventory._query(options(hostname_template="{account_name}.{region}", check_regions=False))
    assert str(error.value) == (
        "flowlogs.aws.organization: 1 problem(s), no host was made: hostname_template: '{account_name}.{region}' "
        "gives the host name 'Prod-A.us-east-1' to account %s ('Prod A') in us-east-1 and to account %s ('Prod  A') "
        "in us-east-1; add {account_id} to the template" % (A, B))
