"""STS AssumeRole as strict as AWS about the role and its trust policy.

Emulator gap: LocalStack 4.13.1 answers AssumeRole for any role ARN, even a role that
does not exist in the target account, and never reads the role's trust policy. AWS
refuses both with ``AccessDenied`` (HTTP 403, "User: ... is not authorized to perform:
sts:AssumeRole on resource: ..."), and the collection's organization support depends on
that: a member account whose OrganizationAccountAccessRole is missing must fail alone.

The hook wraps LocalStack's own ``StsProvider.assume_role``: before LocalStack (and
moto) issue credentials it checks, in the target account's IAM (moto's backend, the one
LocalStack's IAM provider serves), that the role exists and that its trust policy has an
Allow statement for sts:AssumeRole whose AWS principal is ``*``, the caller's account id,
its root ARN or the caller's role, and whose ``sts:ExternalId`` condition, if any, equals
the ExternalId given (IAM User Guide, "How to use an external ID when granting access to
your AWS resources to a third party"). Other condition keys are not evaluated.
LocalStack then maps the issued access key to the role's account, so requests signed
with it act in that account.

Test infrastructure only; see the package docstring.
"""

import logging

from localstack.aws.api import CommonServiceException
from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


class AccessDenied(CommonServiceException):
    def __init__(self, message: str):
        super().__init__("AccessDenied", message, status_code=403, sender_fault=True)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _caller_principals(context):
    """The principals a trust policy may name for the caller: its account and, for a role session, the role."""
    from localstack.utils.aws.request_context import extract_access_key_id_from_auth_header
    from moto.sts.models import sts_backends

    account_id = context.account_id
    principals = {account_id, "arn:%s:iam::%s:root" % (context.partition, account_id)}
    caller_arn = "arn:%s:iam::%s:root" % (context.partition, account_id)
    access_key_id = extract_access_key_id_from_auth_header(context.request.headers) or ""
    assumed = sts_backends[account_id][context.partition].get_assumed_role_from_access_key(access_key_id)
    if assumed is not None:
        principals.add(assumed.role_arn)
        caller_arn = assumed.arn
        principals.add(caller_arn)
    return principals, caller_arn


def _trusts(policy, principals, external_id):
    import json

    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return False
    for statement in _as_list((policy or {}).get("Statement")):
        if statement.get("Effect") != "Allow":
            continue
        actions = [action.lower() for action in _as_list(statement.get("Action"))]
        if not {"sts:assumerole", "sts:*", "*"} & set(actions):
            continue
        principal = statement.get("Principal")
        names = {"*"} if principal == "*" else set(_as_list((principal or {}).get("AWS")))
        if not names & (principals | {"*"}):
            continue
        condition = statement.get("Condition") or {}
        wanted = (condition.get("StringEquals") or {}).get("sts:ExternalId")
        if wanted is not None and external_id not in _as_list(wanted):
            continue
        return True
    return False


def check_assume_role(context, role_arn, external_id):
    """Raise AccessDenied as AWS does when the role does not exist or does not trust the caller."""
    from localstack.utils.aws.arns import extract_account_id_from_arn
    from moto.iam.models import iam_backends

    principals, caller_arn = _caller_principals(context)
    denied = AccessDenied(
        "User: %s is not authorized to perform: sts:AssumeRole on resource: %s" % (caller_arn, role_arn)
    )
    account_id = extract_account_id_from_arn(role_arn) or context.account_id
    try:
        role = iam_backends[account_id][context.partition].get_role_by_arn(role_arn)
    except Exception:  # moto's IAMNotFoundException: AWS says AccessDenied, not NoSuchEntity
        raise denied
    if not _trusts(role.assume_role_policy_document, principals, external_id):
        raise denied


@hooks.on_infra_start(priority=50)
def flowlogs_strict_assume_role():
    from localstack.services.sts.provider import StsProvider
    from localstack.utils.patch import patch

    @patch(StsProvider.assume_role)
    def assume_role(fn, self, context, role_arn, role_session_name, *args, **kwargs):
        external_id = kwargs.get("external_id")
        if external_id is None and len(args) >= 6:
            external_id = args[5]
        check_assume_role(context, role_arn, external_id)
        return fn(self, context, role_arn, role_session_name, *args, **kwargs)

    LOG.debug("flowlogs extension: strict STS AssumeRole applied")
