# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the flowlogs role learns about a target before any change, in one module run.

Used by the flowlogs_target_info module: the caller identity (STS GetCallerIdentity: account,
ARN, user id; the partition from the ARN) and which of the given resource ids exist, by resource
type, describing only those ids.

Each describe call filters on the id (``vpc-id``, ``subnet-id``, ``network-interface-id``,
``transit-gateway-id``, as the DescribeVpcs, DescribeSubnets, DescribeNetworkInterfaces and
DescribeTransitGateways pages of the Amazon EC2 API reference list them) rather than passing the
ids in VpcIds/SubnetIds/...: an id that does not exist is then simply absent from the answer,
where the Ids parameters fail the whole call (InvalidVpcID.NotFound and the like). EC2 refuses a
filter with too many values (FilterLimitExceeded, "Error codes for the Amazon EC2 API"), so the
ids go in batches of FILTER_VALUES_PER_CALL, the bound the collection's flow-log calls use; each
batch is read with the operation's paginator, retried on throttling.
"""

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# As flow_log_api.FILTER_VALUES_PER_CALL (not imported: this module stays light to load).
FILTER_VALUES_PER_CALL = 200

# Resource type (as flow logs name it) -> (operation, filter name, result key, id key).
LOOKUPS = {
    "VPC": ("describe_vpcs", "vpc-id", "Vpcs", "VpcId"),
    "Subnet": ("describe_subnets", "subnet-id", "Subnets", "SubnetId"),
    "NetworkInterface": ("describe_network_interfaces", "network-interface-id", "NetworkInterfaces",
                         "NetworkInterfaceId"),
    "TransitGateway": ("describe_transit_gateways", "transit-gateway-id", "TransitGateways", "TransitGatewayId"),
}
OPERATION_NAMES = {
    "describe_vpcs": "DescribeVpcs",
    "describe_subnets": "DescribeSubnets",
    "describe_network_interfaces": "DescribeNetworkInterfaces",
    "describe_transit_gateways": "DescribeTransitGateways",
}


def resource_id_problems(resource_ids):
    """Problems of the resource_ids option (a dict of type -> list of id strings), each naming it."""
    problems = []
    for kind, ids in sorted((resource_ids or {}).items()):
        if kind not in LOOKUPS:
            problems.append("resource_ids.%s: unknown resource type (valid: %s)" % (kind, ", ".join(sorted(LOOKUPS))))
            continue
        if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids):
            problems.append("resource_ids.%s: must be a list of resource ids" % kind)
    return problems


def identity(answer):
    """The module's caller fields from a GetCallerIdentity answer."""
    return {
        "account": answer["Account"],
        "arn": answer["Arn"],
        "user_id": answer["UserId"],
        "partition": parse_aws_arn(answer["Arn"])["partition"],
    }


def found_ids(kind, pages, wanted):
    """The ids of ``wanted`` present in the described items, in the order given."""
    _operation, _filter, result_key, id_key = LOOKUPS[kind]
    present = set()
    for page in pages:
        for item in page.get(result_key, []):
            present.add(item.get(id_key))
    return [i for i in wanted if i in present]


class StsErrors(AWSErrorHandler):
    """GetCallerIdentity has no missing case."""


class Ec2Errors(AWSErrorHandler):
    """A filter never fails on an id that does not exist: there is no missing case either."""


@StsErrors.common_error_handler("find the caller's identity (GetCallerIdentity)")
def caller_identity(client):
    return identity(client.get_caller_identity(aws_retry=True))


def existing_ids(client, kind, ids):
    """The given ids of ``kind`` that exist: one filtered, paginated describe call per batch."""
    operation, filter_name, _result_key, _id_key = LOOKUPS[kind]

    @Ec2Errors.common_error_handler("describe the given resources ({0})".format(OPERATION_NAMES[operation]))
    @AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30)
    def describe(batch):
        paginator = client.get_paginator(operation)
        return list(paginator.paginate(Filters=[{"Name": filter_name, "Values": batch}]))

    unique = list(dict.fromkeys(ids))
    found = []
    for start in range(0, len(unique), FILTER_VALUES_PER_CALL):
        batch = unique[start:start + FILTER_VALUES_PER_CALL]
        found.extend(found_ids(kind, describe(batch), batch))
    return found
