"""Central log-archive destinations across inventory targets (flowlogs_inventory.Organization)."""

import copy

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import Organization
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import account_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import resolve_followers

ORG = "o-abcdefghij"
OWNER = {
    "flowlogs_region": "us-east-1",
    "flowlogs_account_id": "111111111111",
    "flowlogs_destinations": [
        {"name": "archive", "type": "s3", "bucket_name": "org-flow-logs", "prefix": "vpc", "shared_with": {}},
    ],
    "flowlogs_flow_logs": [],
}


def member(account, region, **flow_log):
    entry = {"name": "vpcs", "resource_filters": {}, "destination": "archive", "traffic_type": "ALL"}
    entry.update(flow_log)
    return {
        "flowlogs_region": region,
        "flowlogs_account_id": account,
        "flowlogs_destinations": [{"name": "archive", "type": "s3", "central": "log-archive"}],
        "flowlogs_flow_logs": [entry],
    }


def inventory(**extra):
    hosts = {
        "log-archive": copy.deepcopy(OWNER),
        "member-a": member("222222222222", "us-east-1"),
        "member-b": member("333333333333", "eu-west-1"),
        "member-c": member("444444444444", "eu-west-1"),
    }
    hosts.update(extra)
    return hosts


def test_owner_covers_every_member_account_and_region():
    org = Organization(inventory(), "us-east-1")
    assert org.problems == []
    shared = org.view("log-archive")["shared"]["archive"]
    # The owner admits its own account and region too, with or without flow logs of its own there.
    assert shared["account_ids"] == ["111111111111", "222222222222", "333333333333", "444444444444"]
    assert shared["regions"] == ["eu-west-1", "us-east-1"]
    assert shared["members"] == ["member-a", "member-b", "member-c"]
    assert (shared["hive"], shared["plain"]) == (False, True)
    assert shared["table"] == {"log_format": None, "file_format": "plain-text",
                               "hive_compatible_partitions": False, "per_hour_partition": False}
    assert shared["keep_reason"] == ""


def test_an_account_joining_the_inventory_joins_the_projection_and_the_policy():
    hosts = inventory()
    before = Organization(hosts, "us-east-1").view("log-archive")["shared"]["archive"]
    hosts["member-d"] = member("555555555555", "ap-southeast-2")
    after = Organization(hosts, "us-east-1").view("log-archive")["shared"]["archive"]
    assert set(after["account_ids"]) - set(before["account_ids"]) == {"555555555555"}
    assert "ap-southeast-2" in after["regions"]


def test_member_resolves_the_owners_bucket_and_prefix():
    view = Organization(inventory(), "us-east-1").view("member-b")
    assert view["central"]["archive"]["bucket_name"] == "org-flow-logs"
    assert view["central"]["archive"]["prefix"] == "vpc"
    assert view["central"]["archive"]["host"] == "log-archive"
    assert view["shared"] == {}


def test_member_pointing_at_no_target_or_at_a_target_without_a_shared_bucket():
    hosts = inventory()
    hosts["member-a"]["flowlogs_destinations"][0]["central"] = "log-archiv"
    hosts["plain"] = {"flowlogs_destinations": [{"name": "x", "type": "s3", "bucket_name": "plain-bucket"}]}
    hosts["member-b"]["flowlogs_destinations"][0]["central"] = "plain"
    problems = Organization(hosts, "us-east-1").problems
    assert ("member-a: flowlogs_destinations[0].central: no inventory target is named 'log-archiv'; central names "
            "the inventory host that owns the bucket") in problems
    assert any(p.startswith("member-b: flowlogs_destinations[0].central: the target plain owns no shared bucket")
               for p in problems)


def test_two_targets_claiming_one_bucket_are_both_named():
    hosts = inventory()
    hosts["rogue"] = {"flowlogs_destinations": [{"name": "mine", "type": "s3", "bucket_name": "org-flow-logs"}]}
    problems = Organization(hosts, "us-east-1").problems
    assert any(p.startswith("rogue: flowlogs_destinations[0].bucket_name: the bucket org-flow-logs is also built by "
                            "log-archive (flowlogs_destinations[0])") for p in problems)
    assert any(p.startswith("log-archive: flowlogs_destinations[0].bucket_name: the bucket org-flow-logs is also "
                            "built by rogue") for p in problems)


def test_one_target_may_reuse_a_bucket_name_only_through_its_own_checks():
    # Within one target the existing per-target check applies (not doubled by the organization's).
    hosts = {"solo": {"flowlogs_destinations": [
        {"name": "a", "type": "s3", "bucket_name": "same"}, {"name": "b", "type": "s3", "bucket_name": "same"}]}}
    assert Organization(hosts).problems == []


def test_member_without_known_account_needs_a_listed_one():
    hosts = inventory()
    hosts["member-c"]["flowlogs_account_id"] = ""
    problems = Organization(hosts, "us-east-1").problems
    assert problems == [
        "log-archive: flowlogs_destinations[0].shared_with: the account of member-c is not known, so neither the "
        "bucket policy nor the Athena table could name it: set flowlogs_account_id on member-c or list the accounts in "
        "shared_with.account_ids"]
    hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {"account_ids": ["444444444444"]}
    assert Organization(hosts, "us-east-1").problems == []


def test_members_that_disagree_on_the_tables_settings():
    hosts = inventory()
    hosts["member-b"]["flowlogs_flow_logs"][0]["file_format"] = "parquet"
    problems = Organization(hosts, "us-east-1").problems
    assert len(problems) == 1
    assert problems[0].startswith("member-b: flowlogs_flow_logs[0]: differs from member-a (flowlogs_flow_logs[0]) "
                                  "in file_format")
    hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {"query_ready": False}
    assert Organization(hosts, "us-east-1").problems == []


def test_mixed_layouts_give_both_in_the_bucket_policy():
    hosts = inventory()
    hosts["member-b"]["flowlogs_flow_logs"][0]["hive_compatible_partitions"] = True
    hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {"query_ready": False}
    org = Organization(hosts, "us-east-1")
    assert org.problems == []
    shared = org.view("log-archive")["shared"]["archive"]
    assert (shared["hive"], shared["plain"]) == ("both", True)


def test_bad_shared_with_values_and_owner_fields_on_a_member():
    hosts = inventory()
    hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {
        "organization_id": "org-1", "account_ids": ["12345"]}
    hosts["member-a"]["flowlogs_destinations"][0]["prefix"] = "other"
    problems = Organization(hosts, "us-east-1").problems
    assert ("log-archive: flowlogs_destinations[0].shared_with.organization_id: 'org-1' is not an AWS Organizations "
            "id (o- and 10 to 32 lowercase letters or digits)") in problems
    assert ("log-archive: flowlogs_destinations[0].shared_with.account_ids: each must be an account id of 12 digits, "
            "quoted in YAML (12345 are not)") in problems
    assert ("member-a: flowlogs_destinations[0]: prefix belong to the owner's destination on log-archive; remove "
            "them here") in problems


def test_teardown_keeps_the_shared_bucket_while_a_member_is_not_in_the_run():
    org = Organization(inventory(), "us-east-1")
    assert org.view("log-archive", ["log-archive", "member-a", "member-b", "member-c"])["shared"]["archive"][
        "keep_reason"] == ""
    reason = org.view("log-archive", ["log-archive", "member-a"])["shared"]["archive"]["keep_reason"]
    assert reason == "still the destination of the flow logs of member-b, member-c, which this run does not tear down"


def test_a_member_in_another_region_than_the_owner_is_covered():
    # Buckets take deliveries from any region; the projection and the policy list the member's.
    hosts = inventory()
    hosts["member-a"]["flowlogs_region"] = "sa-east-1"
    assert "sa-east-1" in Organization(hosts, "us-east-1").view("log-archive")["shared"]["archive"]["regions"]


def test_check_inventory_of_the_owner_and_a_member():
    hosts = inventory()
    owner = check_inventory(hosts["log-archive"], hosts=hosts, host="log-archive", default_region="us-east-1")
    assert owner["problems"] == []
    assert owner["plan"]["plain_destinations"] == ["archive"]
    assert owner["plan"]["organization_destinations"] == ["archive"]
    member_b = check_inventory(hosts["member-b"], hosts=hosts, host="member-b", default_region="us-east-1")
    assert member_b["problems"] == []
    assert member_b["plan"]["destinations"][0]["bucket_name"] == "org-flow-logs"
    assert member_b["plan"]["destinations"][0]["prefix"] == "vpc"


def test_a_bad_reference_anywhere_stops_every_target():
    hosts = inventory()
    hosts["member-c"]["flowlogs_destinations"][0]["central"] = "nowhere"
    owner = check_inventory(hosts["log-archive"], hosts=hosts, host="log-archive", default_region="us-east-1")
    assert any(p.startswith("member-c: flowlogs_destinations[0].central") for p in owner["problems"])


def test_existing_single_target_inventories_are_unchanged():
    solo = {"flowlogs_destinations": [{"name": "a", "type": "s3", "bucket_name": "solo-bucket"}],
            "flowlogs_flow_logs": [{"name": "f", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "a"}]}
    alone = check_inventory(solo)
    within = check_inventory(solo, hosts={"solo": solo}, host="solo")
    assert alone["problems"] == within["problems"] == []
    assert alone["plan"]["plain_destinations"] == within["plan"]["plain_destinations"] == ["a"]
    assert within["plan"]["shared"] == within["plan"]["central"] == {}


@pytest.mark.parametrize("central, account, expected", [
    ({}, "222222222222", []),
    ({"archive": {"bucket_name": "b", "host": "log-archive", "organization_id": "",
                  "account_ids": ["222222222222"]}}, "222222222222", []),
    ({"archive": {"bucket_name": "b", "host": "log-archive", "organization_id": ORG,
                  "account_ids": ["999999999999"]}}, "222222222222", []),
    ({"archive": {"bucket_name": "b", "host": "log-archive", "organization_id": "",
                  "account_ids": ["999999999999"]}}, "222222222222",
     ["flowlogs_destinations[0].central: the bucket b of log-archive admits the accounts 999999999999, not this one "
      "(222222222222); set flowlogs_account_id here or add it to shared_with.account_ids on log-archive"]),
])
def test_account_problems_of_a_member(central, account, expected):
    values = {"flowlogs_destinations": [{"name": "archive", "type": "s3", "central": "log-archive"}]}
    assert account_problems(values, account, central) == expected


def test_account_problems_when_the_credentials_are_another_accounts():
    assert account_problems({"flowlogs_account_id": "111111111111"}, "222222222222") == [
        "flowlogs_account_id: this target is account 111111111111, but its credentials are of account 222222222222"]


def test_teardown_keeps_the_shared_bucket_while_a_members_foreign_flow_log_delivers_there():
    hosts = inventory()
    hosts["member-b"]["flowlogs_central_in_use"] = {"archive": "still the destination of flow logs fl-1, which "
                                                               "flowlogs.aws did not create"}
    reason = Organization(hosts, "us-east-1").view(
        "log-archive", list(hosts))["shared"]["archive"]["keep_reason"]
    assert reason == "member-b: still the destination of flow logs fl-1, which flowlogs.aws did not create"


# ---- followers: the audit's remediation flow log takes its destination's settings -------------
HIVE_FORMAT = "${version} ${account-id} ${vpc-id} ${srcaddr} ${dstaddr} ${action} ${log-status}"
REMEDIATION = {"name": "audit-remediation", "resource_type": "VPC", "traffic_type": "ALL", "query_ready": False,
               "resource_ids": ["vpc-0123456789abcdef0"], "destination": "archive", "follow_destination": True}


def hive_inventory():
    hosts = inventory()
    for host in ("member-a", "member-b", "member-c"):
        hosts[host]["flowlogs_flow_logs"][0].update(log_format=HIVE_FORMAT, hive_compatible_partitions=True,
                                                    file_format="parquet")
    return hosts


@pytest.mark.parametrize("host", ["log-archive", "member-a"])
def test_a_remediation_run_neither_widens_nor_narrows_the_shared_bucket(host):
    # The owner or a member remediates (the remediation flow log added to its description): the
    # bucket policy's accounts, regions and key layouts and the one table stay as site makes them,
    # so the site run after it narrows nothing.
    hosts = hive_inventory()
    site = Organization(hosts, "us-east-1").view("log-archive")["shared"]["archive"]
    remediating = copy.deepcopy(hosts)
    remediating[host]["flowlogs_flow_logs"].append(dict(REMEDIATION))
    audit = Organization(remediating, "us-east-1").view("log-archive")["shared"]["archive"]
    for key in ("account_ids", "regions", "hive", "plain", "table"):
        assert audit[key] == site[key], key
    assert (site["hive"], site["plain"]) == (True, False)


@pytest.mark.parametrize("host", ["log-archive", "member-a"])
def test_the_remediation_flow_log_writes_what_the_shared_table_reads(host):
    hosts = hive_inventory()
    hosts[host]["flowlogs_flow_logs"].append(dict(REMEDIATION))
    result = check_inventory(hosts[host], False, hosts, host, "us-east-1")
    assert result["problems"] == []
    [remediation] = [fl for fl in result["plan"]["flow_logs"] if fl["name"] == "audit-remediation"]
    assert "follow_destination" not in remediation
    assert (remediation["log_format"], remediation["hive_compatible_partitions"], remediation["file_format"]) == (
        HIVE_FORMAT, True, "parquet")
    if host == "log-archive":
        # Its layout is one the bucket already receives: the owner's policy keeps Hive keys only.
        assert "archive" in result["plan"]["hive_destinations"]
        assert "archive" not in result["plan"]["plain_destinations"]


def test_a_follower_of_a_local_destination_takes_its_flow_logs_settings_and_keeps_its_own():
    values = {"flowlogs_destinations": [{"name": "logs", "type": "s3", "bucket_name": "b"},
                                        {"name": "empty", "type": "s3", "bucket_name": "c"}],
              "flowlogs_flow_logs": [
                  {"name": "tgw", "resource_type": "TransitGateway", "resource_ids": ["tgw-0123456789abcdef0"],
                   "destination": "logs", "log_format": "${version} ${tgw-id}"},
                  {"name": "subnets", "resource_type": "Subnet", "resource_filters": {}, "destination": "logs",
                   "log_format": HIVE_FORMAT, "hive_compatible_partitions": True, "per_hour_partition": True},
                  dict(REMEDIATION, destination="logs", log_format="${version} ${srcaddr} ${action}"),
                  dict(REMEDIATION, name="to-empty", destination="empty")]}
    resolved = resolve_followers(values)["flowlogs_flow_logs"]
    # The transit gateway flow log's records are another kind: the subnet flow log is followed;
    # a setting the follower gives (the audit's flowlogs_audit_log_format) stays.
    settled = dict((k, v) for k, v in REMEDIATION.items() if k != "follow_destination")
    assert resolved[2] == dict(settled, destination="logs", log_format="${version} ${srcaddr} ${action}",
                               hive_compatible_partitions=True, per_hour_partition=True)
    # A destination without flow logs: AWS's defaults.
    assert resolved[3] == dict(settled, name="to-empty", destination="empty")
    # Nothing to follow: the same values, untouched.
    assert resolve_followers(values | {"flowlogs_flow_logs": values["flowlogs_flow_logs"][:2]})["flowlogs_flow_logs"] \
        == values["flowlogs_flow_logs"][:2]


def test_a_follower_takes_the_tag_field_specifications_only_with_the_format_they_serve():
    tagged = {"log_format": "${version} ${srcaddr} ${instance-tag}",
              "tag_field_specifications": [{"resource_type": "instance", "tag_keys": ["team"]}]}
    source = dict({"name": "vpc", "resource_ids": ["vpc-0123456789abcdef1"], "destination": "logs"}, **tagged)
    values = {"flowlogs_destinations": [{"name": "logs", "type": "s3", "bucket_name": "b"}]}
    follower = dict(REMEDIATION, destination="logs")
    [unused, taken] = resolve_followers(dict(values, flowlogs_flow_logs=[source, follower]))["flowlogs_flow_logs"]
    assert dict((key, taken[key]) for key in tagged) == tagged
    own = dict(follower, log_format="${version} ${srcaddr} ${action}")
    [unused, kept] = resolve_followers(dict(values, flowlogs_flow_logs=[source, own]))["flowlogs_flow_logs"]
    assert kept["log_format"] == "${version} ${srcaddr} ${action}" and "tag_field_specifications" not in kept
