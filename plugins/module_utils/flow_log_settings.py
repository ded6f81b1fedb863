# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired flow-log settings: validation, normalisation and comparison.

Pure logic, no AWS calls: everything here runs before the first API request, so bad
input is rejected before anything is created. The flow-log modules and their unit
tests share it.
"""

import re
from collections import OrderedDict
from collections import namedtuple

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import S3_BUCKET_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import normalize_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import tag_field_specification_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import marker_problems

# Every value of the EC2 API's FlowLogsResourceType, in one table: the family decides the
# rules, the pattern and example check ids before any call, max_ids bounds one CreateFlowLogs.
# Rules (CreateFlowLogs, Amazon EC2 API Reference,
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html):
# - TrafficType "is not supported for transit gateway or Cloud WAN resource types. It is
#   required for the other resource types"; MaxAggregationInterval "must be 60 seconds for
#   transit gateway and Cloud WAN resource types".
# - ResourceIds: "Maximum of 25 for transit gateway resource types. Maximum of 300 for the
#   other resource types." The same page names "transit gateway or Cloud WAN" together wherever
#   a rule covers both, so the 25 applies to TransitGateway and TransitGatewayAttachment only
#   (as "Create and manage AWS Transit Gateway Flow Logs using APIs or the CLI" says:
#   https://docs.aws.amazon.com/vpc/latest/tgw/flow-logs-api-cli.html); Cloud WAN types get 300.
# Id forms: EC2 ids (vpc-, subnet-, eni-, nat- for NAT gateways, regional ones included,
# tgw-, tgw-attach-); Cloud WAN ids as the AWS Network Manager API Reference patterns them
# (CoreNetworkId ^core-network-([0-9a-f]{8,17})$, AttachmentId ^attachment-([0-9a-f]{8,17})$).
# arn: the service and resource type of the resource's ARN (Service Authorization Reference,
# "Resource types defined by Amazon EC2": arn:PARTITION:ec2:REGION:ACCOUNT:vpc/ID, subnet/ID,
# network-interface/ID, natgateway/ID, transit-gateway/ID, transit-gateway-attachment/ID;
# "... by AWS Network Manager", a global service: arn:PARTITION:networkmanager::ACCOUNT:core-network/ID,
# attachment/ID), which the cross-account Firehose source role names (iam:AssociatedResourceARN).
VPC_FAMILY, TRANSIT_GATEWAY_FAMILY, CLOUD_WAN_FAMILY = "vpc", "transit-gateway", "cloud-wan"
ResourceType = namedtuple("ResourceType", "family pattern example max_ids arn")
RESOURCE_TYPES = OrderedDict([
    ("VPC", ResourceType(VPC_FAMILY, re.compile(r"^vpc-[0-9a-f]{8,17}$"), "vpc-0123456789abcdef0", 300,
                         ("ec2", "vpc"))),
    ("Subnet", ResourceType(VPC_FAMILY, re.compile(r"^subnet-[0-9a-f]{8,17}$"), "subnet-0123456789abcdef0", 300,
                            ("ec2", "subnet"))),
    ("NetworkInterface", ResourceType(VPC_FAMILY, re.compile(r"^eni-[0-9a-f]{8,17}$"), "eni-0123456789abcdef0", 300,
                                      ("ec2", "network-interface"))),
    ("RegionalNatGateway", ResourceType(VPC_FAMILY, re.compile(r"^nat-[0-9a-f]{8,17}$"), "nat-0123456789abcdef0", 300,
                                        ("ec2", "natgateway"))),
    ("TransitGateway", ResourceType(TRANSIT_GATEWAY_FAMILY, re.compile(r"^tgw-[0-9a-f]{8,17}$"),
                                    "tgw-0123456789abcdef0", 25,
                                    ("ec2", "transit-gateway"))),
    ("TransitGatewayAttachment", ResourceType(TRANSIT_GATEWAY_FAMILY, re.compile(r"^tgw-attach-[0-9a-f]{8,17}$"),
                                              "tgw-attach-0123456789abcdef0", 25,
                                              ("ec2", "transit-gateway-attachment"))),
    ("CoreNetwork", ResourceType(CLOUD_WAN_FAMILY, re.compile(r"^core-network-[0-9a-f]{8,17}$"),
                                 "core-network-0123456789abcdef0", 300,
                                 ("networkmanager", "core-network"))),
    ("CoreNetworkAttachment", ResourceType(CLOUD_WAN_FAMILY, re.compile(r"^attachment-[0-9a-f]{8,17}$"),
                                           "attachment-0123456789abcdef0", 300,
                                           ("networkmanager", "attachment"))),
])
# Values of FlowLogsResourceType the module refuses before any call, and why.
UNSUPPORTED_RESOURCE_TYPES = {
    "CoreNetworkEdge": (
        "AWS documents no resource id form for a core network edge (the CreateFlowLogs reference and "
        "'AWS Cloud WAN Flow Logs' describe none, and a core network edge has no id of its own in the "
        "Network Manager API, only its core network and edge location), so its ids could not be checked "
        "nor its flow logs recognised on the next run; log the core network (CoreNetwork) or its "
        "attachments (CoreNetworkAttachment) instead"
    ),
}
# Resource types whose flow logs take no traffic type and only the 60 s interval.
NO_TRAFFIC_TYPE_FAMILIES = frozenset([TRANSIT_GATEWAY_FAMILY, CLOUD_WAN_FAMILY])
TRANSIT_GATEWAY_TYPES = frozenset(name for name, t in RESOURCE_TYPES.items() if t.family == TRANSIT_GATEWAY_FAMILY)

AGGREGATION_INTERVALS = (60, 600)

_PARTITION = r"arn:aws(?:-[a-z]+)*"
# An IAM role ARN: its account, and its name after the path (a role name has no '/').
ROLE_ARN = re.compile(r"^arn:(?P<partition>aws(?:-[a-z]+)*):iam::(?P<account>\d{12}):role/(?:[\w+=,.@/-]*/)?"
                      r"(?P<name>[\w+=,.@-]{1,64})$")
LOG_GROUP_NAME = re.compile(r"^[.\-_/#A-Za-z0-9]{1,512}$")
LOG_GROUP_ARN = re.compile(
    r"^" + _PARTITION + r":logs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):log-group:(?P<name>[.\-_/#A-Za-z0-9]{1,512}?)(?::\*)?$"
)
S3_ARN = re.compile(r"^" + _PARTITION + r":s3:::(?P<bucket>[^/]+)(?P<prefix>/.*)?$")
FIREHOSE_ARN = re.compile(
    r"^" + _PARTITION + r":firehose:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):deliverystream/(?P<name>[A-Za-z0-9._-]{1,64})$"
)

# Every member of the EC2 API's CreateFlowLogsRequest and FlowLog shapes, and what the modules do
# with it. tests/unit/modules/test_flow_log_api_contract.py compares these with the installed
# botocore model, so a member AWS adds fails the tests until it is handled here.
CREATE_FLOW_LOGS_MEMBERS = {
    "DryRun": "not sent: check mode plans from DescribeFlowLogs instead",
    "ClientToken": "a fresh UUID per CreateFlowLogs call, kept across throttling retries",
    "ResourceIds": "resource_ids, in batches of max_resource_ids(resource_type)",
    "ResourceType": "resource_type",
    "TrafficType": "traffic_type (never for transit gateway and Cloud WAN types)",
    "LogDestinationType": "log_destination_type",
    "LogDestination": "log_destination",
    "LogGroupName": "log_group_name",
    "DeliverLogsPermissionArn": "deliver_logs_permission_arn",
    "DeliverCrossAccountRole": "deliver_cross_account_role",
    "LogFormat": "log_format, normalised (the VPC default when omitted; AWS's own default for the others)",
    "MaxAggregationInterval": "max_aggregation_interval",
    "DestinationOptions": "destination_options, completed with AWS's defaults",
    "TagFieldSpecifications": "tag_field_specifications",
    "TagSpecifications": "tags, always with the ownership marker",
}
FLOW_LOG_MEMBERS = {
    "CreationTime": "reported",
    "DeliverLogsErrorMessage": "reported; fails the task with wait",
    "DeliverLogsPermissionArn": "compared",
    "DeliverCrossAccountRole": "compared",
    "DeliverLogsStatus": "reported; fails the task with wait",
    "FlowLogId": "reported; flow_log_ids",
    "FlowLogStatus": "reported; awaited with wait",
    "LogGroupName": "identity (destination)",
    "ResourceId": "identity",
    "TrafficType": "identity",
    "LogDestinationType": "identity",
    "LogDestination": "identity (destination)",
    "LogFormat": "compared; parsed into log_format_fields",
    "Tags": "ownership marker and tags",
    "MaxAggregationInterval": "compared",
    "DestinationOptions": "compared",
    "TagFieldSpecifications": "compared",
}

DEFAULT_DESTINATION_OPTIONS = {"FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False}

# Names used in messages, keyed by the normalised setting.
SETTING_LABELS = {
    "log_format": "log_format",
    "max_aggregation_interval": "max_aggregation_interval",
    "deliver_logs_permission_arn": "deliver_logs_permission_arn",
    "deliver_cross_account_role": "deliver_cross_account_role",
    "destination_options": "destination_options",
    "tag_field_specifications": "tag_field_specifications",
}


class FlowLogSettingsError(ValueError):
    """Raised with every problem found in the parameters, one per line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super(FlowLogSettingsError, self).__init__("; ".join(self.problems))


def chunks(items, size):
    """Split a list into lists of at most size items."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def max_resource_ids(resource_type):
    """How many ResourceIds one CreateFlowLogs may carry for this resource type."""
    return RESOURCE_TYPES[resource_type].max_ids


def takes_traffic_type(resource_type):
    """False for transit gateway and Cloud WAN types: AWS refuses a TrafficType for them."""
    return RESOURCE_TYPES[resource_type].family not in NO_TRAFFIC_TYPE_FAMILIES


def log_group_from_destination(log_destination):
    """Log group name from a CloudWatch Logs ARN, with or without the ':*' suffix."""
    match = LOG_GROUP_ARN.match(log_destination or "")
    return match.group("name") if match else None


def normalize_s3_destination(log_destination):
    """Canonical S3 destination: 'arn:...:s3:::bucket[/prefix]' without trailing slashes."""
    match = S3_ARN.match(log_destination or "")
    if not match:
        return log_destination
    prefix = (match.group("prefix") or "").strip("/")
    base = log_destination[: match.start("bucket")] + match.group("bucket")
    return base + ("/" + prefix if prefix else "")


def destination_key(log_destination_type, log_group_name=None, log_destination=None):
    """What identifies a destination: the log group name, or the normalised ARN."""
    if log_destination_type == "cloud-watch-logs":
        return log_group_name or log_group_from_destination(log_destination)
    if log_destination_type == "s3":
        return normalize_s3_destination(log_destination)
    return log_destination


def _check_resources(params, problems):
    resource_type = params["resource_type"]
    ids = params.get("resource_ids") or []
    pattern = RESOURCE_TYPES[resource_type].pattern
    bad = [rid for rid in ids if not pattern.match(str(rid))]
    if bad:
        problems.append(
            "resource_ids {0} do not look like {1} ids (expected e.g. {2})".format(
                ", ".join(str(b) for b in bad), resource_type, RESOURCE_TYPES[resource_type].example
            )
        )
    seen, duplicates = set(), []
    for rid in ids:
        if rid in seen and rid not in duplicates:
            duplicates.append(rid)
        seen.add(rid)
    if duplicates:
        problems.append("resource_ids lists {0} more than once".format(", ".join(duplicates)))


def _check_traffic_and_interval(params, problems):
    resource_type = params["resource_type"]
    fixed = not takes_traffic_type(resource_type)
    if fixed and params.get("traffic_type"):
        problems.append("traffic_type is not supported for resource_type {0}; omit it".format(resource_type))
    interval = params.get("max_aggregation_interval")
    if interval is not None and interval not in AGGREGATION_INTERVALS:
        problems.append("max_aggregation_interval must be 60 or 600, got {0}".format(interval))
    elif fixed and interval not in (None, 60):
        problems.append("max_aggregation_interval must be 60 for resource_type {0}, got {1}".format(resource_type, interval))


def _check_role_arn(name, value, problems):
    if value is not None and not ROLE_ARN.match(value):
        problems.append(
            "{0} must be an IAM role ARN like arn:aws:iam::123456789012:role/flow-logs, got {1!r}".format(name, value)
        )


def _check_cloudwatch(params, problems, region):
    group, arn = params.get("log_group_name"), params.get("log_destination")
    if group and arn:
        problems.append("log_group_name and log_destination are mutually exclusive; give one of them")
    elif not group and not arn:
        problems.append("log_destination_type cloud-watch-logs needs log_group_name or log_destination (a log group ARN)")
    if group and not LOG_GROUP_NAME.match(group):
        problems.append(
            "log_group_name {0!r} is not a valid log group name (1-512 characters of A-Z a-z 0-9 . - _ / #)".format(group)
        )
    if arn:
        match = LOG_GROUP_ARN.match(arn)
        if not match:
            problems.append(
                "log_destination {0!r} is not a CloudWatch Logs log group ARN "
                "(arn:aws:logs:REGION:ACCOUNT:log-group:NAME)".format(arn)
            )
        elif region and match.group("region") != region:
            problems.append(
                "log_destination {0!r} is in region {1}, but the flow logs are created in {2}".format(
                    arn, match.group("region"), region
                )
            )
    if params.get("state", "present") == "present" and not params.get("deliver_logs_permission_arn"):
        problems.append(
            "log_destination_type cloud-watch-logs needs deliver_logs_permission_arn (the IAM role VPC Flow Logs assumes)"
        )


def _check_s3(params, problems):
    arn = params.get("log_destination")
    if params.get("log_group_name"):
        problems.append("log_group_name is only valid with log_destination_type cloud-watch-logs")
    if params.get("deliver_logs_permission_arn"):
        problems.append("deliver_logs_permission_arn is not applicable for s3 delivery; remove it")
    if not arn:
        problems.append("log_destination_type s3 needs log_destination (arn:aws:s3:::BUCKET[/PREFIX/])")
        return
    match = S3_ARN.match(arn)
    if not match:
        problems.append("log_destination {0!r} is not an S3 ARN (arn:aws:s3:::BUCKET[/PREFIX/])".format(arn))
        return
    if not S3_BUCKET_NAME.match(match.group("bucket")):
        problems.append("log_destination {0!r} names an invalid bucket {1!r}".format(arn, match.group("bucket")))
    prefix = (match.group("prefix") or "").strip("/")
    if prefix.split("/")[0] == "AWSLogs":
        problems.append("log_destination prefix may not be AWSLogs (AWS adds AWSLogs/ itself): {0!r}".format(arn))
    if "//" in (match.group("prefix") or "").rstrip("/"):
        problems.append("log_destination prefix {0!r} contains an empty path segment".format(arn))


def _check_firehose(params, problems):
    arn = params.get("log_destination")
    if params.get("log_group_name"):
        problems.append("log_group_name is only valid with log_destination_type cloud-watch-logs")
    if not arn:
        problems.append("log_destination_type kinesis-data-firehose needs log_destination (a delivery stream ARN)")
    elif not FIREHOSE_ARN.match(arn):
        problems.append(
            "log_destination {0!r} is not a Firehose delivery stream ARN "
            "(arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME)".format(arn)
        )
    # CreateFlowLogs requires DeliverLogsPermissionArn whenever delivery crosses accounts.
    if params.get("deliver_cross_account_role") and not params.get("deliver_logs_permission_arn"):
        problems.append(
            "deliver_cross_account_role needs deliver_logs_permission_arn (the source-account role "
            "VPC Flow Logs assumes for cross-account Firehose delivery)"
        )


def _check_destination(params, problems, region):
    destination_type = params["log_destination_type"]
    if destination_type == "cloud-watch-logs":
        _check_cloudwatch(params, problems, region)
    elif destination_type == "s3":
        _check_s3(params, problems)
    else:
        _check_firehose(params, problems)
    if params.get("destination_options") and destination_type != "s3":
        problems.append("destination_options are only valid with log_destination_type s3")
    if params.get("deliver_cross_account_role") and destination_type != "kinesis-data-firehose":
        problems.append("deliver_cross_account_role is only valid with log_destination_type kinesis-data-firehose")
    _check_role_arn("deliver_logs_permission_arn", params.get("deliver_logs_permission_arn"), problems)
    _check_role_arn("deliver_cross_account_role", params.get("deliver_cross_account_role"), problems)


def _destination_options(params):
    if params["log_destination_type"] != "s3":
        return None
    given = params.get("destination_options") or {}
    options = dict(DEFAULT_DESTINATION_OPTIONS)
    if given.get("file_format") is not None:
        options["FileFormat"] = given["file_format"]
    if given.get("hive_compatible_partitions") is not None:
        options["HiveCompatiblePartitions"] = bool(given["hive_compatible_partitions"])
    if given.get("per_hour_partition") is not None:
        options["PerHourPartition"] = bool(given["per_hour_partition"])
    return options


def build_desired(params, region=None, require_resources=True):
    """Validate module parameters and return the normalised desired settings.

    Raises FlowLogSettingsError listing every problem. No AWS call is made. With
    require_resources false, an empty resource_ids is valid (a definition that resolved to no
    resource: its settings are still checked, and nothing is called for it).
    """
    problems = []
    if params.get("resource_type") in UNSUPPORTED_RESOURCE_TYPES:
        raise FlowLogSettingsError(["resource_type {0} is not supported: {1}".format(
            params["resource_type"], UNSUPPORTED_RESOURCE_TYPES[params["resource_type"]])])
    if params.get("resource_type") not in RESOURCE_TYPES:
        raise FlowLogSettingsError(
            ["resource_type must be one of {0}".format(", ".join(sorted(RESOURCE_TYPES)))]
        )
    if require_resources and not params.get("resource_ids"):
        problems.append("resource_ids must list at least one {0} id".format(params["resource_type"]))
    _check_resources(params, problems)
    _check_traffic_and_interval(params, problems)
    _check_destination(params, problems, region)
    problems.extend(marker_problems(params.get("tags")))
    resource_type = params["resource_type"]
    fixed = not takes_traffic_type(resource_type)
    given_format, specs = params.get("log_format"), params.get("tag_field_specifications")
    if specs is not None:
        problems.extend(tag_field_specification_problems(given_format, specs, field="tag_field_specifications"))
    log_format = None
    if not (fixed and given_format is None):
        # Transit gateway and Cloud WAN flow logs keep AWS's own default format when none is
        # given (not sent, any accepted); the others send the VPC default explicitly.
        try:
            # Checked against the records of resource_type; tag fields (${instance-tag}...) need
            # tag_field_specifications, which were checked above.
            parse_format(given_format, tag_field_specifications=True if specs else None, resource_type=resource_type)
            log_format = normalize_format(given_format, resource_type=resource_type)
        except FlowLogFormatError as e:
            problems.append(str(e))
    if problems:
        raise FlowLogSettingsError(problems)
    tag_specs = tag_field_specifications_request(specs)
    interval = params.get("max_aggregation_interval")
    if interval is None:
        interval = 60 if fixed else 600
    destination_type = params["log_destination_type"]
    # Creating defaults to ALL; deleting without a traffic type matches any.
    default_traffic = "ALL" if params.get("state", "present") == "present" else None
    return {
        "resource_type": resource_type,
        "resource_ids": list(params.get("resource_ids") or []),
        "traffic_type": None if fixed else (params.get("traffic_type") or default_traffic),
        "log_destination_type": destination_type,
        "log_group_name": params.get("log_group_name"),
        "log_destination": params.get("log_destination"),
        "destination": destination_key(destination_type, params.get("log_group_name"), params.get("log_destination")),
        "deliver_logs_permission_arn": params.get("deliver_logs_permission_arn"),
        "deliver_cross_account_role": params.get("deliver_cross_account_role"),
        "log_format": log_format,
        "max_aggregation_interval": interval,
        "destination_options": _destination_options(params),
        "tag_field_specifications": tag_specs,
    }


def tag_field_specifications_request(specs):
    """The module's [{resource_type, tag_keys}] as CreateFlowLogs' TagFieldSpecifications, in a
    canonical order (by resource type; the order of tag_keys matters: the first key feeds
    ${...-tag}, the second ${...-tag-2}), or None when there are none."""
    if not specs:
        return None
    return sorted(
        ({"ResourceType": spec.get("resource_type") or spec.get("ResourceType"),
          "TagKeys": list(spec.get("tag_keys") or spec.get("TagKeys") or [])} for spec in specs),
        key=lambda spec: spec["ResourceType"] or "",
    )


def tag_field_specifications_result(specs):
    """TagFieldSpecifications as the modules return them (snake_case)."""
    if not specs:
        return None
    return [{"resource_type": spec["ResourceType"], "tag_keys": list(spec["TagKeys"])}
            for spec in tag_field_specifications_request(specs)]


def resource_type_of(resource_id):
    """The resource type an id belongs to (from its form), or None when no type matches."""
    for name, resource_type in RESOURCE_TYPES.items():
        if resource_type.pattern.match(resource_id or ""):
            return name
    return None


def _existing_format(log_format, resource_type=None):
    """Normalise a format read from AWS; keep it verbatim if it has fields this catalogue lacks."""
    try:
        return normalize_format(log_format, resource_type=resource_type)
    except FlowLogFormatError:
        return " ".join((log_format or "").split())


def normalize_existing(flow_log):
    """The settings of a DescribeFlowLogs entry, in the shape build_desired returns.

    DescribeFlowLogs gives no resource type: it is read from the resource id's form.
    """
    destination_type = flow_log.get("LogDestinationType") or "cloud-watch-logs"
    options = None
    if destination_type == "s3":
        options = dict(DEFAULT_DESTINATION_OPTIONS)
        options.update(flow_log.get("DestinationOptions") or {})
    return {
        "resource_id": flow_log.get("ResourceId"),
        "traffic_type": flow_log.get("TrafficType"),
        "log_destination_type": destination_type,
        "destination": destination_key(destination_type, flow_log.get("LogGroupName"), flow_log.get("LogDestination")),
        "deliver_logs_permission_arn": flow_log.get("DeliverLogsPermissionArn"),
        "deliver_cross_account_role": flow_log.get("DeliverCrossAccountRole"),
        "log_format": _existing_format(flow_log.get("LogFormat"), resource_type_of(flow_log.get("ResourceId"))),
        "max_aggregation_interval": flow_log.get("MaxAggregationInterval") or 600,
        "destination_options": options,
        # DescribeFlowLogs returns them as sent; compare in the same canonical order.
        "tag_field_specifications": tag_field_specifications_request(flow_log.get("TagFieldSpecifications")),
    }


def same_identity(existing, desired):
    """A flow log is 'the same one' when resource, destination and traffic type match."""
    return (
        existing["log_destination_type"] == desired["log_destination_type"]
        and existing["destination"] == desired["destination"]
        # Transit gateway flow logs have no traffic type: any reported one is not part of the identity.
        and (desired["traffic_type"] is None or existing["traffic_type"] == desired["traffic_type"])
    )


def matches_filter(existing, desired):
    """For state=absent: destination must match; traffic type only when one was given."""
    if existing["log_destination_type"] != desired["log_destination_type"]:
        return False
    if existing["destination"] != desired["destination"]:
        return False
    return not desired.get("traffic_type") or existing["traffic_type"] == desired["traffic_type"]


def differences(existing, desired):
    """The immutable settings that differ, as (name, current, wanted) tuples."""
    found = []
    for key in SETTING_LABELS:
        if key == "log_format" and desired.get(key) is None:
            continue  # AWS's default format for the resource type was asked for: any is accepted.
        if (existing.get(key) or None) != (desired.get(key) or None):
            found.append((SETTING_LABELS[key], existing.get(key), desired.get(key)))
    return found


def describe_differences(resource_id, flow_log_id, diffs):
    parts = ["{0}: {1!r} -> {2!r}".format(name, current, wanted) for name, current, wanted in diffs]
    return "{0} ({1}): {2}".format(resource_id, flow_log_id, "; ".join(parts))


def create_request(desired):
    """CreateFlowLogs keyword arguments shared by every batch (without ResourceIds)."""
    request = {
        "ResourceType": desired["resource_type"],
        "LogDestinationType": desired["log_destination_type"],
        "MaxAggregationInterval": desired["max_aggregation_interval"],
    }
    if desired["log_format"] is not None:
        request["LogFormat"] = desired["log_format"]
    optional = {
        "TrafficType": desired["traffic_type"],
        "LogGroupName": desired["log_group_name"],
        "LogDestination": desired["log_destination"],
        "DeliverLogsPermissionArn": desired["deliver_logs_permission_arn"],
        "DeliverCrossAccountRole": desired["deliver_cross_account_role"],
        "DestinationOptions": desired["destination_options"],
        "TagFieldSpecifications": desired.get("tag_field_specifications"),
    }
    request.update((key, value) for key, value in optional.items() if value)
    return request


# ---- definitions: the flow_logs role's, and ec2_vpc_flow_logs' -----------------------------------
# Keys of a definition that are ec2_vpc_flow_log parameters of the same name.
DEFINITION_PARAMETERS = ("resource_type", "resource_ids", "traffic_type", "log_destination_type", "log_group_name",
                         "log_destination", "deliver_logs_permission_arn", "deliver_cross_account_role",
                         "log_format", "max_aggregation_interval", "destination_options",
                         "tag_field_specifications", "tags")
DEFINITION_DEFAULTS = {"resource_type": "VPC", "log_destination_type": "cloud-watch-logs"}


def definition_params(definition, tags=None, tag_field_specifications=None, state="present"):
    """The ec2_vpc_flow_log parameters of one definition.

    tags and tag_field_specifications are the values shared by every definition (the role's
    flow_logs_tags and flow_logs_tag_field_specifications, or ec2_vpc_flow_logs' own options): a
    definition's own tags are merged over tags, its own tag field specifications replace them.
    Tags stay None when neither gives any (the tags of existing flow logs are then left alone).
    """
    params = dict((key, definition.get(key)) for key in DEFINITION_PARAMETERS)
    params.update((key, value) for key, value in DEFINITION_DEFAULTS.items() if params[key] is None)
    params["state"] = state
    if tags is not None or params["tags"] is not None:
        merged = dict(tags or {})
        merged.update(params["tags"] or {})
        params["tags"] = merged
    if params["tag_field_specifications"] is None and tag_field_specifications:
        params["tag_field_specifications"] = tag_field_specifications
    return params


def definition_problems(definition, tags=None, tag_field_specifications=None, state="present"):
    """Every problem ec2_vpc_flow_log would report for one definition (messages).

    tags and tag_field_specifications are the shared values a definition's own extend or replace
    (definition_params). A definition without resource ids (filters find them later, or it resolved
    to none and nothing is called for it) has its settings checked all the same. With state absent
    only what identifies the flow logs is needed: no delivery role, no format.
    """
    try:
        build_desired(definition_params(definition, tags, tag_field_specifications, state), require_resources=False)
    except FlowLogSettingsError as error:
        return list(error.problems)
    return []


def _identity(desired):
    """What AWS allows once per resource: destination and traffic type (none for transit gateway types)."""
    return desired["log_destination_type"], desired["destination"], desired["traffic_type"]


def definitions_problems(definitions, tags=None, tag_field_specifications=None, state="present",
                         filter_types=None, variable="flow_logs_definitions", region=None):
    """Every problem of a list of definitions, each naming the definition and its input.

    filter_types: the resource types resource_filters can find (the others need resource_ids);
    region: the region the flow logs are made in (a log group ARN must be of it), when known.
    With state present, two definitions may not ask for the same flow log (resource, destination,
    traffic type) on a resource they both list: AWS keeps one flow log per resource with that identity.
    """
    problems, first, claimed = [], {}, OrderedDict()
    for index, definition in enumerate(definitions or []):
        if not isinstance(definition, dict):
            problems.append("{0}[{1}]: must be a dict, got {2!r}".format(variable, index, definition))
            continue
        name = definition.get("name")
        where = "{0}[{1}]".format(variable, index)
        label = "{0} ({1})".format(where, name) if name else where
        unique = name not in first
        if unique:
            first[name] = index
        else:
            problems.append("{0}.name: {1!r} is also the name of {2}[{3}]; names must be unique".format(
                where, name, variable, first[name]))
        kind = definition.get("resource_type") or "VPC"
        has_ids = definition.get("resource_ids") is not None
        if not has_ids and definition.get("resource_filters") is None:
            problems.append("{0}: needs resource_ids or resource_filters (which {1} to log)".format(label, kind))
        elif definition.get("resource_filters") is not None and filter_types is not None and kind not in filter_types:
            problems.append("{0}.resource_filters: cannot find resources of type {1}; give resource_ids".format(
                where, kind))
        try:
            desired = build_desired(definition_params(definition, tags, tag_field_specifications, state), region,
                                    require_resources=False)
        except FlowLogSettingsError as error:
            problems.extend("{0}: {1}".format(label, problem) for problem in error.problems)
            continue
        if state == "present" and unique:
            for resource_id in desired["resource_ids"]:
                claimed.setdefault((resource_id,) + _identity(desired), []).append(label)
    return problems + _same_flow_log_problems(claimed)


def _same_flow_log_problems(claimed):
    """Messages for the resources two or more definitions ask the same flow log on, one per group of definitions."""
    shared = OrderedDict()
    for key, labels in claimed.items():
        if len(labels) > 1:
            shared.setdefault((tuple(labels),) + key[1:], []).append(key[0])
    return [
        "{0}: ask for the same flow log ({1} {2}{3}) on {4}; AWS keeps one flow log per resource, destination "
        "and traffic type, so give it in one definition".format(
            " and ".join(labels), destination_type, destination,
            ", traffic {0}".format(traffic_type) if traffic_type else "", ", ".join(resource_ids))
        for (labels, destination_type, destination, traffic_type), resource_ids in shared.items()
    ]


def resolved_definitions(definitions, found=None):
    """The flow_logs role's definitions as ec2_vpc_flow_logs takes them.

    found maps a definition's name to the resource ids its resource_filters found; they are added to
    its resource_ids (each id once, given ones first), and resource_filters is left out. A definition
    that resolved to no resource keeps an empty resource_ids: nothing is called for it.
    """
    resolved = []
    for definition in definitions or []:
        entry = dict((key, value) for key, value in definition.items() if key != "resource_filters")
        ids = []
        for resource_id in list(definition.get("resource_ids") or []) + list((found or {}).get(definition["name"]) or []):
            if resource_id not in ids:
                ids.append(resource_id)
        entry["resource_ids"] = ids
        resolved.append(entry)
    return resolved
