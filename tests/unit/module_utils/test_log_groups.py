"""The log group rules and plans of module_utils/log_groups.py (no AWS)."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import RETENTION_DAYS
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import LogGroupError
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import class_feature_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import desired_log_group
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import normalize
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import plan_absent
from ansible_collections.flowlogs.aws.plugins.module_utils.log_groups import plan_present

NAME = "/flowlogs/prod"
ARN = "arn:aws:logs:us-east-1:123456789012:log-group:" + NAME
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MARKER = {"managed-by": "flowlogs.aws"}


def params(**kwargs):
    base = dict(name=NAME, retention_days=365, log_group_class="STANDARD", kms_key_id=None, tags={"env": "prod"},
                purge_tags=True)
    base.update(kwargs)
    return base


def existing(retention=365, cls="STANDARD", key=None, tags=None, stored=0, **extra):
    described = {"logGroupName": NAME, "arn": ARN + ":*", "logGroupArn": ARN, "storedBytes": stored,
                 "logGroupClass": cls}
    if retention:
        described["retentionInDays"] = retention
    if key:
        described["kmsKeyId"] = key
    described.update(extra)
    return normalize(described, dict(MARKER, env="prod") if tags is None else tags)


def test_retention_values_are_those_of_the_botocore_model():
    # The model documents the list in PutRetentionPolicy.retentionInDays (the API reference's list).
    import botocore.session

    model = botocore.session.get_session().get_service_model("logs")
    doc = model.operation_model("PutRetentionPolicy").input_shape.members["retentionInDays"].documentation
    listed = [int(v) for v in doc.split("Possible values are:")[1].split(".")[0].replace("and", ",").split(",")
              if v.strip()]
    assert tuple(listed) == RETENTION_DAYS


@pytest.mark.parametrize("days", RETENTION_DAYS)
def test_every_retention_aws_accepts_is_valid(days):
    assert desired_log_group(params(retention_days=days))["retention_days"] == days


def test_no_retention_means_never_expire():
    assert desired_log_group(params(retention_days=None))["retention_days"] is None


def test_every_problem_is_reported_with_its_option():
    with pytest.raises(LogGroupError) as error:
        desired_log_group(params(name="aws/reserved", retention_days=3650, log_group_class="DELIVERY",
                                 kms_key_id="alias/mine", tags={"managed-by": "me", "aws:x": "y"}))
    problems = error.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "name", "retention_days", "log_group_class", "kms_key_id", "tags.managed-by", "tags"]


def test_bad_names():
    for name in ("", "a b", "x" * 513, None):
        with pytest.raises(LogGroupError, match="^name:"):
            desired_log_group(params(name=name))


def test_tags_get_the_marker_and_at_most_50():
    assert desired_log_group(params())["tags"] == dict(MARKER, env="prod")
    assert desired_log_group(params(tags=None))["tags"] is None
    with pytest.raises(LogGroupError, match="at most 50 tags"):
        desired_log_group(params(tags=dict(("k%d" % i, "v") for i in range(50))))


def test_create_plan():
    plan = plan_present(None, desired_log_group(params(log_group_class="INFREQUENT_ACCESS", retention_days=3653)))
    assert plan["create"] and not plan["changes"] and not plan["foreign"]
    assert plan["after"]["log_group_class"] == "INFREQUENT_ACCESS"
    assert plan["after"]["arn"] is None


def test_unchanged_group_needs_nothing():
    plan = plan_present(existing(), desired_log_group(params()))
    assert plan["changes"] == [] and plan["problems"] == [] and not plan["create"]


def test_changes_in_call_order():
    current = existing(retention=30, key=None, tags=dict(MARKER, env="dev", old="x"))
    plan = plan_present(current, desired_log_group(params(retention_days=2557, kms_key_id=KEY)))
    assert plan["changes"] == [("retention", 2557), ("kms", KEY), ("tag", {"env": "prod"}), ("untag", ["old"])]
    assert plan["after"]["tags"] == dict(MARKER, env="prod")


def test_retention_removed_and_key_disassociated():
    plan = plan_present(existing(retention=7, key=KEY), desired_log_group(params(retention_days=None, kms_key_id="")))
    assert plan["changes"] == [("retention", None), ("kms", None)]


def test_omitted_key_and_tags_are_left_alone():
    current = existing(key=KEY, tags=dict(MARKER, other="x"))
    plan = plan_present(current, desired_log_group(params(kms_key_id=None, tags=None)))
    assert plan["changes"] == []


def test_purge_tags_false_keeps_other_tags():
    current = existing(tags=dict(MARKER, other="x"))
    plan = plan_present(current, desired_log_group(params(purge_tags=False)))
    assert plan["changes"] == [("tag", {"env": "prod"})]


def test_class_change_is_refused_without_changes():
    plan = plan_present(existing(retention=7, cls="INFREQUENT_ACCESS"), desired_log_group(params()))
    assert plan["changes"] == []
    assert plan["problems"][0].startswith("log_group_class: the log group /flowlogs/prod is INFREQUENT_ACCESS")


def test_foreign_group_is_left_alone_unless_adopted():
    foreign = existing(retention=None, tags={"team": "net"})
    plan = plan_present(foreign, desired_log_group(params()))
    assert plan["foreign"] and plan["changes"] == []
    adopted = plan_present(foreign, desired_log_group(params(tags=None)), adopt=True)
    assert not adopted["foreign"]
    assert adopted["changes"] == [("retention", 365), ("tag", MARKER)]
    assert adopted["after"]["managed"]


def test_account_retention_policy_is_not_fought():
    current = existing(retention=90, retentionPolicyName="org-90-days")
    assert plan_present(current, desired_log_group(params()))["changes"] == []


def test_absent_plans():
    assert plan_absent(existing()) == {"delete": True, "kept_reason": ""}
    kept = plan_absent(existing(stored=2048))
    assert not kept["delete"] and "2048 stored bytes" in kept["kept_reason"] and "force_delete" in kept["kept_reason"]
    assert "log streams" in plan_absent(existing(), has_streams=True)["kept_reason"]
    assert plan_absent(existing(stored=2048), force_delete=True, has_streams=True)["delete"]
    foreign = existing(tags={})
    assert "managed-by=flowlogs.aws" in plan_absent(foreign, force_delete=True)["kept_reason"]
    assert plan_absent(foreign, adopt=True)["delete"]
    protected = existing(deletionProtectionEnabled=True)
    assert "deletion protection" in plan_absent(protected, force_delete=True)["kept_reason"]


def test_class_feature_rule():
    assert class_feature_problems("STANDARD", {"metric_filter": "reject_alarm.enabled"}) == []
    assert class_feature_problems("INFREQUENT_ACCESS", {"metric_filter": ""}) == []
    problems = class_feature_problems("INFREQUENT_ACCESS", {"metric_filter": "flowlogs_flow_logs[x].reject_alarm"},
                                      field="flowlogs_destinations[cw].log_group_class")
    assert len(problems) == 1
    assert problems[0].startswith("flowlogs_destinations[cw].log_group_class: log groups of the INFREQUENT_ACCESS "
                                  "class do not support metric filters")
    assert "flowlogs_flow_logs[x].reject_alarm" in problems[0]
    assert class_feature_problems("GLACIER", {})[0].startswith("log_group_class must be one of")
    with pytest.raises(ValueError, match="unknown feature"):
        class_feature_problems("STANDARD", {"saved_queries": "x"})


def test_filter_wraps_the_rule():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.flowlogs.aws.plugins.filter.log_group import FilterModule

    check = FilterModule().filters()["log_group_class_problems"]
    assert check("INFREQUENT_ACCESS", {"metric_filter": "a"}, "b")[0].startswith("b: log groups of the INFREQUENT_ACCESS class")
    assert check("", {"metric_filter": "a"}) == []
    with pytest.raises(AnsibleFilterError, match="unknown feature"):
        check("STANDARD", {"queries": "a"})
    with pytest.raises(AnsibleFilterError, match="must be a dict"):
        check("STANDARD", ["metric_filter"])


def test_problems_filter_names_the_callers_variables():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.flowlogs.aws.plugins.filter.log_group import FilterModule

    check = FilterModule().filters()["log_group_problems"]
    assert check({"name": NAME, "retention_days": 2922, "log_group_class": "INFREQUENT_ACCESS"}) == []
    problems = check({"name": "aws/x", "retention_days": 3650, "tags": {"managed-by": "me"}},
                     {"name": "my_group", "retention_days": "my_days", "tags": "my_tags"})
    assert [p.split(":")[0] for p in problems] == ["my_group", "my_days", "my_tags.managed-by"]
    assert check({"name": "aws/x"})[0].startswith("name:")
    with pytest.raises(AnsibleFilterError, match="unknown options"):
        check({"name": NAME, "retention": 3})
