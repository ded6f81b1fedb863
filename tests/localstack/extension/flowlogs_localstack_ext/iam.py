"""IAM roles as strict as AWS for the calls flowlogs.aws.iam_delivery_role makes.

Emulator gaps (checked on LocalStack 4.13.1, moto-ext 5.1.54), each refused here with the error
code the IAM API reference documents for the operation ("IAM and AWS STS quotas" and "IAM JSON
policy elements" in the IAM User Guide for the limits and policy rules):

* ``CreateRole`` accepts a name that differs only in case from an existing role's; AWS refuses it
  with ``EntityAlreadyExists`` ("Names are not distinguished by case").
* ``CreateRole`` accepts a ``Path`` not of the form ``/`` or ``/.../``, and ``CreateRole`` and
  ``UpdateRole`` a ``MaxSessionDuration`` outside 3600 to 43200 seconds: ``ValidationError``.
* ``CreateRole`` and ``TagRole`` accept tag keys starting with ``aws:`` (``InvalidInput``), and
  ``TagRole`` more than 50 tags on a role (``LimitExceeded``).
* ``CreateRole`` and ``UpdateAssumeRolePolicy`` accept a trust policy statement without
  ``Principal`` (``MalformedPolicyDocument``) and a trust policy longer than 2048 characters,
  white space not counted (``LimitExceeded``, the default "Role trust policy length" quota).
* ``CreateRole`` and ``UpdateAssumeRolePolicy`` accept a trust policy whose ``AWS`` principal is
  an IAM role or user that does not exist; AWS refuses it (``MalformedPolicyDocument: Invalid
  principal in policy: "AWS":"ARN"``, as real AWS answered in hashicorp/terraform-provider-aws#8905
  and aws-samples/aws-secure-environment-accelerator#1136: IAM turns a role or user principal into
  its unique id when the policy is saved, "IAM JSON policy elements: Principal", IAM User Guide).
  Account principals (``arn:aws:iam::ACCOUNT:root``, an account id) and ``*`` are not checked:
  every LocalStack account exists.
* ``PutRolePolicy`` accepts a statement with ``Principal`` in an identity policy
  (``MalformedPolicyDocument``) and inline policies of a role adding up to more than 10,240
  characters, white space not counted (``LimitExceeded``, "Role policy size").
* ``CreateRole`` and ``PutRolePermissionsBoundary`` accept a boundary that is a customer managed
  policy of the account that does not exist (``NoSuchEntity``).
* ``UpdateRole`` given only ``Description`` resets ``MaxSessionDuration`` to 3600, and given only
  ``MaxSessionDuration`` clears the description; AWS changes only what is given.

The hook checks the request parameters in moto's ``IamResponse`` handlers, before moto acts.
Test infrastructure only; see the package docstring.
"""

import json
import logging
import re

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

PATH_RE = re.compile(r"^(/|/[\x21-\x7e]+/)$")
TRUST_POLICY_MAX = 2048
ROLE_POLICIES_MAX = 10240
TAGS_MAX = 50


def _size(document):
    """A policy's length as IAM counts it: white space not counted."""
    return len(re.sub(r"\s", "", document or ""))


def _statements(document):
    try:
        policy = json.loads(document)
    except (TypeError, ValueError):
        return []  # moto reports invalid JSON itself
    statements = policy.get("Statement") if isinstance(policy, dict) else None
    if isinstance(statements, dict):
        return [statements]
    return [s for s in statements or [] if isinstance(s, dict)]


def _tag_keys(tags):
    return [tag.get("Key") for tag in tags or [] if isinstance(tag, dict)]


def _check_duration(duration):
    from moto.iam.exceptions import ValidationError

    if duration is not None and not 3600 <= int(duration) <= 43200:
        bound = "greater than or equal to 3600" if int(duration) < 3600 else "less than or equal to 43200"
        raise ValidationError(
            "1 validation error detected: Value '%s' at 'maxSessionDuration' failed to satisfy constraint: "
            "Member must have value %s" % (duration, bound))


def _check_tag_keys(tags):
    from moto.iam.exceptions import InvalidInput

    for key in _tag_keys(tags):
        if (key or "").lower().startswith("aws:"):
            raise InvalidInput("User-defined tag keys can't start with 'aws:' (got %s)" % key)


# An IAM role or user principal: its partition, account, kind and name (the last path segment).
PRINCIPAL_RE = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)/(?:[\x21-\x7e]*/)?([\w+=,.@-]+)$")


def _principal_exists(partition, account, kind, name):
    from moto.iam.models import iam_backends

    backend = iam_backends[account][partition]
    if kind == "user":
        return name in backend.users
    return any(role.name == name for role in backend.get_roles())


def _check_principals(statement):
    from moto.iam.exceptions import MalformedPolicyDocument

    principal = statement.get("Principal")
    values = principal.get("AWS") if isinstance(principal, dict) else None
    for value in [values] if isinstance(values, str) else values or []:
        match = PRINCIPAL_RE.match(value) if isinstance(value, str) else None
        if match and not _principal_exists(*match.groups()):
            raise MalformedPolicyDocument('Invalid principal in policy: "AWS":"%s"' % value)


def _check_trust_policy(document):
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.exceptions import MalformedPolicyDocument

    for statement in _statements(document):
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicyDocument("Missing required field Principal")
        _check_principals(statement)
    if _size(document) > TRUST_POLICY_MAX:
        raise LimitExceededException("Cannot exceed quota for ACLSizePerRole: %d" % TRUST_POLICY_MAX)


def _check_boundary(backend, arn):
    from moto.iam.exceptions import NotFoundException

    if not arn or (":%s:policy/" % backend.account_id) not in arn:
        return  # AWS managed policies (arn:aws:iam::aws:policy/...) are not checked
    if arn not in set(policy.arn for policy in backend.managed_policies.values()):
        raise NotFoundException("Scope ARN: %s does not exist or is not attachable." % arn)


def check_create_role(backend, params):
    from moto.iam.exceptions import EntityAlreadyExists
    from moto.iam.exceptions import ValidationError

    name = params.get("RoleName") or ""
    for role in backend.get_roles():
        if role.name.lower() == name.lower() and role.name != name:
            raise EntityAlreadyExists("Role with name %s already exists." % name)
    path = params.get("Path")
    if path is not None and (not PATH_RE.match(path) or len(path) > 512):
        raise ValidationError(
            "1 validation error detected: Value '%s' at 'path' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)" % path)
    _check_duration(params.get("MaxSessionDuration"))
    _check_tag_keys(params.get("Tags"))
    _check_trust_policy(params.get("AssumeRolePolicyDocument"))
    _check_boundary(backend, params.get("PermissionsBoundary"))


def check_tag_role(backend, name, tags):
    from moto.iam.exceptions import LimitExceededException

    _check_tag_keys(tags)
    role = backend.get_role(name)
    keys = set(_tag_keys(role.tags)) | set(_tag_keys(tags))
    if len(keys) > TAGS_MAX:
        raise LimitExceededException("The number of tags has reached the maximum limit.")


def check_put_role_policy(backend, name, policy_name, document):
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.exceptions import MalformedPolicyDocument

    for statement in _statements(document):
        if "Principal" in statement or "NotPrincipal" in statement:
            raise MalformedPolicyDocument("Policy document should not specify a principal.")
    role = backend.get_role(name)
    others = sum(_size(text if isinstance(text, str) else json.dumps(text))
                 for other, text in role.policies.items() if other != policy_name)
    if others + _size(document) > ROLE_POLICIES_MAX:
        raise LimitExceededException("Maximum policy size of %d bytes exceeded for role %s" % (ROLE_POLICIES_MAX, name))


@hooks.on_infra_start(priority=50)
def flowlogs_strict_iam_roles():
    from localstack.utils.patch import patch
    from moto.core.responses import EmptyResult
    from moto.iam.responses import IamResponse

    if getattr(IamResponse, "flowlogs_strict_iam_roles", False):
        return  # already applied
    IamResponse.flowlogs_strict_iam_roles = True

    def params(response, *names):
        return dict((name, response._get_param(name)) for name in names)

    @patch(IamResponse.create_role)
    def create_role(fn, self):
        check_create_role(self.backend, params(self, "RoleName", "Path", "AssumeRolePolicyDocument",
                                               "PermissionsBoundary", "MaxSessionDuration", "Tags"))
        return fn(self)

    @patch(IamResponse.update_assume_role_policy)
    def update_assume_role_policy(fn, self):
        self.backend.get_role(self._get_param("RoleName"))
        _check_trust_policy(self._get_param("PolicyDocument"))
        return fn(self)

    @patch(IamResponse.tag_role)
    def tag_role(fn, self):
        check_tag_role(self.backend, self._get_param("RoleName"), self._get_param("Tags", []))
        return fn(self)

    @patch(IamResponse.put_role_policy)
    def put_role_policy(fn, self):
        check_put_role_policy(self.backend, self._get_param("RoleName"), self._get_param("PolicyName"),
                              self._get_param("PolicyDocument"))
        return fn(self)

    @patch(IamResponse.put_role_permissions_boundary)
    def put_role_permissions_boundary(fn, self):
        self.backend.get_role(self._get_param("RoleName"))
        _check_boundary(self.backend, self._get_param("PermissionsBoundary"))
        return fn(self)

    @patch(IamResponse.update_role)
    def update_role(fn, self):
        role = self.backend.get_role(self._get_param("RoleName"))
        description = self._get_param("Description")
        duration = self._get_param("MaxSessionDuration")
        _check_duration(duration)
        if description is not None:
            role.description = description
        if duration is not None:
            role.max_session_duration = duration
        return EmptyResult()

    LOG.debug("flowlogs extension: strict IAM roles applied")
