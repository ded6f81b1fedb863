"""Build a test AWS organization on LocalStack (test infrastructure, not part of the collection).

LocalStack separates accounts by access key id: a 12-digit key id IS the account id, so a
client of account A is a boto3 client whose access key id is A. Organizations is served by
moto through the test extension (tests/localstack/extension: providers.py), and STS AssumeRole
is made as strict as AWS there (sts.py): a role that does not exist in the member account, or
whose trust policy does not name the caller, is refused with AccessDenied. Credentials of an
assumed role are mapped by LocalStack to the role's account, so modules run with them act in
the member account, as on AWS.

What :func:`build_organization` makes, with a fresh management account each time (moto keeps
one organization per management account for the life of the emulator)::

    Root
    |- Security        log-archive          (role)
    |- Workloads
    |  |- Prod         prod-a, prod-b       (role)
    |  `- Dev          dev-a                (role)
    `- Sandbox         sandbox              (NO role: assuming it fails, as on AWS)
                       closed               (closed: not ACTIVE, never a target)

AWS creates OrganizationAccountAccessRole in an account Organizations creates ("Accessing a
member account that has a management account access role", AWS Organizations User Guide), and
so does moto's CreateAccount, with the trust policy AWS gives it (the management account's
root). The sandbox account's role is deleted to stand for a member where the role is missing.
"""

import json
import random

import boto3

ROLE_NAME = "OrganizationAccountAccessRole"
MEMBERS = (
    # name, OU path, has the role
    ("log-archive", ("Security",), True),
    ("prod-a", ("Workloads", "Prod"), True),
    ("prod-b", ("Workloads", "Prod"), True),
    ("dev-a", ("Workloads", "Dev"), True),
    ("sandbox", ("Sandbox",), False),
)


def client(endpoint, account_id, service, region="us-east-1", **credentials):
    """A boto3 client acting in account_id (LocalStack: the access key id is the account id)."""
    return boto3.session.Session(
        aws_access_key_id=credentials.get("access_key", account_id),
        aws_secret_access_key=credentials.get("secret_key", "test"),
        aws_session_token=credentials.get("session_token"),
        region_name=region,
    ).client(service, endpoint_url=endpoint)


def trust_policy(management_id, external_id=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % management_id},
                 "Action": "sts:AssumeRole"}
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def create_access_role(endpoint, account_id, management_id, role_name=ROLE_NAME, external_id=None):
    """A role the management account may assume (with external_id: only when it gives that id)."""
    iam = client(endpoint, account_id, "iam")
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=trust_policy(management_id, external_id))
    iam.attach_role_policy(RoleName=role_name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    return "arn:aws:iam::%s:role/%s" % (account_id, role_name)


def delete_role(endpoint, account_id, role_name=ROLE_NAME):
    iam = client(endpoint, account_id, "iam")
    for policy in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=role_name, PolicyArn=policy["PolicyArn"])
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        iam.delete_role_policy(RoleName=role_name, PolicyName=name)
    iam.delete_role(RoleName=role_name)


def build_organization(endpoint):
    """Create the organization above; return its ids (accounts by name, OUs by path)."""
    management_id = "%012d" % random.randrange(10 ** 11, 10 ** 12)
    org = client(endpoint, management_id, "organizations")
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    ous = {(): root_id}

    def ou(path):
        if path not in ous:
            parent = ou(path[:-1])
            ous[path] = org.create_organizational_unit(ParentId=parent, Name=path[-1])["OrganizationalUnit"]["Id"]
        return ous[path]

    accounts = {"management": management_id}
    roles = {}
    for name, path, has_role in MEMBERS + (("closed", ("Sandbox",), True),):
        status = org.create_account(AccountName=name, Email="%s-%s@example.com" % (name, management_id))
        account_id = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou(path))
        accounts[name] = account_id
        if has_role:
            roles[name] = "arn:aws:iam::%s:role/%s" % (account_id, ROLE_NAME)
        else:
            delete_role(endpoint, account_id)
    org.close_account(AccountId=accounts["closed"])
    return {
        "management": management_id,
        "root": root_id,
        "ous": dict(("/".join(path), ou_id) for path, ou_id in ous.items() if path),
        "accounts": accounts,
        "roles": roles,
    }
