"""AWS Account Management ListRegions / GetRegionOptStatus / EnableRegion / DisableRegion.

Emulator gap: neither LocalStack's free edition nor moto serves the Account Management
API, which the ``flowlogs.aws.organization`` inventory plugin calls (ListRegions with an
AccountId, from the management account) to know the regions enabled in each account.
These handlers follow the AWS Account Management API Reference:

* a region is ENABLED_BY_DEFAULT unless it is an opt-in region ("Specify which AWS
  Regions your account can use", AWS Account Management Reference Guide), which is
  DISABLED until EnableRegion;
* with an ``AccountId`` other than the caller's, the caller must be the management
  account of an organization that holds that account, else AccessDeniedException
  ("To use this parameter, the caller must be an identity in the organization's
  management account ... The specified account ID must be a member account in the same
  organization"); the organization comes from moto's Organizations backend, the one the
  ``organizations`` provider serves.

The opt-in statuses live in memory, per account. Test infrastructure only; see the
package docstring.
"""

from localstack.aws.api import CommonServiceException

# Opt-in regions of the aws partition (AWS General Reference, "AWS Regions": "Regions
# introduced after March 20, 2019 are disabled by default").
OPT_IN_REGIONS = frozenset((
    "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1",
    "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
))
STATUSES = frozenset(("ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT"))

# account id -> region -> status set by EnableRegion/DisableRegion
_OPT_IN = {}


class AccessDeniedException(CommonServiceException):
    def __init__(self, message: str):
        super().__init__("AccessDeniedException", message, status_code=403, sender_fault=True)


class ValidationException(CommonServiceException):
    def __init__(self, message: str):
        super().__init__("ValidationException", message, status_code=400, sender_fault=True)


def _regions():
    import boto3

    return sorted(boto3.session.Session().get_available_regions("ec2", partition_name="aws"))


def _status(account_id, region):
    if region in _OPT_IN.get(account_id, {}):
        return _OPT_IN[account_id][region]
    return "DISABLED" if region in OPT_IN_REGIONS else "ENABLED_BY_DEFAULT"


def _account(context, request):
    """The account the request is about, refusing what AWS refuses."""
    account_id = request.get("AccountId")
    if not account_id or account_id == context.account_id:
        return context.account_id
    from moto.organizations.models import organizations_backends

    management = organizations_backends.master_accounts.get(account_id)
    if not management or management[0] != context.account_id:
        raise AccessDeniedException(
            "User: arn:aws:iam::%s:root is not authorized to perform: account:ListRegions on resource: "
            "arn:aws:account::%s:account (the account is not a member of the caller's organization, "
            "or the caller is not its management account)" % (context.account_id, account_id)
        )
    return account_id


def _region(request):
    name = request.get("RegionName") or ""
    if name not in _regions():
        raise ValidationException("Invalid region-name: %s" % name)
    return name


def list_regions(context, request):
    account_id = _account(context, request)
    wanted = request.get("RegionOptStatusContains") or []
    for status in wanted:
        if status not in STATUSES:
            raise ValidationException("Invalid RegionOptStatusContains value: %s" % status)
    regions = [{"RegionName": name, "RegionOptStatus": _status(account_id, name)} for name in _regions()]
    if wanted:
        regions = [region for region in regions if region["RegionOptStatus"] in wanted]
    return {"Regions": regions}


def get_region_opt_status(context, request):
    account_id = _account(context, request)
    name = _region(request)
    return {"RegionName": name, "RegionOptStatus": _status(account_id, name)}


def enable_region(context, request):
    account_id = _account(context, request)
    name = _region(request)
    if name not in OPT_IN_REGIONS:
        raise ValidationException("%s is enabled by default and cannot be enabled or disabled" % name)
    _OPT_IN.setdefault(account_id, {})[name] = "ENABLED"
    return {}


def disable_region(context, request):
    account_id = _account(context, request)
    name = _region(request)
    if name not in OPT_IN_REGIONS:
        raise ValidationException("%s is enabled by default and cannot be enabled or disabled" % name)
    _OPT_IN.setdefault(account_id, {})[name] = "DISABLED"
    return {}


HANDLERS = {
    "ListRegions": list_regions,
    "GetRegionOptStatus": get_region_opt_status,
    "EnableRegion": enable_region,
    "DisableRegion": disable_region,
}
