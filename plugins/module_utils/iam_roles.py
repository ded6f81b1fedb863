# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM roles the collection owns (the VPC Flow Logs delivery role, a Firehose stream's role):
rules, plans and API calls.

Used by the iam_delivery_role module. The rules follow the IAM API reference
(https://docs.aws.amazon.com/IAM/latest/APIReference/) and "IAM and AWS STS quotas" (IAM User
Guide):

* CreateRole: RoleName 1 to 64 of ``\\w+=,.@-``; Path ``/`` or ``/.../`` of at most 512
  characters; Description at most 1000 characters; MaxSessionDuration 3600 to 43200 seconds;
  PermissionsBoundary a managed policy ARN; at most 50 tags, keys of 1 to 128 characters not
  starting with ``aws:``, values of at most 256. The path of an existing role cannot be changed
  (UpdateRole has no Path).
* GetRole returns the trust policy, description, maximum session duration, permissions
  boundary and tags in one call; ListRolePolicies, GetRolePolicy and ListAttachedRolePolicies
  give the inline and managed policies. boto3 decodes the URL-encoded policy documents.
* PutRolePolicy: PolicyName 1 to 128 of ``\\w+=,.@-``.
* DeleteRole fails (DeleteConflict) while the role has inline policies, attached managed
  policies or is in an instance profile: DeleteRolePolicy, DetachRolePolicy and
  RemoveRoleFromInstanceProfile first.

The pure functions (``desired_role``, ``normalize_role``, ``plan_present``, ``plan_absent``)
have no AWS dependency; every API wrapper raises ``AnsibleIAMRoleError`` naming the operation
(amazon.aws's AWSErrorHandler pattern), which the module turns into fail_json_aws.
"""

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import ROLE_NAME as ROLE_NAME_RE
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_policies import ROLE_PATH as PATH_RE
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import with_marker
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import tag_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

POLICY_NAME_RE = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)
PATH_MAX = 512
DESCRIPTION_MAX = 1000
SESSION_MIN, SESSION_MAX = 3600, 43200
BOUNDARY_RE = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/[\x21-\x7e]+$")


class RoleError(ProblemsError):
    """Invalid role parameters; ``problems`` lists every one found."""


class AnsibleIAMRoleError(AnsibleAWSError):
    pass


class IAMRoleErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleIAMRoleError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NoSuchEntity")


def _json_document(value, field, problems):
    """A policy document given as JSON text or a dict, as a dict (None when omitted)."""
    if value is None:
        return None
    document = value
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError as e:
            problems.append("%s: is not valid JSON (%s)" % (field, e))
            return None
    if not isinstance(document, dict) or "Statement" not in document:
        problems.append("%s: must be a policy document, a JSON object with a Statement" % field)
        return None
    return document


def desired_role(params):
    """Validate the module parameters; returns the desired role or raises RoleError.

    The result has ``name``, ``path`` (None: / for a new role, an existing one keeps its own),
    ``description``, ``max_session_duration`` and ``boundary`` (None: leave as is; boundary "":
    remove it), ``trust_policy`` (a dict, None with state absent), ``tags`` (None: leave as is,
    else with the marker), ``purge_tags``, ``policy_name`` and ``policy_document`` (None: inline
    policies left as they are) and ``purge_policies`` (detach every managed policy).
    """
    problems = []
    name = params.get("name")
    if not isinstance(name, str) or not ROLE_NAME_RE.match(name):
        problems.append("name: must be 1 to 64 letters, digits or +=,.@_- (got %r)" % (name,))
    path = params.get("path")
    if path is not None and (not PATH_RE.match(path) or len(path) > PATH_MAX):
        problems.append("path: must be / or /segments/ of printable ASCII characters, at most %d (got %r)"
                        % (PATH_MAX, path))
    description = params.get("description")
    if description is not None and len(description) > DESCRIPTION_MAX:
        problems.append("description: must be at most %d characters (got %d)" % (DESCRIPTION_MAX, len(description)))
    duration = params.get("max_session_duration")
    if duration is not None and not SESSION_MIN <= duration <= SESSION_MAX:
        problems.append("max_session_duration: must be from %d to %d seconds (got %r)"
                        % (SESSION_MIN, SESSION_MAX, duration))
    boundary = params.get("boundary")
    if boundary and not BOUNDARY_RE.match(boundary):
        problems.append("boundary: must be a managed policy ARN such as arn:aws:iam::123456789012:policy/boundary, "
                        "or empty to remove the boundary (got %r)" % boundary)
    trust_policy = _json_document(params.get("assume_role_policy_document"), "assume_role_policy_document", problems)
    if params.get("state", "present") == "present" and params.get("assume_role_policy_document") is None:
        problems.append("assume_role_policy_document: is required with state present")
    tags = params.get("tags")
    problems.extend(tag_problems(tags, "tags"))
    policy_name = params.get("policy_name")
    if policy_name is not None and not POLICY_NAME_RE.match(policy_name):
        problems.append("policy_name: must be 1 to 128 letters, digits or +=,.@_- (got %r)" % (policy_name,))
    policy_document = _json_document(params.get("policy_document"), "policy_document", problems)
    if params.get("managed_policies"):
        problems.append("managed_policies: this module attaches no managed policy (the role's permissions are its "
                        "inline policy); give [] or leave it out (got %r)" % (params["managed_policies"],))
    for option in ("create_instance_profile", "delete_instance_profile"):
        if params.get(option):
            problems.append("%s: this module manages no instance profile; leave it out or false "
                            "(amazon.aws.iam_instance_profile manages them)" % option)
    if problems:
        raise RoleError(problems)
    return {
        "name": name,
        "path": path,
        "description": description,
        "max_session_duration": duration,
        "boundary": boundary,
        "trust_policy": trust_policy,
        "tags": None if tags is None else with_marker(tags),
        "purge_tags": params.get("purge_tags", True),
        "policy_name": policy_name,
        "policy_document": policy_document,
        "purge_policies": params.get("purge_policies", True),
    }


def normalize_role(role, inline_policies=None, managed_policies=None):
    """A GetRole ``Role`` with its policies in the module's snake_case result shape.

    ``inline_policies`` maps each inline policy name to its document (None: a document not
    read); ``managed_policies`` is the list of attached policy ARNs (None: not read).
    """
    tags = boto3_tag_list_to_ansible_dict(role.get("Tags") or [])
    return {
        "role_name": role["RoleName"],
        "arn": role.get("Arn"),
        "role_id": role.get("RoleId"),
        "path": role.get("Path", "/"),
        "description": role.get("Description", ""),
        "max_session_duration": role.get("MaxSessionDuration", SESSION_MIN),
        "permissions_boundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn", ""),
        "assume_role_policy_document": role.get("AssumeRolePolicyDocument"),
        "tags": tags,
        "managed": is_managed(tags),
        "inline_policies": dict(inline_policies or {}),
        "managed_policies": list(managed_policies or []),
    }


def _new_role(desired):
    return {
        "role_name": desired["name"],
        "arn": None,
        "role_id": None,
        "path": desired["path"] or "/",
        "description": desired["description"] or "",
        "max_session_duration": desired["max_session_duration"] or SESSION_MIN,
        "permissions_boundary": desired["boundary"] or "",
        "assume_role_policy_document": desired["trust_policy"],
        "tags": desired["tags"] if desired["tags"] is not None else with_marker({}),
        "managed": True,
        "inline_policies": {desired["policy_name"]: desired["policy_document"]} if desired["policy_name"] else {},
        "managed_policies": [],
    }


def plan_present(current, desired, adopt=False):
    """What to do to reach ``desired`` (desired_role()) from ``current`` (normalize_role() or None).

    Returns ``{"create": bool, "foreign": bool, "changes": [...], "warnings": [...], "after": {...}}``.
    ``changes`` are tuples, in call order: ("tag", {k: v}), ("untag", [keys]), ("trust", doc),
    ("update", {"Description": ..., "MaxSessionDuration": ...}), ("boundary", arn or ""),
    ("detach", arn), ("put_policy", (name, doc)), ("delete_policy", name). A foreign role (no
    marker, not adopted) gets none. ``current`` must hold the inline policies (with the document
    of ``policy_name``) when a policy is given, and the managed policies when ``purge_policies``.
    """
    plan = {"create": False, "foreign": False, "changes": [], "warnings": [], "after": None}
    if current is None:
        plan["create"] = True
        plan["after"] = _new_role(desired)
        return plan
    after = dict(current)
    after["inline_policies"] = dict(current["inline_policies"])
    plan["after"] = after
    if not current["managed"] and not adopt:
        plan["foreign"] = True
        return plan
    changes = plan["changes"]
    if desired["path"] is not None and desired["path"] != current["path"]:
        plan["warnings"].append(
            "path: the role %s exists with path %s; IAM cannot change the path of a role, so it keeps it (asked: %s). "
            "Delete the role to have it created with the new path" % (desired["name"], current["path"], desired["path"]))
    # Adopting puts the marker on even when tags are not managed.
    want_tags = desired["tags"] if desired["tags"] is not None else with_marker(current["tags"])
    purge = desired["tags"] is not None and desired["purge_tags"]
    to_set, to_remove = compare_aws_tags(current["tags"], want_tags, purge_tags=purge)
    if to_set:
        changes.append(("tag", to_set))
    if to_remove:
        changes.append(("untag", sorted(to_remove)))
    new_tags = dict((k, v) for k, v in current["tags"].items() if k not in to_remove)
    new_tags.update(to_set)
    after["tags"] = new_tags
    after["managed"] = is_managed(new_tags)
    trust = desired["trust_policy"]
    if trust is not None and compare_policies(current["assume_role_policy_document"], trust):
        changes.append(("trust", trust))
        after["assume_role_policy_document"] = trust
    update = {}
    if desired["description"] is not None and desired["description"] != current["description"]:
        update["Description"] = desired["description"]
        after["description"] = desired["description"]
    duration = desired["max_session_duration"]
    if duration is not None and duration != current["max_session_duration"]:
        update["MaxSessionDuration"] = duration
        after["max_session_duration"] = duration
    if update:
        changes.append(("update", update))
    boundary = desired["boundary"]
    if boundary is not None and boundary != current["permissions_boundary"]:
        changes.append(("boundary", boundary))
        after["permissions_boundary"] = boundary
    if desired["purge_policies"]:
        for arn in current["managed_policies"]:
            changes.append(("detach", arn))
        after["managed_policies"] = []
    name = desired["policy_name"]
    if name is not None:
        document = desired["policy_document"]
        present = current["inline_policies"].get(name)
        if present is None or compare_policies(present, document):
            changes.append(("put_policy", (name, document)))
        for other in sorted(current["inline_policies"]):
            if other != name:
                changes.append(("delete_policy", other))
        after["inline_policies"] = {name: document}
    return plan


def plan_absent(current, adopt=False):
    """``{"delete": bool, "foreign": bool}`` for a role that exists (normalize_role())."""
    foreign = not current["managed"] and not adopt
    return {"delete": not foreign, "foreign": foreign}


def describe_change(change):
    """One change of plan_present() as a short sentence, for the module's ``changes`` result."""
    kind, value = change
    if kind == "tag":
        return "set the tags %s" % ", ".join("%s=%s" % item for item in sorted(value.items()))
    if kind == "untag":
        return "remove the tags %s" % ", ".join(value)
    if kind == "trust":
        return "update the trust policy"
    if kind == "update":
        return "update the %s" % " and the ".join(
            {"Description": "description", "MaxSessionDuration": "maximum session duration"}[key]
            for key in sorted(value))
    if kind == "boundary":
        return "set the permissions boundary %s" % value if value else "remove the permissions boundary"
    if kind == "detach":
        return "detach the managed policy %s" % value
    if kind == "put_policy":
        return "set the inline policy %s" % value[0]
    if kind == "delete_policy":
        return "delete the inline policy %s" % value
    raise ValueError("unknown change %r" % kind)


# API calls. Each raises AnsibleIAMRoleError naming the operation; the client retries throttling.


@IAMRoleErrorHandler.list_error_handler("read the role (GetRole)")
def get_role(client, name):
    """The GetRole ``Role`` (with its tags, trust policy and boundary), or None."""
    return client.get_role(aws_retry=True, RoleName=name)["Role"]


@IAMRoleErrorHandler.list_error_handler("list the role's inline policies (ListRolePolicies)", [])
def list_inline_policy_names(client, name):
    paginator = client.get_paginator("list_role_policies")
    return paginator.paginate(RoleName=name).build_full_result()["PolicyNames"]


@IAMRoleErrorHandler.list_error_handler("read the role's inline policy (GetRolePolicy)")
def get_inline_policy(client, name, policy_name):
    return client.get_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name)["PolicyDocument"]


@IAMRoleErrorHandler.list_error_handler("list the role's managed policies (ListAttachedRolePolicies)", [])
def list_managed_policy_arns(client, name):
    paginator = client.get_paginator("list_attached_role_policies")
    return [p["PolicyArn"] for p in paginator.paginate(RoleName=name).build_full_result()["AttachedPolicies"]]


@IAMRoleErrorHandler.list_error_handler("list the role's instance profiles (ListInstanceProfilesForRole)", [])
def list_instance_profile_names(client, name):
    paginator = client.get_paginator("list_instance_profiles_for_role")
    return [p["InstanceProfileName"]
            for p in paginator.paginate(RoleName=name).build_full_result()["InstanceProfiles"]]


@IAMRoleErrorHandler.common_error_handler("create the role (CreateRole)")
def create_role(client, desired):
    kwargs = {
        "RoleName": desired["name"],
        "Path": desired["path"] or "/",
        "AssumeRolePolicyDocument": json.dumps(desired["trust_policy"]),
        "Tags": ansible_dict_to_boto3_tag_list(desired["tags"] if desired["tags"] is not None else with_marker({})),
    }
    if desired["description"] is not None:
        kwargs["Description"] = desired["description"]
    if desired["max_session_duration"] is not None:
        kwargs["MaxSessionDuration"] = desired["max_session_duration"]
    if desired["boundary"]:
        kwargs["PermissionsBoundary"] = desired["boundary"]
    return client.create_role(aws_retry=True, **kwargs)["Role"]


@IAMRoleErrorHandler.common_error_handler("wait for the new role (GetRole)")
def wait_for_role(client, name, timeout):
    delay = min(timeout, 5)
    client.get_waiter("role_exists").wait(RoleName=name,
                                          WaiterConfig={"Delay": delay, "MaxAttempts": max(1, timeout // delay)})


@IAMRoleErrorHandler.common_error_handler("tag the role (TagRole)")
def tag_role(client, name, tags):
    client.tag_role(aws_retry=True, RoleName=name, Tags=ansible_dict_to_boto3_tag_list(tags))


@IAMRoleErrorHandler.common_error_handler("untag the role (UntagRole)")
def untag_role(client, name, keys):
    client.untag_role(aws_retry=True, RoleName=name, TagKeys=keys)


@IAMRoleErrorHandler.common_error_handler("update the trust policy (UpdateAssumeRolePolicy)")
def update_trust_policy(client, name, document):
    client.update_assume_role_policy(aws_retry=True, RoleName=name, PolicyDocument=json.dumps(document))


@IAMRoleErrorHandler.common_error_handler("update the role (UpdateRole)")
def update_role(client, name, update):
    client.update_role(aws_retry=True, RoleName=name, **update)


@IAMRoleErrorHandler.common_error_handler("set the permissions boundary (PutRolePermissionsBoundary)")
def put_boundary(client, name, arn):
    client.put_role_permissions_boundary(aws_retry=True, RoleName=name, PermissionsBoundary=arn)


@IAMRoleErrorHandler.deletion_error_handler("remove the permissions boundary (DeleteRolePermissionsBoundary)")
def delete_boundary(client, name):
    client.delete_role_permissions_boundary(aws_retry=True, RoleName=name)
    return True


@IAMRoleErrorHandler.deletion_error_handler("detach a managed policy (DetachRolePolicy)")
def detach_policy(client, name, arn):
    client.detach_role_policy(aws_retry=True, RoleName=name, PolicyArn=arn)
    return True


@IAMRoleErrorHandler.common_error_handler("set the inline policy (PutRolePolicy)")
def put_inline_policy(client, name, policy_name, document):
    client.put_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(document))


@IAMRoleErrorHandler.deletion_error_handler("delete an inline policy (DeleteRolePolicy)")
def delete_inline_policy(client, name, policy_name):
    client.delete_role_policy(aws_retry=True, RoleName=name, PolicyName=policy_name)
    return True


@IAMRoleErrorHandler.deletion_error_handler("remove the role from an instance profile (RemoveRoleFromInstanceProfile)")
def remove_from_instance_profile(client, name, profile_name):
    client.remove_role_from_instance_profile(aws_retry=True, RoleName=name, InstanceProfileName=profile_name)
    return True


@IAMRoleErrorHandler.deletion_error_handler("delete the role (DeleteRole)")
def delete_role(client, name):
    client.delete_role(aws_retry=True, RoleName=name)
    return True


def apply_change(client, name, change):
    """Make one change of plan_present()["changes"]."""
    kind, value = change
    if kind == "tag":
        tag_role(client, name, value)
    elif kind == "untag":
        untag_role(client, name, value)
    elif kind == "trust":
        update_trust_policy(client, name, value)
    elif kind == "update":
        update_role(client, name, value)
    elif kind == "boundary":
        if value:
            put_boundary(client, name, value)
        else:
            delete_boundary(client, name)
    elif kind == "detach":
        detach_policy(client, name, value)
    elif kind == "put_policy":
        put_inline_policy(client, name, value[0], value[1])
    elif kind == "delete_policy":
        delete_inline_policy(client, name, value)
    else:
        raise ValueError("unknown change %r" % kind)
