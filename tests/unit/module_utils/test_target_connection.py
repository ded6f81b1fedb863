"""The connection settings of a target: checks before any call, the options module_defaults receives."""

import pytest

from ansible_collections.flowlogs.aws.plugins.module_utils import target_connection as tc

WHERE = "target t1 (inventory inv/hosts.yml)"
ROLE = "arn:aws:iam::123456789012:role/OrganizationAccountAccessRole"


def test_a_valid_role_and_its_options_have_no_problem():
    values = {tc.ROLE_ARN: ROLE, tc.EXTERNAL_ID: "org:flowlogs/1", tc.SESSION_NAME: "flowlogs@ci",
              tc.DURATION: "43200", tc.PROFILE: "mgmt"}
    assert tc.check_connection(values, WHERE) == []
    assert tc.assume_role_request(values) == {"RoleArn": ROLE, "RoleSessionName": "flowlogs@ci",
                                              "DurationSeconds": 43200, "ExternalId": "org:flowlogs/1"}


@pytest.mark.parametrize("values, expected", [
    ({tc.ROLE_ARN: "arn:aws:iam::12345678901:role/x"}, "flowlogs_assume_role_arn: 'arn:aws:iam::12345678901:role/x' is not an IAM role ARN"),
    ({tc.ROLE_ARN: "arn:aws:iam::123456789012:user/x"}, "is not an IAM role ARN"),
    ({tc.ROLE_ARN: "arn:aws:s3:::bucket"}, "is not an IAM role ARN"),
    ({tc.ROLE_ARN: "xarn:aws:iam::123456789012:role/x"}, "is not an IAM role ARN"),
    ({tc.ROLE_ARN: ROLE, tc.DURATION: 899}, "flowlogs_assume_role_duration: 899 must be a number of seconds from 900 to 43200"),
    ({tc.ROLE_ARN: ROLE, tc.DURATION: 43201}, "from 900 to 43200"),
    ({tc.ROLE_ARN: ROLE, tc.DURATION: "an hour"}, "from 900 to 43200"),
    ({tc.ROLE_ARN: ROLE, tc.DURATION: True}, "from 900 to 43200"),
    ({tc.ROLE_ARN: ROLE, tc.EXTERNAL_ID: "x"}, "flowlogs_assume_role_external_id: must be 2 to 1224 characters"),
    ({tc.ROLE_ARN: ROLE, tc.EXTERNAL_ID: "has space"}, "flowlogs_assume_role_external_id"),
    ({tc.ROLE_ARN: ROLE, tc.SESSION_NAME: "a" * 65}, "flowlogs_assume_role_session_name"),
    ({tc.EXTERNAL_ID: "abc"}, "flowlogs_assume_role_external_id: is set but flowlogs_assume_role_arn is not"),
    ({tc.PROFILE: "p", tc.ACCESS_KEY: "k", tc.SECRET_KEY: "s"}, "flowlogs_profile: and flowlogs_access_key/flowlogs_secret_key are both set"),
    ({tc.ACCESS_KEY: "k"}, "flowlogs_access_key: and flowlogs_secret_key go together"),
])
def test_each_problem_names_the_target_and_the_variable(values, expected):
    problems = tc.check_connection(values, WHERE)
    assert len(problems) == 1
    assert problems[0].startswith(WHERE + ": ")
    assert expected in problems[0]


def test_region_falls_back_to_the_environment_then_us_east_1():
    assert tc.region_of({tc.REGION: "eu-west-1"}, {"AWS_REGION": "x"}) == "eu-west-1"
    assert tc.region_of({}, {"AWS_REGION": "", "AWS_DEFAULT_REGION": "ap-south-1"}) == "ap-south-1"
    assert tc.region_of({tc.REGION: ""}, {}) == "us-east-1"


def test_base_connection_leaves_out_what_is_not_given():
    values = {tc.REGION: "eu-west-1", tc.ENDPOINT_URL: "http://x", tc.PROFILE: "", tc.ACCESS_KEY: "k", tc.SECRET_KEY: "s"}
    assert tc.base_connection(values, {}) == {"region": "eu-west-1", "endpoint_url": "http://x",
                                              "access_key": "k", "secret_key": "s"}
    assert tc.assume_role_request(values) is None


def test_assumed_credentials_replace_the_profile_and_keys():
    connection = {"region": "eu-west-1", "profile": "mgmt", "endpoint_url": "http://x"}
    assumed = tc.assumed_connection(connection, {"AccessKeyId": "AK", "SecretAccessKey": "SK", "SessionToken": "ST"})
    assert assumed == {"region": "eu-west-1", "endpoint_url": "http://x", "access_key": "AK", "secret_key": "SK",
                       "session_token": "ST"}


def test_a_failure_names_the_account_and_the_role():
    message = tc.assume_failure(WHERE, {"RoleArn": ROLE, "ExternalId": "e1"}, "AccessDenied", "not authorized")
    assert message.startswith(WHERE)
    assert "cannot assume role %s in account 123456789012 (sts:AssumeRole): AccessDenied: not authorized" % ROLE in message
    assert "with this external id" in message
