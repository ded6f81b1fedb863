"""iam_delivery_role: the calls each run makes, and error handling at every call site.

An in-memory IAM client (each request checked against botocore's model) stands in for AWS, so
that the calls of a run can be counted (an unchanged role: reads only) and an AWS error or a
connection error can be injected at each call site, which no emulator can do. Every failure must
be a clean failure naming the operation and the role, never a traceback.
"""

import json

import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError
from botocore.validate import validate_parameters

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import cloud as aws_cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.flowlogs.aws.plugins.modules import iam_delivery_role

MODEL = botocore.session.get_session().get_service_model("iam")
NAME = "flowlogs-delivery"
MARKER = {"managed-by": "flowlogs.aws"}
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
PERMISSIONS = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/a"}]}
READS = ("GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "ListInstanceProfilesForRole")


def _operation(method):
    return "".join(part.capitalize() for part in method.split("_"))


class FakeIAM:
    """One role in memory; records calls; raises what ``fail`` says for one operation."""

    def __init__(self, role=None, inline=None, managed=(), profiles=()):
        self.role = role
        self.inline = dict(inline or {})
        self.managed = list(managed)
        self.profiles = list(profiles)
        self.calls = []
        self.fail = {}

    def _call(self, operation, kwargs):
        validate_parameters(kwargs, MODEL.operation_model(operation).input_shape)
        self.calls.append(operation)
        if operation in self.fail:
            raise self.fail[operation]

    def __getattr__(self, method):
        if method.startswith("_") or not hasattr(self, "_" + method):
            raise AttributeError(method)

        def call(**kwargs):
            self._call(_operation(method), kwargs)
            return getattr(self, "_" + method)(**kwargs)
        return call

    def get_paginator(self, method):
        fake = self

        class Paginator:
            def paginate(self, **kwargs):
                fake._call(_operation(method), kwargs)
                result = getattr(fake, "_" + method)(**kwargs)
                return type("Pages", (), {"build_full_result": lambda _self: result})()
        return Paginator()

    def get_waiter(self, name):
        assert name == "role_exists"
        fake = self

        class Waiter:
            def wait(self, RoleName, WaiterConfig):
                fake._get_role(RoleName=RoleName)
                fake.calls.append("GetRole")
        return Waiter()

    def _missing(self):
        return ClientError({"Error": {"Code": "NoSuchEntity", "Message": "The role cannot be found."}}, "x")

    def _get_role(self, RoleName):
        if self.role is None:
            raise self._missing()
        return {"Role": json.loads(json.dumps(self.role))}

    def _list_role_policies(self, RoleName):
        return {"PolicyNames": sorted(self.inline)}

    def _get_role_policy(self, RoleName, PolicyName):
        return {"RoleName": RoleName, "PolicyName": PolicyName, "PolicyDocument": self.inline[PolicyName]}

    def _list_attached_role_policies(self, RoleName):
        return {"AttachedPolicies": [{"PolicyArn": arn, "PolicyName": arn.split("/")[-1]} for arn in self.managed]}

    def _list_instance_profiles_for_role(self, RoleName):
        return {"InstanceProfiles": [{"InstanceProfileName": name} for name in self.profiles]}

    def _create_role(self, RoleName, Path, AssumeRolePolicyDocument, Tags, **kwargs):
        self.role = dict(RoleName=RoleName, Path=Path, Arn="arn:aws:iam::123456789012:role%s%s" % (Path, RoleName),
                         RoleId="AROAEXAMPLE", AssumeRolePolicyDocument=json.loads(AssumeRolePolicyDocument),
                         Tags=Tags, MaxSessionDuration=kwargs.get("MaxSessionDuration", 3600))
        if "Description" in kwargs:
            self.role["Description"] = kwargs["Description"]
        return {"Role": dict(self.role)}

    def _tag_role(self, RoleName, Tags):
        tags = dict((t["Key"], t["Value"]) for t in self.role["Tags"])
        tags.update((t["Key"], t["Value"]) for t in Tags)
        self.role["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return {}

    def _untag_role(self, RoleName, TagKeys):
        self.role["Tags"] = [t for t in self.role["Tags"] if t["Key"] not in TagKeys]
        return {}

    def _update_assume_role_policy(self, RoleName, PolicyDocument):
        self.role["AssumeRolePolicyDocument"] = json.loads(PolicyDocument)
        return {}

    def _update_role(self, RoleName, **kwargs):
        self.role.update(kwargs)
        return {}

    def _put_role_permissions_boundary(self, RoleName, PermissionsBoundary):
        self.role["PermissionsBoundary"] = {"PermissionsBoundaryArn": PermissionsBoundary}
        return {}

    def _delete_role_permissions_boundary(self, RoleName):
        self.role.pop("PermissionsBoundary", None)
        return {}

    def _detach_role_policy(self, RoleName, PolicyArn):
        self.managed.remove(PolicyArn)
        return {}

    def _put_role_policy(self, RoleName, PolicyName, PolicyDocument):
        self.inline[PolicyName] = json.loads(PolicyDocument)
        return {}

    def _delete_role_policy(self, RoleName, PolicyName):
        del self.inline[PolicyName]
        return {}

    def _remove_role_from_instance_profile(self, RoleName, InstanceProfileName):
        self.profiles.remove(InstanceProfileName)
        return {}

    def _delete_role(self, RoleName):
        if self.inline or self.managed or self.profiles:
            raise ClientError({"Error": {"Code": "DeleteConflict", "Message": "must delete policies first"}}, "x")
        self.role = None
        return {}


def role(tags=None, trust=None, description="d"):
    return {"RoleName": NAME, "Path": "/", "Arn": "arn:aws:iam::123456789012:role/" + NAME, "RoleId": "AROAEXAMPLE",
            "AssumeRolePolicyDocument": trust or TRUST, "Description": description, "MaxSessionDuration": 3600,
            "Tags": [{"Key": k, "Value": v} for k, v in (MARKER if tags is None else tags).items()]}


@pytest.fixture
def fake(monkeypatch):
    holder = {}
    monkeypatch.setattr(aws_cloud.time, "sleep", lambda seconds: None)

    def client(self, service, retry_decorator=None):
        assert service == "iam"
        return RetryingBotoClientWrapper(holder["fake"], retry_decorator)

    monkeypatch.setattr(AnsibleAWSModule, "client", client)
    return holder


PRESENT = dict(description="d", assume_role_policy_document=json.dumps(TRUST), policy_name="deliver",
               policy_document=json.dumps(PERMISSIONS), tags={}, wait=False)


def run(capsys, holder, fake_iam, check_mode=False, **params):
    holder["fake"] = fake_iam
    args = dict(name=NAME, region="us-east-1", **params)
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            iam_delivery_role.main()
    return json.loads(capsys.readouterr().out)


def test_create_makes_the_role_then_its_inline_policy(fake, capsys):
    iam = FakeIAM()
    result = run(capsys, fake, iam, **PRESENT)
    assert result["changed"] and result["changes"] == ["create the role %s with the inline policy deliver" % NAME]
    assert iam.calls == ["GetRole", "CreateRole", "PutRolePolicy"]
    assert result["iam_role"]["arn"] == "arn:aws:iam::123456789012:role/" + NAME
    assert iam.inline == {"deliver": PERMISSIONS}


def test_wait_reads_the_new_role(fake, capsys):
    iam = FakeIAM()
    params = dict(PRESENT)
    params["wait"] = True
    run(capsys, fake, iam, **params)
    assert iam.calls == ["GetRole", "CreateRole", "GetRole", "PutRolePolicy"]


def test_unchanged_role_costs_four_reads(fake, capsys):
    iam = FakeIAM(role(), {"deliver": PERMISSIONS})
    result = run(capsys, fake, iam, **PRESENT)
    assert not result["changed"] and result["changes"] == []
    assert iam.calls == ["GetRole", "ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies"]


def test_check_mode_reads_only_and_says_what_it_would_do(fake, capsys):
    new = FakeIAM()
    created = run(capsys, fake, new, check_mode=True, **PRESENT)
    assert created["changed"] and "iam_role" not in created and created["changes"][0].startswith("create the role")
    assert new.calls == ["GetRole"] and new.role is None
    old = FakeIAM(role(tags=dict(MARKER, old="x")), {"deliver": PERMISSIONS, "extra": PERMISSIONS},
                  ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    updated = run(capsys, fake, old, check_mode=True, **PRESENT)
    assert updated["changes"] == ["remove the tags old", "detach the managed policy arn:aws:iam::aws:policy/ReadOnlyAccess",
                                  "delete the inline policy extra"]
    assert all(call in READS for call in old.calls) and "extra" in old.inline
    absent = run(capsys, fake, old, check_mode=True, state="absent")
    assert absent["changed"] and old.role is not None and all(call in READS for call in old.calls)


def test_diff_shows_the_role_before_and_after(fake, capsys):
    iam = FakeIAM(role(description="old"), {"deliver": PERMISSIONS})
    result = run(capsys, fake, iam, **dict(PRESENT, _ansible_diff=True))
    assert result["diff"]["before"]["description"] == "old" and result["diff"]["after"]["description"] == "d"


def test_foreign_role_is_reported_and_left_alone(fake, capsys):
    iam = FakeIAM(role(tags={"team": "net"}), {"theirs": PERMISSIONS})
    result = run(capsys, fake, iam, **PRESENT)
    assert result["foreign"] and not result["changed"]
    assert result["iam_role"]["tags"] == {"team": "net"}
    assert iam.calls == ["GetRole"]
    kept = run(capsys, fake, iam, state="absent")
    assert kept["foreign"] and not kept["changed"] and iam.role is not None and iam.calls[-1] == "GetRole"


def test_adopt_takes_it_over(fake, capsys):
    iam = FakeIAM(role(tags={"team": "net"}), {"theirs": PERMISSIONS})
    result = run(capsys, fake, iam, adopt=True, **PRESENT)
    assert result["changed"] and not result["foreign"]
    assert iam.inline == {"deliver": PERMISSIONS}
    assert dict((t["Key"], t["Value"]) for t in iam.role["Tags"]) == MARKER


def test_absent_empties_the_role_then_deletes_it(fake, capsys):
    iam = FakeIAM(role(), {"deliver": PERMISSIONS}, ["arn:aws:iam::aws:policy/ReadOnlyAccess"], ["profile"])
    result = run(capsys, fake, iam, state="absent")
    assert result["changed"] and iam.role is None and iam.profiles == []
    assert iam.calls == ["GetRole", "ListRolePolicies", "ListAttachedRolePolicies", "ListInstanceProfilesForRole",
                         "RemoveRoleFromInstanceProfile", "DetachRolePolicy", "DeleteRolePolicy", "DeleteRole"]
    assert not run(capsys, fake, iam, state="absent")["changed"]


def test_invalid_parameters_fail_before_any_call(fake, capsys):
    iam = FakeIAM()
    result = run(capsys, fake, iam, **dict(PRESENT, max_session_duration=60, create_instance_profile=True))
    assert result["failed"] and result["msg"].startswith("Invalid IAM role parameters: max_session_duration:")
    assert "create_instance_profile" in result["msg"] and iam.calls == []


def _client_error(operation):
    return ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, operation)


def _connection_error(operation):
    return EndpointConnectionError(endpoint_url="https://iam.amazonaws.com")


# (scenario, fake factory, params, call sites)
SCENARIOS = [
    ("create", FakeIAM, dict(PRESENT, wait=True, boundary="arn:aws:iam::123456789012:policy/b"),
     ["GetRole", "CreateRole", "PutRolePolicy"]),
    ("update", lambda: FakeIAM(role(tags=dict(MARKER, old="x"), trust={"Version": "2012-10-17", "Statement": []},
                                    description="old"),
                               {"deliver": {"Version": "2012-10-17", "Statement": []}, "extra": PERMISSIONS},
                               ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
     dict(PRESENT, tags={"env": "prod"}, boundary="arn:aws:iam::123456789012:policy/b"),
     ["ListRolePolicies", "GetRolePolicy", "ListAttachedRolePolicies", "TagRole", "UntagRole",
      "UpdateAssumeRolePolicy", "UpdateRole", "PutRolePermissionsBoundary", "DetachRolePolicy", "PutRolePolicy",
      "DeleteRolePolicy"]),
    ("unset boundary", lambda: FakeIAM(dict(role(), PermissionsBoundary={"PermissionsBoundaryArn": "arn:b"}),
                                       {"deliver": PERMISSIONS}),
     dict(PRESENT, boundary=""), ["DeleteRolePermissionsBoundary"]),
    ("absent", lambda: FakeIAM(role(), {"deliver": PERMISSIONS}, ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                               ["profile"]),
     dict(state="absent"),
     ["GetRole", "ListRolePolicies", "ListAttachedRolePolicies", "ListInstanceProfilesForRole",
      "RemoveRoleFromInstanceProfile", "DetachRolePolicy", "DeleteRolePolicy", "DeleteRole"]),
]
CASES = [(name, factory, params, site, kind)
         for name, factory, params, sites in SCENARIOS for site in sites for kind in ("client", "connection")]


@pytest.mark.parametrize("name,factory,params,site,kind", CASES,
                         ids=["%s-%s-%s" % (c[0], c[3], c[4]) for c in CASES])
def test_every_call_site_fails_cleanly(fake, capsys, name, factory, params, site, kind):
    iam = factory()
    iam.fail[site] = (_client_error if kind == "client" else _connection_error)(site)
    result = run(capsys, fake, iam, **params)
    assert result["failed"]
    assert result["msg"].startswith("IAM role %s: Failed to " % NAME)
    assert "(%s)" % site in result["msg"]
    if kind == "client":
        assert "not allowed" in result["msg"] and result["error"]["code"] == "AccessDenied"
    else:
        assert "Could not connect" in result["msg"]
    # The call that failed is the last one made: nothing after it.
    assert iam.calls[-1] == site
