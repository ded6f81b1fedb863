"""The query side's inputs: one set of rules for the athena and log_insights roles and the plan."""

import copy

import pytest

from ansible_collections.flowlogs.aws.plugins.filter.query_side import athena_problems as athena_filter
from ansible_collections.flowlogs.aws.plugins.filter.query_side import log_insights_problems as insights_filter
from ansible_collections.flowlogs.aws.plugins.module_utils.flowlogs_inventory import check_inventory
from ansible_collections.flowlogs.aws.plugins.module_utils.query_side import athena_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.query_side import log_insights_problems

ATHENA = {
    "state": "present", "database": "flow_logs", "table": "vpc", "workgroup": "flow-wg",
    "flow_log_bucket": "flowlogs-archive", "flow_log_prefix": "vpc", "result_bucket": "flowlogs-archive",
    "log_format": "${version} ${srcaddr} ${action}", "account_ids": ["123456789012"], "regions": ["us-east-1"],
    "start_date": "", "result_encryption": "SSE_S3", "result_kms_key": "", "bytes_scanned_cutoff": 0,
    "query_lookback_days": 7, "query_address": "192.0.2.1", "custom_queries": [],
}
INSIGHTS = {
    "state": "present", "log_group_name": "/flowlogs/vpc", "log_group_class": "STANDARD",
    "log_format": "${version} ${srcaddr} ${action}", "queries": ["top_talkers"], "query_folder": "flowlogs/vpc",
    "alarm_enabled": True, "alarm_threshold": 100, "alarm_period": 300, "alarm_evaluation_periods": 1,
    "metric_filter_name": "f-rejected", "metric_namespace": "VPCFlowLogs", "metric_name": "f-rejected",
    "alarm_name": "f-rejected", "sns_topic_name": "", "sns_topic_arn": "", "email_subscriptions": [], "tags": {},
}


def test_good_inputs_have_no_problem():
    assert athena_problems(ATHENA) == []
    assert log_insights_problems(INSIGHTS) == []


@pytest.mark.parametrize("changes, expected", [
    ({"database": "Flow-Logs"}, ["athena_database: may contain only lowercase letters, digits and underscores, "
                                 "1 to 255 (got 'Flow-Logs')"]),
    ({"workgroup": "a b"}, ["athena_workgroup: may contain only letters, digits, '.', '_' and '-', 1 to 128 (got 'a b')"]),
    ({"flow_log_prefix": "/AWSLogs/"}, ["athena_flow_log_prefix: may not be AWSLogs, the folder flow logs create under "
                                        "the prefix (got '/AWSLogs/')"]),
    ({"log_format": "${version} ${srcadr}"}, ["athena_log_format: unknown field ${srcadr}; did you mean ${srcaddr}?"]),
    ({"account_ids": ["12345"]}, ["athena_account_ids: must be account ids of 12 digits, quoted in YAML (got ['12345'])"]),
    ({"result_encryption": "SSE_KMS"}, ["athena_result_kms_key: SSE_KMS needs a KMS key ARN (got '')"]),
    ({"bytes_scanned_cutoff": 5}, ["athena_bytes_scanned_cutoff: must be 0 or at least 10000000 (got 5)"]),
    ({"bytes_scanned_cutoff": "lots"}, ["athena_bytes_scanned_cutoff: must be 0 or at least 10000000 (got 'lots')"]),
    ({"query_lookback_days": "a week"}, ["athena_query_lookback_days: must be at least 1 (got 'a week')"]),
    ({"query_address": "10.0.0.300"}, ["athena_query_address: must be an IPv4 or IPv6 address (got '10.0.0.300')"]),
    ({"query_address": "2001:db8::1"}, []),
    ({"custom_queries": [{"name": "vpc_top"}]}, ["athena_custom_queries: names must be unique and not start with "
                                                 "'vpc_' (the generated queries' prefix)"]),
])
def test_athena_rules_name_the_role_variable(changes, expected):
    assert athena_problems(dict(ATHENA, **changes)) == expected


def test_athena_teardown_needs_only_the_names():
    assert athena_problems({"state": "absent", "database": "db", "table": "t", "workgroup": "wg"}) == []
    assert athena_problems({"state": "absent", "database": "DB", "table": "t", "workgroup": "wg"})[0].startswith(
        "athena_database: ")


@pytest.mark.parametrize("changes, expected", [
    ({"log_group_name": "bad name!"}, "log_insights_log_group_name: must be a CloudWatch Logs log group name"),
    ({"log_format": "${srcaddr} ${bytes}"}, "log_insights_alarm_enabled: needs the ${action} field in "
                                            "log_insights_log_format (its fields: srcaddr, bytes)"),
    ({"log_group_class": "INFREQUENT_ACCESS"}, "log_insights_log_group_class: log groups of the INFREQUENT_ACCESS class"),
    ({"alarm_period": 45}, "log_insights_alarm_period: must be 10, 30 or a multiple of 60 (got 45)"),
    ({"alarm_threshold": -1}, "log_insights_alarm_threshold: must be a number >= 0 (got -1)"),
    ({"queries": ["top_talker"]}, "log_insights_queries: unknown top_talker (valid: top_talkers, "),
    ({"query_folder": "/" * 3}, "log_insights_query_folder: must be a non-empty folder name of at most 200"),
    ({"metric_namespace": "AWS/Logs"}, "log_insights_metric_namespace: must be 1 to 255 characters, not starting"),
    ({"sns_topic_name": "t", "sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:t"},
     "log_insights_sns_topic_name: give it (a topic the role creates) or log_insights_sns_topic_arn"),
    ({"email_subscriptions": ["ops@example.com"]}, "log_insights_email_subscriptions: need log_insights_sns_topic_name"),
])
def test_log_insights_rules_name_the_role_variable(changes, expected):
    problems = log_insights_problems(dict(INSIGHTS, **changes))
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_a_disabled_alarm_needs_no_action_and_no_valid_period():
    assert log_insights_problems(dict(INSIGHTS, alarm_enabled=False, log_format="${srcaddr}", alarm_period=45,
                                      log_group_class="INFREQUENT_ACCESS")) == []


def test_the_filters_take_the_role_variables_by_their_full_names():
    assert athena_filter({"athena_" + key: value for key, value in dict(ATHENA, table="T").items()}) == [
        "athena_table: may contain only lowercase letters, digits and underscores, 1 to 255 (got 'T')"]
    assert insights_filter({"log_insights_" + key: value for key, value in INSIGHTS.items()}) == []


# ---- the plan: the same rules, named by the inventory field -------------------------------------
INVENTORY = {
    "flowlogs_name": "member",
    "flowlogs_region": "us-east-1",
    "flowlogs_tags": {},
    "flowlogs_destinations": [
        {"name": "cloudwatch", "type": "cloud-watch-logs", "log_group_name": "/member/vpc"},
        {"name": "archive", "type": "s3", "bucket_name": "member-archive", "prefix": "vpc", "kms_key_arn":
         "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
    ],
    "flowlogs_flow_logs": [
        {"name": "rejects", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "cloudwatch",
         "traffic_type": "REJECT", "reject_alarm": {"sns_topic_name": "alerts"}},
        {"name": "all-to-s3", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "archive",
         "file_format": "parquet", "athena": {"table": "flows"}},
        {"name": "quiet", "resource_ids": ["vpc-0123456789abcdef0"], "destination": "archive", "query_ready": False},
    ],
}


def _inventory(**changes):
    values = copy.deepcopy(INVENTORY)
    values.update(changes)
    return values


def test_the_plan_resolves_every_input_of_the_query_side_once():
    plan = check_inventory(INVENTORY)["plan"]
    assert plan["athena"] == [{
        "destination": "archive", "flow_log": "all-to-s3", "database": "member", "table": "flows",
        "workgroup": "member-all-to-s3", "flow_log_bucket": "member-archive", "flow_log_prefix": "vpc",
        "log_format": None, "traffic_type": "ALL",
        "destination_options": {"file_format": "parquet", "hive_compatible_partitions": False, "per_hour_partition": False},
        "account_ids": [], "regions": [], "result_bucket": "member-archive", "result_prefix": "athena-results/all-to-s3/",
        "result_encryption": "SSE_KMS", "result_kms_key": INVENTORY["flowlogs_destinations"][1]["kms_key_arn"]}]
    insights = plan["log_insights"]
    assert list(insights) == ["rejects"]
    assert insights["rejects"]["query_folder"] == "flowlogs/member/vpc/rejects"
    assert insights["rejects"]["alarm_name"] == "member-rejects-rejected"
    assert (insights["rejects"]["alarm_threshold"], insights["rejects"]["alarm_period"]) == (100, 300)
    assert insights["rejects"]["sns_topic_name"] == "alerts"


def test_query_side_problems_are_found_before_any_change_and_name_the_inventory_field():
    flow_logs = copy.deepcopy(INVENTORY["flowlogs_flow_logs"])
    flow_logs[0]["reject_alarm"] = {"period": 45, "threshold": -3, "email_subscriptions": ["ops"]}
    flow_logs[1]["athena"] = {"workgroup": "no spaces"}
    checked = check_inventory(_inventory(flowlogs_flow_logs=flow_logs))
    assert checked["plan"] == {}
    assert sorted(checked["problems"]) == sorted([
        "flowlogs_flow_logs[0].reject_alarm.threshold: must be a number >= 0 (got -3)",
        "flowlogs_flow_logs[0].reject_alarm.period: must be 10, 30 or a multiple of 60 (got 45)",
        "flowlogs_flow_logs[0].reject_alarm.email_subscriptions: need flowlogs_flow_logs[0].reject_alarm.sns_topic_name: "
        "they are subscribed to the topic the role creates",
        "flowlogs_flow_logs[0].reject_alarm.email_subscriptions: must be email addresses (got ['ops'])",
        "flowlogs_flow_logs[1].athena.workgroup: may contain only letters, digits, '.', '_' and '-', 1 to 128 "
        "(got 'no spaces')",
    ])


def test_a_derived_name_too_long_names_the_field_it_comes_from():
    long_group = "/" + "g" * 200
    destinations = copy.deepcopy(INVENTORY["flowlogs_destinations"])
    destinations[0]["log_group_name"] = long_group
    problems = check_inventory(_inventory(flowlogs_destinations=destinations))["problems"]
    assert problems == ["flowlogs_destinations[0].log_group_name: must be a non-empty folder name of at most 200 "
                        "characters (got 'flowlogs/{0}/rejects')".format(long_group[1:])]


def test_the_format_is_checked_once_by_the_plan():
    flow_logs = copy.deepcopy(INVENTORY["flowlogs_flow_logs"])
    flow_logs[0]["log_format"] = "${version} ${srcadr} ${action}"
    problems = check_inventory(_inventory(flowlogs_flow_logs=flow_logs))["problems"]
    assert [p for p in problems if "srcadr" in p] == [
        "flowlogs_flow_logs[0].log_format: unknown field ${srcadr}; did you mean ${srcaddr}?"]
