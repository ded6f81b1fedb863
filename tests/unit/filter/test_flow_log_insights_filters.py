# -*- coding: utf-8 -*-
"""Unit tests for plugins/filter/flow_log_insights.py and its documentation sidecars."""

import os

import pytest

pytest.importorskip("ansible")
yaml = pytest.importorskip("yaml")

from ansible.errors import AnsibleFilterError  # noqa: E402

from ansible_collections.flowlogs.aws.plugins.filter.flow_log_insights import FilterModule  # noqa: E402
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import INSIGHTS_QUERY_KEYS  # noqa: E402
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import insights_queries  # noqa: E402

FILTERS = FilterModule().filters()
FILTER_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "filter")
CUSTOM = "${version} ${srcaddr} ${dstaddr} ${dstport} ${bytes} ${action}"


def test_filter_names_and_sidecars():
    assert sorted(FILTERS) == ["flow_log_insights_queries", "flow_log_reject_filter_pattern"]
    for name in FILTERS:
        with open(os.path.join(FILTER_DIR, name + ".yml")) as handle:
            doc = yaml.safe_load(handle)
        assert doc["DOCUMENTATION"]["name"] == name
        assert doc["EXAMPLES"] and doc["RETURN"]["_value"]


def test_queries_filter_names_definitions_for_a_folder():
    result = FILTERS["flow_log_insights_queries"](CUSTOM, folder="/flowlogs/prod/")
    engine = insights_queries(CUSTOM)
    assert [q["query_string"] for q in result["queries"]] == [q["query_string"] for q in engine["queries"]]
    assert result["query_definitions"] == [
        {"name": "flowlogs/prod/" + q["title"], "query_string": q["query_string"]} for q in engine["queries"]]
    assert result["skipped"] == engine["skipped"]
    assert result["unknown"] == [] and result["available"] == list(INSIGHTS_QUERY_KEYS)


def test_queries_filter_selection_and_unknown_keys():
    picked = FILTERS["flow_log_insights_queries"](None, ["rejected_traffic", "egress_by_account"])
    assert [q["key"] for q in picked["queries"]] == ["rejected_traffic"]
    assert [s["key"] for s in picked["skipped"]] == ["egress_by_account"]
    assert [q["name"] for q in picked["queries"]] == ["Rejected connections"]
    assert FILTERS["flow_log_insights_queries"](None, "top_talkers")["queries"][0]["key"] == "top_talkers"
    loose = FILTERS["flow_log_insights_queries"](None, ["top_talkers", "top_talker"], strict=False)
    assert loose["unknown"] == ["top_talker"] and [q["key"] for q in loose["queries"]] == ["top_talkers"]
    with pytest.raises(AnsibleFilterError, match="unknown Insights query 'top_talker'"):
        FILTERS["flow_log_insights_queries"](None, ["top_talker"])
    with pytest.raises(AnsibleFilterError, match="strict must be a boolean"):
        FILTERS["flow_log_insights_queries"](None, strict="maybe")
    with pytest.raises(AnsibleFilterError, match="queries must be a list"):
        FILTERS["flow_log_insights_queries"](None, {"a": 1}, strict=False)


def test_queries_filter_reports_format_errors():
    with pytest.raises(AnsibleFilterError, match=r"did you mean \$\{srcaddr\}"):
        FILTERS["flow_log_insights_queries"]("${srcadr}")


def test_reject_pattern_filter():
    assert FILTERS["flow_log_reject_filter_pattern"](CUSTOM) == (
        '[version, srcaddr, dstaddr, dstport, bytes, action="REJECT"]')
    assert FILTERS["flow_log_reject_filter_pattern"]().startswith("[version, account_id,")
    with pytest.raises(AnsibleFilterError, match=r"the format has no \$\{action\}"):
        FILTERS["flow_log_reject_filter_pattern"]("${srcaddr}")
