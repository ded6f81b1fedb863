# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection settings of one target (an account and a region): one place for all playbooks.

Every playbook of the collection connects each target the same way: region, endpoint, a
profile or keys, and optionally a role of the target account assumed with those credentials
(organization scale: one management identity, one role per member account). This module
validates those ``flowlogs_*`` inventory variables (no AWS call), and turns them, with the
credentials an AssumeRole call returned, into the connection options that module_defaults
hands to every amazon.aws, community.aws and flowlogs.aws module of the target.

Pure logic, no Ansible import: the ``target_connection`` action plugin and its unit tests share it.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

# Inventory variables of a target's connection (documented in roles/flowlogs/meta/argument_specs.yml).
REGION = "flowlogs_region"
ENDPOINT_URL = "flowlogs_endpoint_url"
PROFILE = "flowlogs_profile"
ACCESS_KEY = "flowlogs_access_key"
SECRET_KEY = "flowlogs_secret_key"
ROLE_ARN = "flowlogs_assume_role_arn"
EXTERNAL_ID = "flowlogs_assume_role_external_id"
SESSION_NAME = "flowlogs_assume_role_session_name"
DURATION = "flowlogs_assume_role_duration"
VARIABLES = (REGION, ENDPOINT_URL, PROFILE, ACCESS_KEY, SECRET_KEY, ROLE_ARN, EXTERNAL_ID, SESSION_NAME, DURATION)

DEFAULT_REGION = "us-east-1"
DEFAULT_SESSION_NAME = "flowlogs-aws"
DEFAULT_DURATION = 3600
# AWS STS API Reference, AssumeRole: DurationSeconds "Minimum value of 900. Maximum value of
# 43200" (the role's MaxSessionDuration may lower the maximum; STS then refuses the call).
DURATION_RANGE = (900, 43200)
# AssumeRole: ExternalId "Length Constraints: Minimum length of 2. Maximum length of 1224.
# Pattern: [\w+=,.@:\/-]*"; RoleSessionName "Minimum length of 2. Maximum length of 64.
# Pattern: [\w+=,.@-]*".
EXTERNAL_ID_PATTERN = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
SESSION_NAME_PATTERN = re.compile(r"^[\w+=,.@-]{2,64}$")
# IAM User Guide, IAM identifiers: role names are 1-64 characters of [\w+=,.@-], paths start
# and end with "/".
ROLE_RESOURCE_PATTERN = re.compile(r"^role(/[\x21-\x7e]*)?/[\w+=,.@-]{1,64}$")


class TargetConnectionError(Exception):
    """A target whose role could not be assumed; the message names the account and the role."""


def _text(value):
    if value is None:
        return ""
    return str(value).strip()


def role_account(role_arn):
    """The account id of a role ARN ("" when it is not one)."""
    details = parse_aws_arn(role_arn or "") or {}
    return details.get("account_id") or ""


def role_arn_problem(role_arn):
    """Why role_arn is not an IAM role ARN (None when it is one)."""
    details = parse_aws_arn(role_arn) if role_arn.startswith("arn:") else None
    if (not details or details.get("service") != "iam" or details.get("region")
            or not re.match(r"^\d{12}$", details.get("account_id") or "")
            or not ROLE_RESOURCE_PATTERN.match(details.get("resource") or "")):
        return ("{0!r} is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT_ID:role/NAME, a 12-digit account id)"
                .format(role_arn))
    return None


def check_connection(values, where):
    """Every problem of a target's connection variables, each starting with ``where`` and the variable.

    ``values`` maps the variable names to their (templated) values; ``where`` names the target
    and its inventory source. Nothing here calls AWS.
    """
    problems = []

    def problem(name, text):
        problems.append("{0}: {1}: {2}".format(where, name, text))

    role_arn = _text(values.get(ROLE_ARN))
    assume_only = [name for name in (EXTERNAL_ID, SESSION_NAME, DURATION) if _text(values.get(name))]
    if not role_arn:
        for name in assume_only:
            problem(name, "is set but {0} is not: it only applies when a role is assumed".format(ROLE_ARN))
    else:
        arn_problem = role_arn_problem(role_arn)
        if arn_problem:
            problem(ROLE_ARN, arn_problem)
    external_id = _text(values.get(EXTERNAL_ID))
    if external_id and not EXTERNAL_ID_PATTERN.match(external_id):
        problem(EXTERNAL_ID, "must be 2 to 1224 characters of letters, digits and +=,.@:/- (STS AssumeRole ExternalId)")
    session_name = _text(values.get(SESSION_NAME))
    if session_name and not SESSION_NAME_PATTERN.match(session_name):
        problem(SESSION_NAME, "{0!r} must be 2 to 64 characters of letters, digits and +=,.@- "
                              "(STS AssumeRole RoleSessionName)".format(session_name))
    duration = values.get(DURATION)
    if _text(duration):
        try:
            seconds = int(_text(duration))
        except ValueError:
            seconds = None
        if seconds is None or isinstance(duration, bool) or not DURATION_RANGE[0] <= seconds <= DURATION_RANGE[1]:
            problem(DURATION, "{0!r} must be a number of seconds from {1} to {2} (STS AssumeRole DurationSeconds)"
                    .format(duration, DURATION_RANGE[0], DURATION_RANGE[1]))
    if _text(values.get(PROFILE)) and (_text(values.get(ACCESS_KEY)) or _text(values.get(SECRET_KEY))):
        problem(PROFILE, "and {0}/{1} are both set: give a profile or keys, not both".format(ACCESS_KEY, SECRET_KEY))
    if bool(_text(values.get(ACCESS_KEY))) != bool(_text(values.get(SECRET_KEY))):
        problem(ACCESS_KEY, "and {0} go together: give both or neither".format(SECRET_KEY))
    return problems


def region_of(values, environ):
    """The target's region: flowlogs_region, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1."""
    return (_text(values.get(REGION)) or _text(environ.get("AWS_REGION"))
            or _text(environ.get("AWS_DEFAULT_REGION")) or DEFAULT_REGION)


def base_connection(values, environ):
    """The connection options of the target's own credentials (without any assumed role)."""
    connection = {"region": region_of(values, environ)}
    for option, name in (("endpoint_url", ENDPOINT_URL), ("profile", PROFILE),
                         ("access_key", ACCESS_KEY), ("secret_key", SECRET_KEY)):
        if _text(values.get(name)):
            connection[option] = _text(values.get(name))
    return connection


def assume_role_request(values):
    """The AssumeRole parameters of the target (None when it assumes no role)."""
    role_arn = _text(values.get(ROLE_ARN))
    if not role_arn:
        return None
    request = {
        "RoleArn": role_arn,
        "RoleSessionName": _text(values.get(SESSION_NAME)) or DEFAULT_SESSION_NAME,
        "DurationSeconds": int(_text(values.get(DURATION)) or DEFAULT_DURATION),
    }
    if _text(values.get(EXTERNAL_ID)):
        request["ExternalId"] = _text(values.get(EXTERNAL_ID))
    return request


def assumed_connection(connection, credentials):
    """The connection options with the credentials of an AssumeRole response (the profile is dropped:
    amazon.aws refuses a profile together with keys, and the role's credentials replace it)."""
    assumed = dict((key, value) for key, value in connection.items()
                   if key not in ("profile", "access_key", "secret_key", "session_token"))
    assumed.update(access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                   session_token=credentials["SessionToken"])
    return assumed


def assume_failure(where, request, code, message):
    """The message of a target whose role could not be assumed: the target, the account and the role."""
    return ("{0}: cannot assume role {1} in account {2} (sts:AssumeRole): {3}{4}; this target is skipped, "
            "the others go on. Check that the role exists in that account and trusts the identity running "
            "the playbook{5}".format(where, request["RoleArn"], role_account(request["RoleArn"]) or "?",
                                     "{0}: ".format(code) if code else "", message,
                                     " with this external id" if request.get("ExternalId") else ""))
