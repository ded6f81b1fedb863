"""EC2 describe calls refuse a filter with too many values, as AWS does.

Emulator gap: moto (behind LocalStack 4.13.1's EC2 provider) accepts any number of values in a
describe call's filter. AWS answers ``FilterLimitExceeded`` ("The request uses too many filters or
too many filter values", Error codes for the Amazon EC2 API,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). The API reference does
not publish the number; 200 values per filter is the bound the collection's callers batch to (its
flow-log calls, and the given-id lookup of the flowlogs_target_info module), so the rule refuses
more than 200, for the describe calls that lookup makes (DescribeVpcs, DescribeSubnets,
DescribeNetworkInterfaces, DescribeTransitGateways) and DescribeFlowLogs.

Test infrastructure only; see the package docstring.
"""

import logging

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

MAX_FILTER_VALUES = 200
CHECKED_ACTIONS = ("DescribeVpcs", "DescribeSubnets", "DescribeNetworkInterfaces", "DescribeTransitGateways",
                   "DescribeFlowLogs")


@hooks.on_infra_start(priority=50)
def flowlogs_ec2_filter_limit():
    from localstack.utils.patch import patch
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses._base_response import EC2BaseResponse

    if getattr(EC2BaseResponse, "flowlogs_filter_limit", False):
        return  # already applied
    EC2BaseResponse.flowlogs_filter_limit = True

    @patch(EC2BaseResponse._filters_from_querystring)
    def filters_from_querystring(fn, self):
        filters = fn(self)
        if self._get_action() in CHECKED_ACTIONS:
            for name, values in filters.items():
                if len(values or []) > MAX_FILTER_VALUES:
                    raise EC2ClientError(
                        "FilterLimitExceeded",
                        "The request uses too many filter values: %d for the filter %s (at most %d)"
                        % (len(values), name, MAX_FILTER_VALUES))
        return filters

    LOG.debug("flowlogs extension: EC2 filter value limit applied")
