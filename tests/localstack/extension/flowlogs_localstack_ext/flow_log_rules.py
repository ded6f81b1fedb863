"""CreateFlowLogs refuses what AWS refuses.

Emulator gap: LocalStack 4.13.1 (moto-ext 5.1.54) accepts nearly any CreateFlowLogs
request: 1000 resource ids in one call, TrafficType on a transit gateway, no TrafficType
on a VPC, DeliverLogsPermissionArn with S3, DestinationOptions with CloudWatch Logs, an
``AWSLogs`` S3 prefix, tag fields in the format without TagFieldSpecifications, ids of
the wrong kind for the resource type.  A collection tested against that could send AWS
requests AWS refuses, and the tests would not notice.  ``check(request, ...)`` applies
AWS's documented rules before the request reaches moto; each rule names its source
(tests/localstack/README.md lists them all):

* [API] CreateFlowLogs API reference, Amazon EC2 API Reference
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html),
  the same text as botocore 1.44.8's ec2 model doc strings;
* [TFS] TagFieldSpecificationRequest, Amazon EC2 API Reference
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TagFieldSpecificationRequest.html);
* [S3] "Create a flow log that publishes to Amazon S3", Amazon VPC User Guide:
  "You can't use AWSLogs as a subfolder name. This is a reserved term.";
* [ERR] "Error codes for the Amazon EC2 API"
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
* [XACCT] "IAM roles for cross account delivery" and "Create a flow log that publishes to
  Amazon Data Firehose", Amazon VPC User Guide: delivery to a stream of another account needs
  a role in the source account (DeliverLogsPermissionArn) and one in the stream's account
  (DeliverCrossAccountRole) "with a name that starts with AWSLogDeliveryFirehoseCrossAccountRole";
* [REAL] error messages real AWS returned, quoted in public issue trackers (named at the
  rule).

Where AWS's message text is known ([REAL]) it is used verbatim; otherwise the message is
written in the style of the known ones and the README says so.  Error codes are the
ones [ERR] defines for the case (InvalidParameter, InvalidParameterValue,
MissingParameter, Invalid...ID.Malformed/NotFound).

Test infrastructure only; see the package docstring.
"""

import re

RESOURCE_TYPES = (
    "VPC", "Subnet", "NetworkInterface", "TransitGateway", "TransitGatewayAttachment",
    "RegionalNatGateway", "CoreNetwork", "CoreNetworkEdge", "CoreNetworkAttachment",
)
# [API] ResourceIds: "Maximum of 25 for transit gateway resource types. Maximum of 300
# for the other resource types."  Cloud WAN types are not "transit gateway resource
# types", so they take 300.
TRANSIT_GATEWAY_TYPES = ("TransitGateway", "TransitGatewayAttachment")
CLOUD_WAN_TYPES = ("CoreNetwork", "CoreNetworkEdge", "CoreNetworkAttachment")
# [API] TrafficType "is not supported for transit gateway or Cloud WAN resource types";
# MaxAggregationInterval "must be 60 seconds" for them.
NO_TRAFFIC_TYPE = TRANSIT_GATEWAY_TYPES + CLOUD_WAN_TYPES
MAX_IDS_TRANSIT_GATEWAY = 25
MAX_IDS = 300
TRAFFIC_TYPES = ("ACCEPT", "REJECT", "ALL")
DESTINATION_TYPES = ("cloud-watch-logs", "s3", "kinesis-data-firehose")
FILE_FORMATS = ("plain-text", "parquet")
TAGGABLE_RESOURCE_TYPES = ("network-interface", "instance", "auto-scaling-group")
# Flow log record fields (Amazon VPC User Guide, "Flow log records", version 11): the
# value of the first or second tag key given for one taggable resource type.
TAG_FIELDS = {
    "instance-tag": ("instance", 1), "instance-tag-2": ("instance", 2),
    "interface-tag": ("network-interface", 1), "interface-tag-2": ("network-interface", 2),
    "asg-tag": ("auto-scaling-group", 1), "asg-tag-2": ("auto-scaling-group", 2),
}

# Id forms of the resource types that have an EC2 id, with the error code [ERR] gives
# for a malformed one.  CoreNetworkEdge has no documented id form: not checked.
ID_FORMS = {
    "VPC": ("vpc-", "InvalidVpcID.Malformed"),
    "Subnet": ("subnet-", "InvalidSubnetID.Malformed"),
    "NetworkInterface": ("eni-", "InvalidNetworkInterfaceID.Malformed"),
    "TransitGateway": ("tgw-", "InvalidTransitGatewayID.Malformed"),
    "TransitGatewayAttachment": ("tgw-attach-", "InvalidTransitGatewayAttachmentID.Malformed"),
    "RegionalNatGateway": ("nat-", "NatGatewayMalformed"),
    "CoreNetwork": ("core-network-", "InvalidParameterValue"),
    "CoreNetworkAttachment": ("attachment-", "InvalidParameterValue"),
}
# EC2 ids: 8 or 17 hexadecimal digits after the prefix.  Cloud WAN ids as the AWS Network
# Manager API Reference patterns them: CoreNetworkId ^core-network-([0-9a-f]{8,17})$,
# AttachmentId ^attachment-([0-9a-f]{8,17})$.
_HEX_ID = re.compile(r"^[0-9a-f]{8}([0-9a-f]{9})?$")
_CLOUD_WAN_ID = re.compile(r"^[0-9a-f]{8,17}$")

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$")
CROSS_ACCOUNT_ROLE_PREFIX = "AWSLogDeliveryFirehoseCrossAccountRole"
_LOG_GROUP_ARN = re.compile(r"^arn:aws[a-z-]*:logs:(?P<region>[a-z0-9-]+):\d{12}:log-group:(?P<name>[^:*]{1,512})(:\*)?$")
_S3_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?P<prefix>/.*)?$")
_FIREHOSE_ARN = re.compile(r"^arn:aws[a-z-]*:firehose:[a-z0-9-]+:(\d{12}):deliverystream[/:][\w.-]{1,64}$")
_FIELD = re.compile(r"^\$\{([a-z0-9-]+)\}$")


def is_cloud_wan_id(resource_id):
    """Whether the id has the form of a Cloud WAN core network or attachment id."""
    return any(resource_id.startswith(ID_FORMS[kind][0]) and _CLOUD_WAN_ID.match(resource_id[len(ID_FORMS[kind][0]):])
               for kind in ("CoreNetwork", "CoreNetworkAttachment"))


class Refused(Exception):
    """What AWS answers: an error code and message (HTTP 400)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _invalid(message):
    return Refused("InvalidParameter", message)


def _check_resources(request, exists):
    resource_type = request.get("ResourceType")
    ids = request.get("ResourceIds") or []
    if not resource_type:
        raise Refused("MissingParameter", "The request must contain the parameter ResourceType")
    if resource_type not in RESOURCE_TYPES:
        raise Refused("InvalidParameterValue", "Value ({0}) for parameter ResourceType is invalid. "
                      "Valid values: {1}".format(resource_type, ", ".join(RESOURCE_TYPES)))
    if not ids:
        raise Refused("MissingParameter", "The request must contain the parameter ResourceIds")
    limit = MAX_IDS_TRANSIT_GATEWAY if resource_type in TRANSIT_GATEWAY_TYPES else MAX_IDS
    if len(ids) > limit:
        raise _invalid("ResourceIds can contain at most {0} ids for resource type {1}; {2} were given."
                       .format(limit, resource_type, len(ids)))
    prefix, code = ID_FORMS.get(resource_type, (None, None))
    for resource_id in ids:
        if prefix is None:
            continue
        rest = resource_id[len(prefix):] if resource_id.startswith(prefix) else None
        form = _CLOUD_WAN_ID if resource_type in CLOUD_WAN_TYPES else _HEX_ID
        if rest is None or not form.match(rest):
            raise Refused(code, 'Invalid id: "{0}" (expecting "{1}...")'.format(resource_id, prefix))
    missing = [resource_id for resource_id in ids if exists(resource_type, resource_id) is False]
    if missing:
        raise Refused(*_not_found(resource_type, missing))


def _not_found(resource_type, missing):
    listed = ", ".join(missing)
    if resource_type == "TransitGateway":
        return "InvalidTransitGatewayID.NotFound", "Transit Gateway {0} was deleted or does not exist.".format(listed)
    if resource_type == "TransitGatewayAttachment":
        return ("InvalidTransitGatewayAttachmentID.NotFound",
                "Transit Gateway Attachment {0} was deleted or does not exist.".format(listed))
    return "NatGatewayNotFound", "The Nat Gateway {0} was not found".format(listed)


def _check_traffic_and_interval(request):
    resource_type = request["ResourceType"]
    traffic_type = request.get("TrafficType")
    interval = request.get("MaxAggregationInterval")
    no_traffic_type = resource_type in NO_TRAFFIC_TYPE
    # [API] TrafficType: "This parameter is not supported for transit gateway or Cloud WAN
    # resource types. It is required for the other resource types."
    if no_traffic_type and traffic_type:
        raise _invalid("TrafficType is not supported for resource type {0}.".format(resource_type))
    if not no_traffic_type and not traffic_type:
        raise Refused("MissingParameter", "The request must contain the parameter TrafficType")
    if traffic_type and traffic_type not in TRAFFIC_TYPES:
        raise Refused("InvalidParameterValue", "Value ({0}) for parameter TrafficType is invalid. "
                      "Valid values: {1}".format(traffic_type, ", ".join(TRAFFIC_TYPES)))
    # [API] MaxAggregationInterval: "60 seconds (1 minute) or 600 seconds (10 minutes).
    # This parameter must be 60 seconds for transit gateway and Cloud WAN resource types."
    if interval is not None and int(interval) not in (60, 600):
        raise _invalid("Invalid Flow Log Max Aggregation Interval")
    if no_traffic_type and interval is not None and int(interval) != 60:
        raise _invalid("MaxAggregationInterval must be 60 for resource type {0}.".format(resource_type))


def _check_firehose_accounts(request, account):
    """The accounts of the stream and of the two roles ([API] DeliverLogsPermissionArn, [XACCT]).

    ``account`` is the caller's (the flow log's); None: not checked.  Messages are ours.
    """
    if account is None:
        return
    stream_account = _FIREHOSE_ARN.match(request["LogDestination"]).group(1)
    permission = request.get("DeliverLogsPermissionArn")
    cross = request.get("DeliverCrossAccountRole")
    if stream_account != account:
        # [API] DeliverLogsPermissionArn "is required if ... the destination type is kinesis-data-firehose
        # and the delivery stream and the resources to monitor are in different accounts".
        if not permission:
            raise _invalid("DeliverLogsPermissionArn can't be empty if the delivery stream is in another account.")
        # [XACCT] "you must create an IAM role in the source account and an IAM role in the destination account".
        if not cross:
            raise _invalid("DeliverCrossAccountRole can't be empty if the delivery stream is in another account.")
    if permission and _ROLE_ARN.match(permission).group(1) != account:
        raise _invalid("DeliverLogsPermissionArn {0} is not a role of the account of the flow log ({1}).".format(
            permission, account))
    if cross:
        role_account, role_name = _ROLE_ARN.match(cross).groups()
        if role_account != stream_account:
            raise _invalid("DeliverCrossAccountRole {0} is not a role of the account of the delivery stream ({1})."
                           .format(cross, stream_account))
        # [XACCT] "create a role with a name that starts with AWSLogDeliveryFirehoseCrossAccountRole".
        if not role_name.startswith(CROSS_ACCOUNT_ROLE_PREFIX):
            raise _invalid("DeliverCrossAccountRole {0}: the role's name must start with {1}.".format(
                cross, CROSS_ACCOUNT_ROLE_PREFIX))


def _check_destination(request, region, account=None):
    destination_type = request.get("LogDestinationType") or "cloud-watch-logs"
    group = request.get("LogGroupName")
    destination = request.get("LogDestination")
    permission = request.get("DeliverLogsPermissionArn")
    if destination_type not in DESTINATION_TYPES:
        raise Refused("InvalidParameterValue", "Value ({0}) for parameter LogDestinationType is invalid. "
                      "Valid values: {1}".format(destination_type, ", ".join(DESTINATION_TYPES)))
    # [API] LogGroupName "is valid only if the destination type is cloud-watch-logs";
    # LogDestination is "Alternatively" to it.  Messages as LocalStack's own checks (the
    # form AWS uses for these: "X can't be empty if Y ...").
    if group and destination:
        raise _invalid("Please only provide LogGroupName or only provide LogDestination.")
    if group and destination_type != "cloud-watch-logs":
        raise _invalid("LogDestination type must be cloud-watch-logs if LogGroupName is provided.")
    if not group and not destination:
        raise _invalid("LogDestination can't be empty if LogGroupName is not provided.")
    for name in ("DeliverLogsPermissionArn", "DeliverCrossAccountRole"):
        if request.get(name) and not _ROLE_ARN.match(request[name]):
            raise _invalid("{0} {1} is not an IAM role ARN.".format(name, request[name]))
    if destination_type == "cloud-watch-logs":
        # [API] DeliverLogsPermissionArn "is required if the destination type is cloud-watch-logs".
        if not permission:
            raise _invalid("DeliverLogsPermissionArn can't be empty if LogDestinationType is cloud-watch-logs.")
        if destination:
            match = _LOG_GROUP_ARN.match(destination)
            if not match:
                raise _invalid("LogDestination {0} is not a CloudWatch Logs log group ARN.".format(destination))
            # [REAL] terraform-aws-secure-baseline issue #30: "InvalidParameter:
            # LogDestination must be in the same region as the API caller."
            if region and match.group("region") != region:
                raise _invalid("LogDestination must be in the same region as the API caller.")
    elif destination_type == "s3":
        # [REAL] aws-secure-environment-accelerator issue #1111: "DeliverLogsPermissionArn
        # is not applicable for s3 delivery".
        if permission:
            raise _invalid("DeliverLogsPermissionArn is not applicable for s3 delivery")
        match = _S3_ARN.match(destination)
        if not match:
            raise _invalid("LogDestination {0} is not an S3 bucket ARN (arn:aws:s3:::bucket/prefix/).".format(destination))
        # [API] "Note that you can't use AWSLogs as a subfolder name"; [S3] "This is a reserved term."
        segments = (match.group("prefix") or "").strip("/").split("/")
        if segments[0] == "AWSLogs":
            raise _invalid("LogDestination: AWSLogs is a reserved term and can't be used as a subfolder name.")
    elif not _FIREHOSE_ARN.match(destination):
        raise _invalid("LogDestination {0} is not a Kinesis Data Firehose delivery stream ARN.".format(destination))
    else:
        _check_firehose_accounts(request, account)
    # [API] DestinationOptions is a member of the S3 delivery (its fields describe S3
    # objects: file format, Hive-compatible S3 prefixes, hourly partitions).
    options = request.get("DestinationOptions")
    if options and destination_type != "s3":
        raise _invalid("DestinationOptions can only be specified for s3 delivery.")
    if options and options.get("FileFormat") and options["FileFormat"] not in FILE_FORMATS:
        raise Refused("InvalidParameterValue", "Value ({0}) for parameter FileFormat is invalid. "
                      "Valid values: {1}".format(options["FileFormat"], ", ".join(FILE_FORMATS)))
    # [API] DeliverCrossAccountRole: "publish flow logs across accounts", which only
    # Firehose delivery does (the DeliverLogsPermissionArn text: "kinesis-data-firehose
    # and the delivery stream and the resources to monitor are in different accounts").
    if request.get("DeliverCrossAccountRole") and destination_type != "kinesis-data-firehose":
        raise _invalid("DeliverCrossAccountRole can only be specified for kinesis-data-firehose delivery.")


def _check_format_and_tag_fields(request):
    log_format = request.get("LogFormat")
    fields = []
    if log_format is not None:
        # [API] LogFormat: "If you specify this parameter, you must include at least one
        # field ... Specify the fields using the ${field-id} format, separated by spaces."
        # [REAL] aws-cloudformation/rain issue #288: "Value '<format>' at 'logFormat' has
        # an invalid format" (there: a trailing space).
        tokens = log_format.split(" ")
        if not log_format or not all(_FIELD.match(token) for token in tokens):
            raise _invalid("Value '{0}' at 'logFormat' has an invalid format".format(log_format))
        fields = [_FIELD.match(token).group(1) for token in tokens]
    specs = request.get("TagFieldSpecifications")
    if specs is not None:
        # [TFS] 1 to 3 specifications; ResourceType network-interface | instance |
        # auto-scaling-group; TagKeys 1 to 2 keys of 1 to 128 characters.
        if not 1 <= len(specs) <= 3:
            raise _invalid("TagFieldSpecifications must contain 1 to 3 items.")
        seen = set()
        for spec in specs:
            resource_type = spec.get("ResourceType")
            if resource_type not in TAGGABLE_RESOURCE_TYPES:
                raise Refused("InvalidParameterValue", "Value ({0}) for parameter TagFieldSpecification.ResourceType "
                              "is invalid. Valid values: {1}".format(resource_type, ", ".join(TAGGABLE_RESOURCE_TYPES)))
            if resource_type in seen:
                raise _invalid("TagFieldSpecifications lists resource type {0} more than once.".format(resource_type))
            seen.add(resource_type)
            keys = spec.get("TagKeys") or []
            if not 1 <= len(keys) <= 2:
                raise _invalid("TagKeys for resource type {0} must contain 1 or 2 keys.".format(resource_type))
            for key in keys:
                if not 1 <= len(key) <= 128:
                    raise _invalid("Tag key {0!r} must be 1 to 128 characters.".format(key))
    tag_fields = [field for field in fields if field in TAG_FIELDS]
    if tag_fields and not specs:
        # [REAL] hashicorp/terraform-provider-aws issue #48806: "InvalidParameter: The
        # TagFieldSpecifications parameter must be set when including tag fields in the log format"
        raise _invalid("The TagFieldSpecifications parameter must be set when including tag fields in the log format")
    keys_by_type = {spec["ResourceType"]: len(spec.get("TagKeys") or []) for spec in specs or []}
    for field in tag_fields:
        resource_type, position = TAG_FIELDS[field]
        if keys_by_type.get(resource_type, 0) < position:
            raise _invalid("The log format field ${{{0}}} needs TagFieldSpecifications with at least {1} tag key{2} "
                           "for resource type {3}.".format(field, position, "s" if position > 1 else "", resource_type))


def check(request, region=None, exists=lambda resource_type, resource_id: None, account=None):
    """Raise Refused when AWS would refuse this CreateFlowLogs request.

    ``exists(resource_type, resource_id)`` answers True/False for resources the emulator
    knows, None where it cannot tell (no check); ``account`` is the caller's.
    """
    _check_resources(request, exists)
    _check_traffic_and_interval(request)
    _check_destination(request, region, account)
    _check_format_and_tag_fields(request)
