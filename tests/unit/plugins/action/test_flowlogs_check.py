"""flowlogs.aws.flowlogs_check reads every inventory host's flowlogs variables for central destinations."""

from ansible_collections.flowlogs.aws.plugins.action.flowlogs_check import inventory_hosts


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
    hosts, problems = inventory_hosts({"hostvars": hostvars, "groups": {"all": ["log-archive", "member"]}})
    assert problems == []
    assert hosts == {
        "log-archive": {"flowlogs_destinations": [{"name": "archive"}], "flowlogs_region": "us-east-1"},
        "member": {"flowlogs_account_id": "222222222222", "flowlogs_central_in_use": {}},
    }


def test_a_host_whose_variables_cannot_be_read_is_named():
    hosts, problems = inventory_hosts({"hostvars": {"broken": Unreadable()}, "groups": {"all": ["broken"]}})
    assert hosts == {"broken": {}}
    assert problems == ["broken: its flowlogs variables cannot be read: 'undefined_thing' is undefined"]
