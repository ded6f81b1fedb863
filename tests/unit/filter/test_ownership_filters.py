# -*- coding: utf-8 -*-
"""Unit tests for plugins/filter/ownership.py and its documentation sidecars."""

import os

import pytest

pytest.importorskip("ansible")
yaml = pytest.importorskip("yaml")

from ansible.errors import AnsibleFilterError  # noqa: E402

from ansible_collections.flowlogs.aws.plugins.filter.ownership import FilterModule  # noqa: E402

FILTERS = FilterModule().filters()
FILTER_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "filter")


def test_filter_names_and_sidecars():
    assert sorted(FILTERS) == ["ownership_is_managed", "ownership_marker_problems", "with_ownership_marker"]
    for name in FILTERS:
        with open(os.path.join(FILTER_DIR, name + ".yml")) as handle:
            doc = yaml.safe_load(handle)
        assert doc["DOCUMENTATION"]["name"] == name
        assert "flowlogs.aws." + name in doc["EXAMPLES"]


def test_with_ownership_marker_adds_the_marker_and_it_wins():
    assert FILTERS["with_ownership_marker"]({"project": "x"}) == {"project": "x", "managed-by": "flowlogs.aws"}
    assert FILTERS["with_ownership_marker"](None) == {"managed-by": "flowlogs.aws"}
    assert FILTERS["with_ownership_marker"]({"managed-by": "me"}) == {"managed-by": "flowlogs.aws"}


def test_marker_problems_name_the_field():
    assert FILTERS["ownership_marker_problems"]({"project": "x"}, "destination_tags") == []
    assert FILTERS["ownership_marker_problems"]({"managed-by": "flowlogs.aws"}, "destination_tags") == []
    found = FILTERS["ownership_marker_problems"]({"managed-by": "terraform"}, "destination_tags")
    assert len(found) == 1 and found[0].startswith("destination_tags.managed-by: ")


def test_is_managed():
    assert FILTERS["ownership_is_managed"]({"managed-by": "flowlogs.aws", "a": "b"}) is True
    assert FILTERS["ownership_is_managed"]({"managed-by": "terraform"}) is False
    assert FILTERS["ownership_is_managed"]({}) is False
    assert FILTERS["ownership_is_managed"](None) is False


@pytest.mark.parametrize("name", ["with_ownership_marker", "ownership_marker_problems", "ownership_is_managed"])
def test_filters_refuse_what_is_not_a_dict(name):
    with pytest.raises(AnsibleFilterError, match="must be a dict of tags"):
        FILTERS[name](["managed-by"])
