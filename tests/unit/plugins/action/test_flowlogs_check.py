"""flowlogs.aws.flowlogs_check reads every inventory host's flowlogs variables for central destinations."""

from ansible_collections.flowlogs.aws.plugins.action.flowlogs_check import inventory_hosts
from ansible_collections.flowlogs.aws.plugins.action.flowlogs_check import unreadable_problems


class Unreadable(dict):
    """A host whose variables fail to template, as an undefined variable in its inventory would."""

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        raise ValueError("'undefined_thing' is undefined")


def test_only_the_flowlogs_variables_of_every_inventory_host_are_read():
    hostvars = {
        "log-archive": {"flowlogs_destinations": [{"name": "archive"}], "flowlogs_region": "us-east-1",
                        "ansible_connection": "local", "flowlogs_secret_key": "secret"},
        "member": {"flowlogs_account_id": "222222222222", "flowlogs_central_in_use": {}},
    }
    hosts, unreadable = inventory_hosts({"hostvars": hostvars, "groups": {"all": ["log-archive", "member"]}}, {})
    assert unreadable == {}
    assert hosts == {
        "log-archive": {"flowlogs_destinations": [{"name": "archive"}], "flowlogs_region": "us-east-1"},
        "member": {"flowlogs_account_id": "222222222222", "flowlogs_central_in_use": {}},
    }


def test_this_host_is_read_from_the_role_description_not_hostvars():
    """hostvars lacks the role's defaults: a bucket name built on flowlogs_region cannot be templated there."""
    description = {"flowlogs_destinations": [{"name": "archive", "bucket_name": "logs-us-east-1"}],
                   "flowlogs_region": "us-east-1", "flowlogs_name": "not a host variable"}
    hosts, unreadable = inventory_hosts({"hostvars": {"me": Unreadable()}, "groups": {"all": ["me"]},
                                         "inventory_hostname": "me"}, description)
    assert unreadable == {}
    assert hosts == {"me": {"flowlogs_destinations": [{"name": "archive", "bucket_name": "logs-us-east-1"}],
                            "flowlogs_region": "us-east-1"}}


def test_a_host_whose_variables_cannot_be_read_is_named_when_a_destination_names_it():
    hosts, unreadable = inventory_hosts({"hostvars": {"broken": Unreadable()}, "groups": {"all": ["broken"]}}, {})
    assert hosts == {"broken": {}}
    assert unreadable == {"broken": "'undefined_thing' is undefined"}
    central = {"flowlogs_destinations": [{"name": "archive", "type": "s3", "central": "broken"}]}
    assert unreadable_problems(central, unreadable) == [
        "broken: its flowlogs variables cannot be read: 'undefined_thing' is undefined"]
    # Not named by this host: not its problem.
    assert unreadable_problems({"flowlogs_destinations": [{"name": "logs"}]}, unreadable) == []
