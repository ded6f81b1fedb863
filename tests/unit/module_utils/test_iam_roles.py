"""The IAM role rules and plans of module_utils/iam_roles.py (no AWS)."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import RoleError
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import describe_change
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import desired_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import normalize_role
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import plan_absent
from ansible_collections.flowlogs.aws.plugins.module_utils.iam_roles import plan_present

NAME = "flowlogs-delivery"
ARN = "arn:aws:iam::123456789012:role/flowlogs/" + NAME
MARKER = {"managed-by": "flowlogs.aws"}
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}]}
PERMISSIONS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/a", "arn:aws:logs:us-east-1:123456789012:log-group:/a:*"]}]}
BOUNDARY = "arn:aws:iam::123456789012:policy/boundary"


def params(**kwargs):
    base = dict(name=NAME, state="present", path="/flowlogs/", description="d", assume_role_policy_document=TRUST,
                boundary=None, max_session_duration=3600, tags={"env": "prod"}, purge_tags=True,
                policy_name="deliver", policy_document=PERMISSIONS, purge_policies=True)
    base.update(kwargs)
    return base


def get_role(tags=None, trust=None, description="d", duration=3600, boundary=None, path="/flowlogs/"):
    """A GetRole Role as boto3 returns it (policy documents already decoded)."""
    role = {"RoleName": NAME, "Arn": ARN, "RoleId": "AROAEXAMPLE", "Path": path,
            "AssumeRolePolicyDocument": trust or TRUST, "MaxSessionDuration": duration,
            "Tags": [{"Key": k, "Value": v} for k, v in (dict(MARKER, env="prod") if tags is None else tags).items()]}
    if description is not None:
        role["Description"] = description
    if boundary:
        role["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return role


def current(inline=None, managed=(), **kwargs):
    return normalize_role(get_role(**kwargs), {"deliver": PERMISSIONS} if inline is None else inline, list(managed))


def test_desired_role_accepts_json_text_and_adds_the_marker():
    desired = desired_role(params(assume_role_policy_document='{"Version": "2012-10-17", "Statement": []}'))
    assert desired["trust_policy"] == {"Version": "2012-10-17", "Statement": []}
    assert desired["tags"] == dict(MARKER, env="prod")
    assert desired_role(params(tags=None))["tags"] is None


def test_every_bad_parameter_is_named_at_once():
    with pytest.raises(RoleError) as raised:
        desired_role(params(name="bad name!", path="no-slash", description="x" * 1001, max_session_duration=60,
                            boundary="arn:aws:s3:::bucket", assume_role_policy_document="{not json",
                            tags={"aws:x": "y", "managed-by": "me"}, policy_name="bad name",
                            policy_document='{"no": "statement"}', managed_policies=["arn:aws:iam::aws:policy/X"],
                            create_instance_profile=True, delete_instance_profile=True))
    fields = [problem.split(":")[0].split(".")[0] for problem in raised.value.problems]
    assert fields == ["name", "path", "description", "max_session_duration", "boundary",
                      "assume_role_policy_document", "tags", "tags", "policy_name", "policy_document",
                      "managed_policies", "create_instance_profile", "delete_instance_profile"]


def test_trust_policy_is_required_only_with_state_present():
    with pytest.raises(RoleError, match="assume_role_policy_document: is required"):
        desired_role(params(assume_role_policy_document=None))
    assert desired_role(params(state="absent", assume_role_policy_document=None))["trust_policy"] is None


def test_too_many_tags_with_the_marker():
    tags = dict(("k%d" % i, "v") for i in range(50))
    with pytest.raises(RoleError, match="at most 50 tags with the managed-by marker"):
        desired_role(params(tags=tags))


def test_normalize_reads_what_get_role_returns():
    role = normalize_role(get_role(description=None, boundary=BOUNDARY), {"deliver": None}, ["arn:x"])
    assert role["description"] == "" and role["permissions_boundary"] == BOUNDARY
    assert role["tags"] == dict(MARKER, env="prod") and role["managed"]
    assert role["inline_policies"] == {"deliver": None} and role["managed_policies"] == ["arn:x"]


def test_a_new_role_is_created_with_everything():
    plan = plan_present(None, desired_role(params()))
    assert plan["create"] and not plan["changes"]
    assert plan["after"]["inline_policies"] == {"deliver": PERMISSIONS}
    assert plan["after"]["tags"] == dict(MARKER, env="prod") and plan["after"]["path"] == "/flowlogs/"


def test_an_unchanged_role_needs_nothing_even_with_reordered_documents():
    reordered_trust = {"Statement": [dict(reversed(list(TRUST["Statement"][0].items())))], "Version": "2012-10-17"}
    reordered_permissions = {"Version": "2012-10-17", "Statement": [dict(
        PERMISSIONS["Statement"][0], Resource=list(reversed(PERMISSIONS["Statement"][0]["Resource"])))]}
    plan = plan_present(current(inline={"deliver": reordered_permissions}, trust=reordered_trust),
                        desired_role(params()))
    assert plan["changes"] == [] and not plan["create"] and not plan["foreign"] and plan["warnings"] == []


def test_every_difference_is_one_change_in_call_order():
    old_trust = {"Version": "2012-10-17", "Statement": []}
    role = current(inline={"deliver": {"Version": "2012-10-17", "Statement": []}, "extra": None},
                   managed=["arn:aws:iam::aws:policy/ReadOnlyAccess"], trust=old_trust, description="old",
                   duration=7200, tags=dict(MARKER, env="dev", old="x"))
    desired = desired_role(params(boundary=BOUNDARY))
    plan = plan_present(role, desired)
    assert plan["changes"] == [
        ("tag", {"env": "prod"}), ("untag", ["old"]), ("trust", TRUST),
        ("update", {"Description": "d", "MaxSessionDuration": 3600}), ("boundary", BOUNDARY),
        ("detach", "arn:aws:iam::aws:policy/ReadOnlyAccess"), ("put_policy", ("deliver", PERMISSIONS)),
        ("delete_policy", "extra")]
    after = plan["after"]
    assert after["tags"] == dict(MARKER, env="prod") and after["inline_policies"] == {"deliver": PERMISSIONS}
    assert after["managed_policies"] == [] and after["permissions_boundary"] == BOUNDARY
    assert [describe_change(change) for change in plan["changes"]] == [
        "set the tags env=prod", "remove the tags old", "update the trust policy",
        "update the description and the maximum session duration", "set the permissions boundary " + BOUNDARY,
        "detach the managed policy arn:aws:iam::aws:policy/ReadOnlyAccess", "set the inline policy deliver",
        "delete the inline policy extra"]


def test_a_missing_inline_policy_is_put():
    plan = plan_present(current(inline={}), desired_role(params()))
    assert plan["changes"] == [("put_policy", ("deliver", PERMISSIONS))]


def test_omitted_settings_are_left_alone():
    role = current(inline={"other": None}, managed=["arn:x"], description="keep", duration=7200, boundary=BOUNDARY,
                   tags=dict(MARKER, keep="me"))
    desired = desired_role(params(description=None, max_session_duration=None, boundary=None, tags=None,
                                  policy_name=None, policy_document=None, purge_policies=False))
    assert plan_present(role, desired)["changes"] == []


def test_an_empty_boundary_removes_it():
    plan = plan_present(current(boundary=BOUNDARY), desired_role(params(boundary="")))
    assert plan["changes"] == [("boundary", "")]
    assert describe_change(plan["changes"][0]) == "remove the permissions boundary"


def test_a_foreign_role_gets_no_change():
    role = current(inline={"theirs": None}, tags={"team": "net"}, trust={"Version": "2012-10-17", "Statement": []})
    plan = plan_present(role, desired_role(params()))
    assert plan["foreign"] and plan["changes"] == []
    assert plan["after"]["tags"] == {"team": "net"}
    assert plan_absent(role) == {"delete": False, "foreign": True}


def test_adopting_replaces_tags_trust_and_policies():
    role = current(inline={"theirs": None}, tags={"team": "net"}, trust={"Version": "2012-10-17", "Statement": []})
    plan = plan_present(role, desired_role(params()), adopt=True)
    kinds = [change[0] for change in plan["changes"]]
    assert not plan["foreign"]
    assert kinds == ["tag", "untag", "trust", "put_policy", "delete_policy"]
    assert plan["after"]["managed"] and plan["after"]["tags"] == dict(MARKER, env="prod")
    assert plan_absent(role, adopt=True) == {"delete": True, "foreign": False}


def test_adopting_without_tags_still_puts_the_marker_on():
    role = current(tags={"team": "net"})
    plan = plan_present(role, desired_role(params(tags=None)), adopt=True)
    assert plan["changes"][0] == ("tag", MARKER)


def test_a_different_path_is_a_warning_not_a_change():
    plan = plan_present(current(path="/"), desired_role(params()))
    assert plan["changes"] == []
    assert plan["warnings"][0].startswith("path: the role %s exists with path /;" % NAME)


def test_aws_tags_are_never_purged():
    plan = plan_present(current(tags=dict(MARKER, env="prod", **{"aws:cloudformation:stack-name": "s"})),
                        desired_role(params()))
    assert plan["changes"] == []
