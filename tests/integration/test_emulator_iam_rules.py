"""The IAM role rules tests/localstack/extension (iam.py) adds to LocalStack, as AWS documents them.

Each case is a call AWS refuses and LocalStack 4.13.1 accepted; the extension must refuse it with
the error code of the IAM API reference. The calls are those flowlogs.aws.iam_delivery_role makes.
"""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.localstack

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
NO_PRINCIPAL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
BIG_TRUST = {"Version": "2012-10-17", "Statement": [dict(TRUST["Statement"][0], Condition={"ArnLike": {
    "aws:SourceArn": ["arn:aws:ec2:us-east-%d:000000000000:vpc-flow-log/*" % i for i in range(60)]}})]}


def _policy(resources, **extra):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        dict({"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": resources}, **extra)]})


@pytest.fixture()
def role(aws):
    iam = aws("iam")
    name = "flowlogs-rules-" + uuid.uuid4().hex[:8]
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=7200,
                    Description="kept")
    yield name
    for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    iam.delete_role(RoleName=name)


def _refused(call, code, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    assert raised.value.response["Error"]["Code"] == code, raised.value.response["Error"]


def test_create_role_refuses_what_aws_refuses(aws, role):
    iam = aws("iam")
    trust = json.dumps(TRUST)
    _refused(iam.create_role, "EntityAlreadyExists", RoleName=role.upper(), AssumeRolePolicyDocument=trust)
    _refused(iam.create_role, "ValidationError", RoleName=role + "-p", Path="no-slash", AssumeRolePolicyDocument=trust)
    _refused(iam.create_role, "ValidationError", RoleName=role + "-d", AssumeRolePolicyDocument=trust,
             MaxSessionDuration=43201)
    _refused(iam.create_role, "InvalidInput", RoleName=role + "-t", AssumeRolePolicyDocument=trust,
             Tags=[{"Key": "aws:reserved", "Value": "x"}])
    _refused(iam.create_role, "MalformedPolicyDocument", RoleName=role + "-n",
             AssumeRolePolicyDocument=json.dumps(NO_PRINCIPAL))
    _refused(iam.create_role, "LimitExceeded", RoleName=role + "-b", AssumeRolePolicyDocument=json.dumps(BIG_TRUST))
    _refused(iam.create_role, "NoSuchEntity", RoleName=role + "-x", AssumeRolePolicyDocument=trust,
             PermissionsBoundary="arn:aws:iam::000000000000:policy/does-not-exist")
    names = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert not [name for name in names if name.lower().startswith(role.lower()) and name != role]


def test_role_updates_refuse_what_aws_refuses(aws, role):
    iam = aws("iam")
    _refused(iam.update_role, "ValidationError", RoleName=role, MaxSessionDuration=43201)
    _refused(iam.update_assume_role_policy, "MalformedPolicyDocument", RoleName=role,
             PolicyDocument=json.dumps(NO_PRINCIPAL))
    _refused(iam.tag_role, "InvalidInput", RoleName=role, Tags=[{"Key": "aws:reserved", "Value": "x"}])
    iam.tag_role(RoleName=role, Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
    iam.tag_role(RoleName=role, Tags=[{"Key": "k0", "Value": "changed"}])  # still 50 tags
    _refused(iam.tag_role, "LimitExceeded", RoleName=role, Tags=[{"Key": "k50", "Value": "v"}])
    _refused(iam.put_role_permissions_boundary, "NoSuchEntity", RoleName=role,
             PermissionsBoundary="arn:aws:iam::000000000000:policy/does-not-exist")


def test_update_role_changes_only_what_is_given(aws, role):
    iam = aws("iam")
    iam.update_role(RoleName=role, Description="new")
    assert iam.get_role(RoleName=role)["Role"]["MaxSessionDuration"] == 7200
    iam.update_role(RoleName=role, MaxSessionDuration=3600)
    got = iam.get_role(RoleName=role)["Role"]
    assert got["Description"] == "new" and got["MaxSessionDuration"] == 3600


def test_put_role_policy_refuses_what_aws_refuses(aws, role):
    iam = aws("iam")
    _refused(iam.put_role_policy, "MalformedPolicyDocument", RoleName=role, PolicyName="p",
             PolicyDocument=_policy("*", Principal="*"))
    group = "arn:aws:logs:us-east-1:000000000000:log-group:/" + "x" * 400
    # 10,240 characters in all the role's inline policies, white space not counted.
    iam.put_role_policy(RoleName=role, PolicyName="a", PolicyDocument=_policy([group + str(i) for i in range(12)]))
    iam.put_role_policy(RoleName=role, PolicyName="a", PolicyDocument=_policy([group + str(i) for i in range(12)]))
    _refused(iam.put_role_policy, "LimitExceeded", RoleName=role, PolicyName="b",
             PolicyDocument=_policy([group + str(i) for i in range(12)]))
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["a"]


def test_a_trust_policy_may_name_only_a_role_or_user_that_exists(aws, role):
    """AWS turns a role or user principal into its unique id when the policy is saved, so one that
    does not exist is refused (hashicorp/terraform-provider-aws#8905); account principals are not."""
    iam = aws("iam")

    def trusting(principal, **extra):
        return json.dumps({"Version": "2012-10-17", "Statement": [dict(
            {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}, **extra)]})

    missing = "arn:aws:iam::000000000000:role/%s-missing" % role
    _refused(iam.create_role, "MalformedPolicyDocument", RoleName=role + "-m",
             AssumeRolePolicyDocument=trusting([missing]))
    _refused(iam.update_assume_role_policy, "MalformedPolicyDocument", RoleName=role,
             PolicyDocument=trusting("arn:aws:iam::123456789012:user/nobody"))
    assert role + "-m" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    # What exists is accepted, and so is an account with a condition on the role's ARN (the form the
    # collection writes for roles of other accounts that may not exist yet).
    existing = iam.get_role(RoleName=role)["Role"]["Arn"]
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=trusting(existing))
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=trusting(
        "arn:aws:iam::123456789012:root", Condition={"ArnLike": {"aws:PrincipalArn": missing}}))
