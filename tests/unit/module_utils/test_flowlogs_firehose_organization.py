"""A Firehose stream that flow logs of other accounts deliver to, across inventory targets and from
outside the inventory (flowlogs_inventory: Organization, Inventory.cross_account, account_problems)."""

import copy

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import Organization
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import account_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory

FIREHOSE = "kinesis-data-firehose"
OWNER = {
    "flowlogs_region": "us-east-1",
    "flowlogs_account_id": "111111111111",
    "flowlogs_destinations": [
        {"name": "stream", "type": FIREHOSE, "stream_name": "org-flow-logs", "bucket_name": "org-flow-logs-b",
         "shared_with": {}},
    ],
    "flowlogs_flow_logs": [],
}
SOURCE = "flowlogs-firehose-source-us-east-1-org-flow-logs"
DESTINATION = "AWSLogDeliveryFirehoseCrossAccountRole-us-east-1-org-flow-logs"
OUTSIDE_STREAM = "arn:aws:firehose:us-east-1:999999999999:deliverystream/security"
OUTSIDE_ROLE = "arn:aws:iam::999999999999:role/AWSLogDeliveryFirehoseCrossAccountRole-security"


def member(account, region="us-east-1", **flow_log):
    entry = {"name": "vpcs", "resource_filters": {}, "destination": "stream", "traffic_type": "ALL"}
    entry.update(flow_log)
    return {
        "flowlogs_region": region,
        "flowlogs_account_id": account,
        "flowlogs_destinations": [{"name": "stream", "type": FIREHOSE, "central": "log-archive"}],
        "flowlogs_flow_logs": [entry],
    }


def inventory(**extra):
    hosts = {"log-archive": copy.deepcopy(OWNER), "member-a": member("222222222222"),
             "member-b": member("333333333333", resource_type="Subnet")}
    hosts.update(extra)
    return hosts


def check(hosts, host):
    return check_inventory(hosts[host], hosts=hosts, host=host, default_region="us-east-1")


def test_the_owner_shares_its_stream_with_the_member_accounts():
    hosts = inventory()
    result = check(hosts, "log-archive")
    assert result["problems"] == []
    shared = result["plan"]["shared"]["stream"]
    assert (shared["type"], shared["stream_name"]) == (FIREHOSE, "org-flow-logs")
    assert shared["members"] == ["member-a", "member-b"]
    # The flowlogs role passes these to the destination role (destination_source_account_ids), which
    # trusts the accounts other than its own.
    assert shared["account_ids"] == ["111111111111", "222222222222", "333333333333"]
    # No Athena table over a stream, and nothing crossing accounts from the owner's side.
    assert shared["table"] is None and result["plan"]["athena"] == []
    assert result["plan"]["cross_account"] == {}


def test_a_member_delivers_through_its_source_role_and_the_owners_role():
    hosts = inventory()
    result = check(hosts, "member-b")
    assert result["problems"] == []
    assert result["plan"]["cross_account"] == {"stream": {
        "stream_name": "org-flow-logs", "stream_account_id": "111111111111", "region": "us-east-1",
        "cross_account_role_arn": "", "source_role_name": SOURCE, "cross_account_role_name": DESTINATION,
        # VPC always (the audit's remediation may add a VPC flow log), and the member's own types.
        "resource_types": ["VPC", "Subnet"]}}
    # Teardown recognises its flow logs by the owner's stream.
    assert result["plan"]["destinations"][0]["stream_name"] == "org-flow-logs"
    assert result["plan"]["central"]["stream"]["host"] == "log-archive"


def test_the_source_role_covers_every_target_of_its_account():
    # Two targets of one account (its source role is one per account): each role run writes the types of both.
    hosts = inventory(**{"member-b2": member("333333333333", resource_type="NetworkInterface")})
    for host in ("member-b", "member-b2"):
        assert check(hosts, host)["plan"]["cross_account"]["stream"]["resource_types"] == [
            "VPC", "Subnet", "NetworkInterface"], host


def test_members_must_be_in_the_streams_region_and_another_account():
    hosts = inventory(**{"member-eu": member("444444444444", "eu-west-1"), "member-own": member("111111111111")})
    problems = Organization(hosts, "us-east-1").problems
    assert ("member-eu: flowlogs_destinations[0].central: the delivery stream org-flow-logs of log-archive is in "
            "us-east-1, this target in eu-west-1; flow logs deliver to a Firehose stream of their own region (give "
            "this region a stream of its own)") in problems
    assert any(p.startswith("member-own: flowlogs_destinations[0].central: this target is in the account "
                            "111111111111 of the stream org-flow-logs") for p in problems)


def test_the_owner_needs_its_account_and_the_members_theirs():
    hosts = inventory()
    hosts["log-archive"]["flowlogs_account_id"] = ""
    hosts["member-a"]["flowlogs_account_id"] = ""
    problems = Organization(hosts, "us-east-1").problems
    assert ("log-archive: flowlogs_account_id: must be set, because other accounts' flow logs deliver to the stream "
            "org-flow-logs of this target (flowlogs_destinations[0].shared_with): their flow logs and roles name the "
            "stream's account") in problems
    assert ("log-archive: flowlogs_destinations[0].shared_with: the account of member-a is not known, so the stream's "
            "role could not trust it: set flowlogs_account_id on member-a or list the accounts in "
            "shared_with.account_ids") in problems


def test_owner_only_fields_and_shared_with_options_that_do_not_apply():
    hosts = inventory()
    hosts["member-a"]["flowlogs_destinations"][0].update(bucket_name="mine", cross_account_role=OUTSIDE_ROLE)
    hosts["log-archive"]["flowlogs_destinations"][0]["shared_with"] = {"athena": {"table": "t"}}
    problems = Organization(hosts, "us-east-1").problems
    assert ("member-a: flowlogs_destinations[0]: bucket_name, cross_account_role belong to the owner's destination on "
            "log-archive; remove them here") in problems
    assert ("log-archive: flowlogs_destinations[0].shared_with.athena: a kinesis-data-firehose destination gets no "
            "Athena table (Firehose writes its own key layout); remove it") in problems


def test_a_member_chooses_among_shared_destinations_of_its_type_by_stream_name():
    hosts = inventory()
    hosts["log-archive"]["flowlogs_destinations"].append(
        {"name": "archive", "type": "s3", "bucket_name": "org-archive", "shared_with": {}})
    assert Organization(hosts, "us-east-1").problems == []  # one stream, one bucket: no ambiguity
    hosts["log-archive"]["flowlogs_destinations"].append(
        {"name": "other", "type": FIREHOSE, "stream_name": "other", "bucket_name": "other-b", "shared_with": {}})
    problems = Organization(hosts, "us-east-1").problems
    assert ("member-a: flowlogs_destinations[0].central: the target log-archive shares several delivery streams "
            "(other, org-flow-logs); give stream_name too") in problems
    for host in ("member-a", "member-b"):
        hosts[host]["flowlogs_destinations"][0]["stream_name"] = "other"
    org = Organization(hosts, "us-east-1")
    assert org.problems == []
    assert org.view("member-a")["central"]["stream"]["stream_name"] == "other"
    hosts["member-a"]["flowlogs_destinations"][0]["stream_name"] = "nope"
    assert ("member-a: flowlogs_destinations[0].central: the target log-archive owns no shared delivery stream named "
            "nope (an Amazon Data Firehose destination with shared_with)") in Organization(hosts, "us-east-1").problems


def test_account_problems_of_a_firehose_member():
    central = check(inventory(), "member-a")["plan"]["central"]
    values = inventory()["member-a"]
    assert account_problems(values, "222222222222", central) == []
    assert account_problems(values, "111111111111", central)[-1].startswith(
        "flowlogs_destinations[0].central: this target is in the account 111111111111 of the stream org-flow-logs of "
        "log-archive")
    assert account_problems({"flowlogs_destinations": values["flowlogs_destinations"]}, "555555555555", central) == [
        "flowlogs_destinations[0].central: the role of the stream org-flow-logs of log-archive admits the accounts "
        "111111111111, 222222222222, 333333333333, not this one (555555555555); set flowlogs_account_id here or add it "
        "to shared_with.account_ids on log-archive"]


# ---- a stream of an account outside the inventory ----------------------------------------------
def outside(**dest):
    entry = {"name": "security", "type": FIREHOSE, "stream_arn": OUTSIDE_STREAM, "cross_account_role": OUTSIDE_ROLE}
    entry.update(dest)
    return {"flowlogs_region": "us-east-1", "flowlogs_account_id": "222222222222", "flowlogs_destinations": [entry],
            "flowlogs_flow_logs": [{"name": "vpc", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "security",
                                    "traffic_type": "ALL"}]}


def test_a_stream_outside_the_inventory():
    result = check_inventory(outside())
    assert result["problems"] == []
    assert result["plan"]["cross_account"] == {"security": {
        "stream_name": "security", "stream_account_id": "999999999999", "region": "us-east-1",
        "cross_account_role_arn": OUTSIDE_ROLE, "source_role_name": "flowlogs-firehose-source-us-east-1-security",
        "cross_account_role_name": "AWSLogDeliveryFirehoseCrossAccountRole-security", "resource_types": ["VPC"]}}
    assert result["plan"]["destinations"][0]["stream_name"] == "security"


@pytest.mark.parametrize("dest, expected", [
    ({"cross_account_role": ""},
     "flowlogs_destinations[0].cross_account_role: a stream of another account needs the ARN of that account's role"),
    ({"cross_account_role": "arn:aws:iam::888888888888:role/AWSLogDeliveryFirehoseCrossAccountRole-x"},
     "flowlogs_destinations[0].cross_account_role: must be a role of the stream's account 999999999999 (got one of "
     "888888888888)"),
    ({"cross_account_role": "arn:aws:iam::999999999999:role/delivery"},
     "flowlogs_destinations[0].cross_account_role: AWS requires the stream account's role to have a name that starts "
     "with AWSLogDeliveryFirehoseCrossAccountRole (got delivery)"),
    ({"stream_arn": "arn:aws:firehose:eu-west-1:999999999999:deliverystream/security"},
     "flowlogs_destinations[0].stream_arn: the stream is in eu-west-1, this target in us-east-1"),
    ({"stream_arn": "arn:aws:firehose:us-east-1:222222222222:deliverystream/security"},
     "flowlogs_destinations[0].stream_arn: is a stream of this target's account 222222222222"),
    ({"stream_arn": "security"}, "flowlogs_destinations[0].stream_arn: must be a delivery stream ARN"),
    ({"bucket_name": "mine", "stream_name": "security"},
     "flowlogs_destinations[0]: stream_name, bucket_name describe a stream built here"),
])
def test_a_stream_outside_the_inventory_is_checked(dest, expected):
    problems = check_inventory(outside(**dest))["problems"]
    assert any(p.startswith(expected) for p in problems), problems


def test_cross_account_role_without_a_stream_of_another_account():
    values = {"flowlogs_destinations": [{"name": "s", "type": FIREHOSE, "stream_name": "s", "bucket_name": "b-b-b",
                                         "cross_account_role": OUTSIDE_ROLE}]}
    assert check_inventory(values)["problems"] == [
        "flowlogs_destinations[0].cross_account_role: only with stream_arn, a stream of another account: this "
        "destination builds its stream s in this target's account, where flow logs need no cross-account role; for a "
        "stream another target of the inventory builds, give central: <that target's host> instead"]


def test_two_streams_whose_source_roles_would_share_a_name():
    values = outside()
    values["flowlogs_destinations"].append(dict(values["flowlogs_destinations"][0], name="twin",
                                                stream_arn=OUTSIDE_STREAM.replace("999999999999", "777777777777"),
                                                cross_account_role=OUTSIDE_ROLE.replace("999999999999", "777777777777")))
    problems = check_inventory(values)["problems"]
    assert problems == [
        "flowlogs_destinations[1]: its stream security of account 777777777777 and the stream of "
        "flowlogs_destinations[0] (account 999999999999) have one name in one region, so their source roles would have "
        "one name (flowlogs-firehose-source-us-east-1-security); deliver to one of them"]


def test_the_account_check_refuses_a_stream_of_the_targets_own_account():
    values = outside()
    del values["flowlogs_account_id"]
    assert account_problems(values, "999999999999") == [
        "flowlogs_destinations[0].stream_arn: is a stream of this target's account 999999999999: give stream_name and "
        "bucket_name to build it here (no cross-account role)"]
    assert account_problems(values, "222222222222") == []
