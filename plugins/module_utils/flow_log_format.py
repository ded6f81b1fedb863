# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow-log format engine.

Two catalogues of flow-log record fields, VPC records (versions 2 to 11) and
transit gateway records (versions 2 to 6), and pure functions on them:
validate and normalise a ``log_format`` string for a resource type, check tag
field specifications, compute the record version, derive Athena/Glue columns
and CloudWatch Logs Insights parse clauses, parse and render record lines, and
describe the S3 key layout and the Athena partition projection for every S3
delivery option. Cloud WAN records (CoreNetwork, CoreNetworkEdge,
CoreNetworkAttachment) have no catalogue here: every function refuses them
with the reason and AWS's page (RECORD_PAGES) rather than guess their fields.

Pure Python standard library only (no ansible, no boto3), so modules, filters,
roles and unit tests all understand a format the same way. Sources: the AWS
pages "Flow log records" (Amazon VPC User Guide), "Transit Gateway Flow Log
records" (AWS Transit Gateway Guide), "TagFieldSpecificationRequest" (EC2 API
Reference) and the botocore EC2 model; facts no AWS document confirms are
marked ``type_inferred=True`` or commented as inferred below (docs/user-guide.md,
"Field catalogues").
"""

import datetime
import difflib
import re
from collections import OrderedDict, namedtuple

__all__ = [
    "FlowLogFormatError",
    "Field",
    "FIELDS",
    "VPC_FIELDS",
    "TRANSIT_GATEWAY_FIELDS",
    "DEFAULT_FIELDS",
    "DEFAULT_FORMAT",
    "TRANSIT_GATEWAY_DEFAULT_FIELDS",
    "TRANSIT_GATEWAY_DEFAULT_FORMAT",
    "TAG_FIELDS",
    "TAG_FIELD_RESOURCE_TYPES",
    "TAG_RESOURCE_TYPES",
    "RESOURCE_TYPES",
    "TRANSIT_GATEWAY_RECORD_TYPES",
    "CLOUD_WAN_RECORD_TYPES",
    "RECORD_PAGES",
    "FILE_FORMATS",
    "INSIGHTS_DISCOVERED_FIELDS",
    "parse_format",
    "normalize_format",
    "default_format",
    "catalogue",
    "tag_field_specification_problems",
    "normalize_tag_field_specifications",
    "api_tag_field_specifications",
    "closest_field",
    "field_names",
    "record_version",
    "athena_column_name",
    "athena_columns",
    "quote_identifier",
    "insights_field_name",
    "insights_parse_clause",
    "header_line",
    "parse_record",
    "render_record",
    "normalize_prefix",
    "s3_layout",
    "partition_values",
    "partition_projection",
    "s3_object_key",
]


class FlowLogFormatError(ValueError):
    """A flow-log format, record or layout request is invalid.

    The message is meant for users and names every offending token.
    ``problems`` holds the individual messages when several were found.
    """

    def __init__(self, message, problems=None):
        super(FlowLogFormatError, self).__init__(message)
        self.problems = list(problems) if problems else [message]


Field = namedtuple(
    "Field", "name version athena_type parquet_type insights_name description type_inferred"
)

# ---------------------------------------------------------------------------
# Field catalogue, in the order of the AWS "Available fields" table.
# athena_type: the type in AWS's plain-text Athena DDL (LazySimpleSerDe parses
#   the text, "-" becomes NULL in numeric columns).
# parquet_type: the physical/logical type in Parquet objects written by AWS.
# type_inferred=True: the Athena and/or Parquet type is NOT confirmed by an AWS
#   document (v7 ECS fields and everything from v8 on); check against a real
#   Parquet object before relying on it. The versions 2 to 5 rows were checked
#   against the "Parquet data type" of every row of AWS's table (Flow log
#   records, as published in the awsdocs amazon-vpc-user-guide repository,
#   last revision 2023-06-15): all match. No copy of the table's later rows
#   (versions 7 to 11) could be read when this was last checked, so those
#   Parquet types stay inferred: STRING for ids, names, ARNs and tag values,
#   INT_32 for encryption-status (small integer codes).
# insights_name: CloudWatch Logs Insights name. For the 14 default fields these
#   are the names Insights auto-discovers for default-format flow logs
#   (CWL_AnalyzeLogData-discoverable-fields: accountId, startTime, endTime, ...),
#   so queries written for the default format keep working with a custom one.
#   Other fields use camelCase (nextHopAzId), as in AWS's v11 examples.
# ---------------------------------------------------------------------------
_S, _I, _L = "STRING", "INT_32", "INT_64"
_CATALOGUE = (
    # name, version, athena (text DDL), parquet, insights, inferred, description
    ("version", 2, "int", _I, "version", False,
     "Record version: the highest version among the fields of the format."),
    ("account-id", 2, "string", _S, "accountId", False,
     "AWS account ID of the owner of the network interface."),
    ("interface-id", 2, "string", _S, "interfaceId", False,
     "ID of the network interface for which traffic is recorded."),
    ("srcaddr", 2, "string", _S, "srcAddr", False,
     "Source address of incoming traffic, or interface address of outgoing traffic."),
    ("dstaddr", 2, "string", _S, "dstAddr", False,
     "Destination address of outgoing traffic, or interface address of incoming traffic."),
    ("srcport", 2, "int", _I, "srcPort", False, "Source port."),
    ("dstport", 2, "int", _I, "dstPort", False, "Destination port."),
    # AWS DDL says bigint; Parquet objects carry INT_32 (opensearch-catalog#195).
    ("protocol", 2, "bigint", _I, "protocol", False, "IANA protocol number (6 TCP, 17 UDP, 1 ICMP)."),
    ("packets", 2, "bigint", _L, "packets", False, "Number of packets in the flow."),
    ("bytes", 2, "bigint", _L, "bytes", False, "Number of bytes in the flow."),
    ("start", 2, "bigint", _L, "startTime", False,
     "Unix seconds when the first packet of the flow was received in the interval."),
    ("end", 2, "bigint", _L, "endTime", False,
     "Unix seconds when the last packet of the flow was received in the interval."),
    ("action", 2, "string", _S, "action", False, "ACCEPT or REJECT."),
    ("log-status", 2, "string", _S, "logStatus", False, "OK, NODATA or SKIPDATA."),
    ("vpc-id", 3, "string", _S, "vpcId", False, "ID of the VPC of the network interface."),
    ("subnet-id", 3, "string", _S, "subnetId", False, "ID of the subnet of the network interface."),
    ("instance-id", 3, "string", _S, "instanceId", False,
     "ID of the instance attached to the interface, if you own it."),
    ("tcp-flags", 3, "int", _I, "tcpFlags", False,
     "Bitmask of TCP flags seen in the interval (FIN 1, SYN 2, RST 4, SYN-ACK 18)."),
    ("type", 3, "string", _S, "type", False, "Traffic type: IPv4, IPv6 or EFA."),
    ("pkt-srcaddr", 3, "string", _S, "pktSrcAddr", False, "Packet-level (original) source address."),
    ("pkt-dstaddr", 3, "string", _S, "pktDstAddr", False,
     "Packet-level (original) destination address."),
    ("region", 4, "string", _S, "region", False, "Region of the network interface."),
    ("az-id", 4, "string", _S, "azId", False, "Availability Zone ID of the network interface."),
    ("sublocation-type", 4, "string", _S, "sublocationType", False,
     "wavelength, outpost or localzone, when the interface is in a sublocation."),
    ("sublocation-id", 4, "string", _S, "sublocationId", False, "ID of the sublocation."),
    ("pkt-src-aws-service", 5, "string", _S, "pktSrcAwsService", False,
     "AWS service of pkt-srcaddr's IP range (S3, EC2, ROUTE53, AMAZON, ...)."),
    ("pkt-dst-aws-service", 5, "string", _S, "pktDstAwsService", False,
     "AWS service of pkt-dstaddr's IP range."),
    ("flow-direction", 5, "string", _S, "flowDirection", False,
     "ingress or egress, relative to the interface."),
    ("traffic-path", 5, "int", _I, "trafficPath", False,
     "Path egress traffic takes to the destination (1 to 8)."),
    ("ecs-cluster-arn", 7, "string", _S, "ecsClusterArn", True, "ARN of the ECS cluster."),
    ("ecs-cluster-name", 7, "string", _S, "ecsClusterName", True, "Name of the ECS cluster."),
    ("ecs-container-instance-arn", 7, "string", _S, "ecsContainerInstanceArn", True,
     "ARN of the ECS container instance."),
    ("ecs-container-instance-id", 7, "string", _S, "ecsContainerInstanceId", True,
     "ID of the ECS container instance."),
    ("ecs-container-id", 7, "string", _S, "ecsContainerId", True, "Docker ID of the container."),
    ("ecs-second-container-id", 7, "string", _S, "ecsSecondContainerId", True,
     "Docker ID of a second container of the task."),
    ("ecs-service-name", 7, "string", _S, "ecsServiceName", True, "Name of the ECS service."),
    ("ecs-task-definition-arn", 7, "string", _S, "ecsTaskDefinitionArn", True,
     "ARN of the ECS task definition."),
    ("ecs-task-arn", 7, "string", _S, "ecsTaskArn", True, "ARN of the ECS task."),
    ("ecs-task-id", 7, "string", _S, "ecsTaskId", True, "ID of the ECS task."),
    ("reject-reason", 8, "string", _S, "rejectReason", True,
     "Why traffic was rejected: BPA, EC, or '-'."),
    ("resource-id", 9, "string", _S, "resourceId", True,
     "ID of the resource, e.g. a regional NAT gateway."),
    # Text DDL: string-safe; Parquet: assumed INT_32 (values 0 to 3). Unconfirmed.
    ("encryption-status", 10, "string", _I, "encryptionStatus", True,
     "Encryption status of the traffic (0 to 3, or '-')."),
    # v11 (2026-06-10): tag values are UTF-8 percent-encoded; the first TagKeys
    # value of the matching TagFieldSpecification fills the field, the second
    # the -2 field (EC2 API Reference, "TagFieldSpecificationRequest").
    ("instance-tag", 11, "string", _S, "instanceTag", True,
     "Value of the first instance tag key from the tag field specifications."),
    ("instance-tag-2", 11, "string", _S, "instanceTag2", True,
     "Value of the second instance tag key."),
    ("interface-tag", 11, "string", _S, "interfaceTag", True,
     "Value of the first network-interface tag key."),
    ("interface-tag-2", 11, "string", _S, "interfaceTag2", True,
     "Value of the second network-interface tag key."),
    ("asg-tag", 11, "string", _S, "asgTag", True, "Value of the first Auto Scaling group tag key."),
    ("asg-tag-2", 11, "string", _S, "asgTag2", True,
     "Value of the second Auto Scaling group tag key."),
    ("interface-type", 11, "string", _S, "interfaceType", True,
     "Type of the local interface that captured the flow (nat_gateway, network_load_balancer, "
     "regional_nat_gateway, transit_gateway, vpc_endpoint)."),
    ("next-hop-interface-id", 11, "string", _S, "nextHopInterfaceId", True,
     "ID of the next-hop interface: the receiving one for egress, the sending one for ingress."),
    ("next-hop-subnet-id", 11, "string", _S, "nextHopSubnetId", True, "Subnet of the next hop."),
    ("next-hop-az-id", 11, "string", _S, "nextHopAzId", True, "Availability Zone ID of the next hop."),
    ("next-hop-vpc-id", 11, "string", _S, "nextHopVpcId", True, "VPC of the next hop."),
    ("next-hop-interface-type", 11, "string", _S, "nextHopInterfaceType", True,
     "Interface type of the next hop (nat_gateway, vpc-endpoint, ...)."),
)

FIELDS = OrderedDict(
    (name, Field(name, version, athena, parquet, insights, description, inferred))
    for name, version, athena, parquet, insights, inferred, description in _CATALOGUE
)
# The VPC record catalogue (VPC, Subnet, NetworkInterface, RegionalNatGateway).
VPC_FIELDS = FIELDS

DEFAULT_FIELDS = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log-status",
)
DEFAULT_FORMAT = " ".join("${%s}" % name for name in DEFAULT_FIELDS)

# ---------------------------------------------------------------------------
# Transit gateway record catalogue, in the order of the "Available fields"
# table of "Transit Gateway Flow Log records" (AWS Transit Gateway Guide,
# https://docs.aws.amazon.com/vpc/latest/tgw/tgw-flow-logs.html#flow-log-records).
# Versions and Parquet types are AWS's. AWS publishes no Athena DDL for them:
# the text type follows the Parquet type (INT_32 int, INT_64 bigint), except
# protocol, bigint as in AWS's VPC DDL, so one name has one type in both
# catalogues. Insights names: the VPC ones for shared fields, else camelCase.
# Fields with the same name as a VPC field have the same types.
# ---------------------------------------------------------------------------
_TGW_CATALOGUE = (
    ("version", 2, "int", _I, "version", "Record version: the highest version among the fields."),
    ("resource-type", 6, "string", _S, "resourceType",
     "Type of resource the flow log is on (TransitGateway)."),
    ("account-id", 2, "string", _S, "accountId", "AWS account ID of the owner of the source transit gateway."),
    ("tgw-id", 6, "string", _S, "tgwId", "ID of the transit gateway."),
    ("tgw-attachment-id", 6, "string", _S, "tgwAttachmentId", "ID of the transit gateway attachment."),
    ("tgw-src-vpc-account-id", 6, "string", _S, "tgwSrcVpcAccountId", "Account ID of the source VPC."),
    ("tgw-dst-vpc-account-id", 6, "string", _S, "tgwDstVpcAccountId", "Account ID of the destination VPC."),
    ("tgw-src-vpc-id", 6, "string", _S, "tgwSrcVpcId", "ID of the source VPC."),
    ("tgw-dst-vpc-id", 6, "string", _S, "tgwDstVpcId", "ID of the destination VPC."),
    ("tgw-src-subnet-id", 6, "string", _S, "tgwSrcSubnetId", "Subnet of the source traffic."),
    ("tgw-dst-subnet-id", 6, "string", _S, "tgwDstSubnetId", "Subnet of the destination traffic."),
    ("tgw-src-eni", 6, "string", _S, "tgwSrcEni", "Source transit gateway attachment ENI of the flow."),
    ("tgw-dst-eni", 6, "string", _S, "tgwDstEni", "Destination transit gateway attachment ENI of the flow."),
    ("tgw-src-az-id", 6, "string", _S, "tgwSrcAzId", "Availability Zone ID of the source ('-' from a sublocation)."),
    ("tgw-dst-az-id", 6, "string", _S, "tgwDstAzId", "Availability Zone ID of the destination."),
    ("tgw-pair-attachment-id", 6, "string", _S, "tgwPairAttachmentId",
     "The egress or ingress attachment ID of the flow, depending on its direction."),
    ("srcaddr", 2, "string", _S, "srcAddr", "Source address."),
    ("dstaddr", 2, "string", _S, "dstAddr", "Destination address."),
    ("srcport", 2, "int", _I, "srcPort", "Source port."),
    ("dstport", 2, "int", _I, "dstPort", "Destination port."),
    ("protocol", 2, "bigint", _I, "protocol", "IANA protocol number."),
    ("packets", 2, "bigint", _L, "packets", "Number of packets in the flow."),
    ("bytes", 2, "bigint", _L, "bytes", "Number of bytes in the flow."),
    ("start", 2, "bigint", _L, "startTime", "Unix seconds of the first packet in the interval."),
    ("end", 2, "bigint", _L, "endTime", "Unix seconds of the last packet in the interval."),
    ("log-status", 2, "string", _S, "logStatus", "OK, NODATA or SKIPDATA."),
    ("type", 3, "string", _S, "type", "Traffic type: IPv4, IPv6 or EFA."),
    ("packets-lost-no-route", 6, "bigint", _L, "packetsLostNoRoute", "Packets lost because no route matched."),
    ("packets-lost-blackhole", 6, "bigint", _L, "packetsLostBlackhole", "Packets lost to a blackhole route."),
    ("packets-lost-mtu-exceeded", 6, "bigint", _L, "packetsLostMtuExceeded",
     "Packets lost because they exceeded the MTU."),
    ("packets-lost-ttl-expired", 6, "bigint", _L, "packetsLostTtlExpired",
     "Packets lost because their time-to-live expired."),
    ("tcp-flags", 3, "int", _I, "tcpFlags",
     "Bitmask of TCP flags (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, SYN-ACK 18, URG 32)."),
    ("region", 4, "string", _S, "region", "Region of the transit gateway."),
    ("flow-direction", 5, "string", _S, "flowDirection", "ingress or egress."),
    ("pkt-src-aws-service", 5, "string", _S, "pktSrcAwsService", "AWS service of srcaddr's IP range."),
    ("pkt-dst-aws-service", 5, "string", _S, "pktDstAwsService", "AWS service of dstaddr's IP range."),
)

TRANSIT_GATEWAY_FIELDS = OrderedDict(
    (name, Field(name, version, athena, parquet, insights, description, False))
    for name, version, athena, parquet, insights, description in _TGW_CATALOGUE
)

# "With the default format, the flow log records includes all version 2 to
# version 6 fields, in the order shown in the available fields table"
# (Transit Gateway Flow Log records, "Default format"): every field above.
TRANSIT_GATEWAY_DEFAULT_FIELDS = tuple(TRANSIT_GATEWAY_FIELDS)
TRANSIT_GATEWAY_DEFAULT_FORMAT = " ".join("${%s}" % name for name in TRANSIT_GATEWAY_DEFAULT_FIELDS)

# Every field of either catalogue, for functions that take parsed field names.
_ALL_FIELDS = OrderedDict(FIELDS)
_ALL_FIELDS.update((name, field) for name, field in TRANSIT_GATEWAY_FIELDS.items() if name not in FIELDS)

# ---------------------------------------------------------------------------
# Resource types (FlowLogsResourceType of the EC2 API, botocore 1.44.8) and
# the record catalogue each one's records follow.
# ---------------------------------------------------------------------------
RESOURCE_TYPES = (
    "VPC", "Subnet", "NetworkInterface", "TransitGateway", "TransitGatewayAttachment",
    "RegionalNatGateway", "CoreNetwork", "CoreNetworkEdge", "CoreNetworkAttachment",
)
# CreateFlowLogs LogFormat points TransitGateway and TransitGatewayAttachment
# to "Transit Gateway Flow Log records" (AWS Transit Gateway Guide).
TRANSIT_GATEWAY_RECORD_TYPES = frozenset(("TransitGateway", "TransitGatewayAttachment"))
# ... and the Cloud WAN types to their own page, "Cloud WAN Flow Log records"
# (AWS Cloud WAN User Guide, "AWS Cloud WAN Flow Logs"), whose records differ from
# transit gateway ones (log-status INCOMPLETEDATA, attachment-to-attachment flows,
# a record written at each attachment where traffic enters or leaves the core
# network). No verified copy of that page's field table (names, versions,
# Parquet types) was available when this catalogue was written, so the
# collection validates and derives nothing for these types (see _catalogue_for)
# rather than guess fields; AWS's own default format applies when log_format is
# omitted.
CLOUD_WAN_RECORD_TYPES = frozenset(("CoreNetwork", "CoreNetworkEdge", "CoreNetworkAttachment"))
# The pages CreateFlowLogs' LogFormat documentation (botocore EC2 model) points to
# for the fields of each record kind.
RECORD_PAGES = OrderedDict((
    ("VPC", "https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html"),
    ("transit gateway", "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-flow-logs.html#flow-log-records"),
    ("Cloud WAN", "https://docs.aws.amazon.com/network-manager/latest/cloudwan/cwan-flow-logs.html"),
))
# VPC, Subnet, NetworkInterface and RegionalNatGateway follow "Flow log records"
# (Amazon VPC User Guide): regional NAT gateway flows carry resource-id (v9)
# and '-' in interface-id.

TAG_FIELDS = frozenset(
    ("instance-tag", "instance-tag-2", "interface-tag", "interface-tag-2", "asg-tag", "asg-tag-2")
)
# TagFieldSpecification ResourceType (TaggableResourceType: network-interface |
# instance | auto-scaling-group) whose first / second TagKeys value each tag
# field shows (EC2 API Reference, "TagFieldSpecificationRequest").
TAG_FIELD_RESOURCE_TYPES = {
    "instance-tag": ("instance", 1), "instance-tag-2": ("instance", 2),
    "interface-tag": ("network-interface", 1), "interface-tag-2": ("network-interface", 2),
    "asg-tag": ("auto-scaling-group", 1), "asg-tag-2": ("auto-scaling-group", 2),
}
TAG_RESOURCE_TYPES = ("network-interface", "instance", "auto-scaling-group")
# botocore 1.44.8: TagFieldSpecificationListRequest 1 to 3 entries; TagKeyList
# 1 to 2 keys; TagKey 1 to 128 characters ("TagFieldSpecificationRequest").
_TAG_SPECS_MAX, _TAG_KEYS_MAX, _TAG_KEY_MAX_LENGTH = 3, 2, 128

FILE_FORMATS = ("plain-text", "parquet")

# Fields CloudWatch Logs Insights discovers by itself, for the default format only.
INSIGHTS_DISCOVERED_FIELDS = tuple(FIELDS[name].insights_name for name in DEFAULT_FIELDS)

_PARQUET_TO_ATHENA = {"INT_32": "int", "INT_64": "bigint", "STRING": "string"}

# Athena reserved keywords for DDL statements (escape with backticks), from the
# Athena user guide "Escape reserved keywords in queries".
_ATHENA_DDL_RESERVED = frozenset("""
all alter and array as authorization between bigint binary boolean both by case cashe cast
char column conf constraint commit create cross cube current current_date current_timestamp
cursor database date dayofweek decimal delete describe distinct div double drop else end
exchange exists extended external extract false fetch float floor following for foreign from
full function grant group grouping having if import in inner insert int integer intersect
interval into is join lateral left less like local macro map more none not null numeric of on
only or order out outer over partialscan partition percent preceding precision preserve primary
procedure range reads reduce regexp references revoke right rlike rollback rollup row rows
select set smallint start table tablesample then time timestamp to transform trigger true
truncate unbounded union uniquejoin update user using utc_tmestamp values varchar views when
where window with
""".split())

# Athena reserved keywords for SELECT statements (escape with double quotes).
_ATHENA_SELECT_RESERVED = frozenset("""
alter and as between by case cast constraint create cross cube current_catalog current_date
current_path current_role current_schema current_time current_timestamp current_user deallocate
delete describe distinct drop else end escape except execute exists extract false first for
from full group grouping having in inner insert intersect into is join json_array json_exists
json_object json_query json_table json_value last left like listagg localtime localtimestamp
natural normalize not null of on or order outer prepare recursive right rollup select skip
table then trim true uescape union unnest using values when where with
""".split())

_PLAIN_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_TOKEN_RE = re.compile(r"^\$\{([^{}\s]*)\}$")
_REF_RE = re.compile(r"\$\{([^{}\s]*)\}")
_INTEGER_RE = re.compile(r"^[0-9]+$")
_ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------
TRAFFIC_TYPES = ("ACCEPT", "REJECT", "ALL")


def traffic_type_skip_reason(action, traffic_type):
    """Why a saved query that keeps only records of one action would return nothing ('' when it can return rows).

    A flow log of traffic type ACCEPT records only accepted traffic and one of REJECT only rejected traffic
    (CreateFlowLogs, TrafficType: "The type of traffic to monitor (accepted traffic, rejected traffic, or all
    traffic)"), so its records' action field is always that one value.
    """
    if traffic_type not in ("ACCEPT", "REJECT") or not action or action == traffic_type:
        return ""
    return "the flow log captures only %s traffic, so a query of %s records returns nothing" % (
        traffic_type, action)


def _check_resource_type(resource_type):
    if resource_type is not None and resource_type not in RESOURCE_TYPES:
        raise FlowLogFormatError("unknown resource_type %r; expected one of: %s"
                                 % (resource_type, ", ".join(RESOURCE_TYPES)))
    return resource_type


def _cloud_wan_refusal(resource_type):
    return ("resource_type %s writes Cloud WAN flow log records ('Cloud WAN Flow Log records', "
            "AWS Cloud WAN User Guide, %s), whose field table (names, versions, Parquet types) "
            "this collection does not carry; rather than guess, it validates no log_format and "
            "derives no default, Athena columns or Insights queries for them. Omit log_format: "
            "AWS then applies its Cloud WAN default format" % (resource_type, RECORD_PAGES["Cloud WAN"]))


def _catalogue_for(resource_type):
    """The field catalogue whose records ``resource_type`` produces (None: VPC)."""
    if _check_resource_type(resource_type) in TRANSIT_GATEWAY_RECORD_TYPES:
        return TRANSIT_GATEWAY_FIELDS
    if resource_type in CLOUD_WAN_RECORD_TYPES:
        raise FlowLogFormatError(_cloud_wan_refusal(resource_type))
    return FIELDS


def catalogue(resource_type=None):
    """The fields (name -> Field, in AWS's table order) of ``resource_type``'s records."""
    return OrderedDict(_catalogue_for(resource_type))


def _catalogue_label(fields):
    return "transit gateway" if fields is TRANSIT_GATEWAY_FIELDS else "VPC"


def closest_field(name, resource_type=None):
    """Return the valid field name nearest to ``name``, or None if none is close.

    Case and ``_``/``-`` differences are forgiven first (``Account_ID`` gives
    ``account-id``); otherwise difflib picks the best match above 0.6. Only
    fields of ``resource_type``'s catalogue are suggested (None: VPC).
    """
    fields = _catalogue_for(resource_type)
    if not isinstance(name, str) or not name:
        return None
    folded = name.strip().lower().replace("_", "-")
    if folded in fields:
        return folded
    matches = difflib.get_close_matches(folded, list(fields), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _ref(name):
    return "${%s}" % name


def _unknown_field_message(name, resource_type=None):
    fields = _catalogue_for(resource_type)
    other = FIELDS if fields is TRANSIT_GATEWAY_FIELDS else TRANSIT_GATEWAY_FIELDS
    if name in other:
        # A real field of the other record kind: say so rather than guess a neighbour.
        return ("field %s exists only in %s flow log records, not in the %s records of %s"
                % (_ref(name), _catalogue_label(other), _catalogue_label(fields),
                   resource_type or "VPC, Subnet, NetworkInterface or RegionalNatGateway"))
    message = "unknown field %s" % _ref(name)
    suggestion = closest_field(name, resource_type)
    if suggestion:
        message += "; did you mean %s?" % _ref(suggestion)
    return message


def _bad_token_message(token, resource_type=None):
    """Explain why ``token`` is not a single ``${field}`` reference."""
    refs = _REF_RE.findall(token)
    if token == "${}":
        return "token '${}' names no field"
    if len(refs) > 1:
        return ("token %r joins %d fields; separate fields with exactly one space"
                % (token, len(refs)))
    if len(refs) == 1:
        return ("token %r has text besides %s; separate fields with exactly one space "
                "and no other characters" % (token, _ref(refs[0])))
    if token.startswith("${"):
        message = "token %r is missing its closing brace '}'" % token
        suggestion = closest_field(token[2:], resource_type)
        return message + ("; did you mean %s?" % _ref(suggestion) if suggestion else "")
    if token.startswith("{") or token.startswith("$"):
        return "token %r is not a field reference; write fields as ${field-name}" % token
    return ("token %r is not a field reference of the form ${field-name}; "
            "literal text is not allowed" % token)


def _split_tokens(log_format, problems):
    """Split on whitespace, reporting every separator that is not one space."""
    parts = re.split(r"(\s+)", log_format.strip())
    tokens = parts[0::2]
    for index, separator in enumerate(parts[1::2]):
        if separator != " ":
            problems.append("separator %r between %r and %r must be exactly one space"
                            % (separator, tokens[index], tokens[index + 1]))
    return tokens


def _field_names(tokens, problems, resource_type=None):
    """Turn tokens into field names, reporting bad tokens, unknown fields and duplicates."""
    fields = _catalogue_for(resource_type)
    names, seen = [], {}
    for position, token in enumerate(tokens, start=1):
        match = _TOKEN_RE.match(token)
        if match and match.group(1):
            candidates = [match.group(1)]
        else:
            problems.append(_bad_token_message(token, resource_type))
            candidates = [ref for ref in _REF_RE.findall(token) if ref]
        for name in candidates:
            if name not in fields:
                problems.append(_unknown_field_message(name, resource_type))
            elif name in seen:
                problems.append("duplicate field %s (positions %d and %d)"
                                % (_ref(name), seen[name], position))
            else:
                seen[name] = position
                names.append(name)
    return names


def default_format(resource_type=None):
    """AWS's default format for ``resource_type``'s flow logs (None: the VPC default).

    VPC, Subnet, NetworkInterface and RegionalNatGateway: the 14 version 2
    fields ("Flow log records", "Default format"). TransitGateway and
    TransitGatewayAttachment: every version 2 to 6 transit gateway field
    ("Transit Gateway Flow Log records", "Default format").
    """
    if _catalogue_for(resource_type) is TRANSIT_GATEWAY_FIELDS:
        return TRANSIT_GATEWAY_DEFAULT_FORMAT
    return DEFAULT_FORMAT


def _default_fields(resource_type):
    if _catalogue_for(resource_type) is TRANSIT_GATEWAY_FIELDS:
        return list(TRANSIT_GATEWAY_DEFAULT_FIELDS)
    return list(DEFAULT_FIELDS)


def _parse(log_format, tag_field_specifications, check_tags, resource_type=None):
    if log_format is not None and _check_resource_type(resource_type) in CLOUD_WAN_RECORD_TYPES:
        # A format given for Cloud WAN records: the refusal names log_format.
        raise FlowLogFormatError(_join_problems([_cloud_wan_refusal(resource_type)]))
    if log_format is None:
        return _default_fields(resource_type)
    if not isinstance(log_format, str):
        raise FlowLogFormatError(_join_problems([
            "log_format must be a string of ${field} tokens, got %s" % type(log_format).__name__]))
    if not log_format.strip():
        raise FlowLogFormatError(_join_problems([
            "log_format is empty or blank (%r); give at least one ${field}, or omit it for "
            "the default format" % log_format]))
    problems = []
    if log_format != log_format.lstrip():
        problems.append("log_format has leading whitespace %r; AWS rejects it"
                        % log_format[:len(log_format) - len(log_format.lstrip())])
    if log_format != log_format.rstrip():
        problems.append("log_format has trailing whitespace %r; AWS rejects it"
                        % log_format[len(log_format.rstrip()):])
    names = _field_names(_split_tokens(log_format, problems), problems, resource_type)
    tags = [name for name in names if name in TAG_FIELDS]
    if check_tags and tags and not tag_field_specifications:
        problems.append("tag field%s %s need%s tag_field_specifications (resource_type and "
                        "tag_keys for each tagged resource kind)"
                        % ("s" if len(tags) > 1 else "", ", ".join(_ref(t) for t in tags),
                           "" if len(tags) > 1 else "s"))
    elif check_tags and tag_field_specifications is not True and tag_field_specifications:
        # A real specification (not True, which callers pass for what AWS returned): check it.
        problems.extend(tag_field_specification_problems(names, tag_field_specifications))
    if problems:
        raise FlowLogFormatError(_join_problems(problems), problems)
    return names


def _join_problems(problems):
    if len(problems) == 1:
        return "invalid log_format: " + problems[0]
    return "invalid log_format (%d problems): %s" % (
        len(problems), "; ".join("(%d) %s" % (i, p) for i, p in enumerate(problems, 1)))


def parse_format(log_format, tag_field_specifications=None, resource_type=None):
    """Validate ``log_format`` and return its field names in order.

    ``None`` means the default format of ``resource_type``. Fields are checked
    against the catalogue of the records ``resource_type`` produces: the
    transit gateway catalogue for TRANSIT_GATEWAY_RECORD_TYPES, the VPC one
    otherwise (also for None). Cloud WAN types raise: their fields are not
    catalogued. Every problem found is reported in one FlowLogFormatError.

    Tag fields (``${instance-tag}``...) need ``tag_field_specifications``:
    a list of ``{resource_type, tag_keys}`` (or the API's ``ResourceType`` /
    ``TagKeys``), checked with tag_field_specification_problems, or ``True``
    to accept any tag field (for formats AWS returned, whose specifications
    AWS already accepted).
    """
    return _parse(log_format, tag_field_specifications, True, resource_type)


def normalize_format(log_format, resource_type=None):
    """Return the canonical form of ``log_format`` (``resource_type``'s default for None).

    Validates the syntax and field names like parse_format, but does not
    require tag field specifications: it normalises what DescribeFlowLogs
    returns as well as what a user asks for.
    """
    return " ".join(_ref(name) for name in _parse(log_format, None, False, resource_type))


def _spec_value(spec, snake, camel):
    """(key used, value) of a specification entry; snake_case wins when both are given."""
    if snake in spec:
        return snake, spec[snake]
    if camel in spec:
        return camel, spec[camel]
    return snake, None


def _tag_fields_of(log_format):
    """Tag fields referenced by a format string or a list of names (lenient: no validation)."""
    if log_format is None:
        return []
    if isinstance(log_format, str):
        names = _REF_RE.findall(log_format)
    elif isinstance(log_format, (list, tuple)):
        names = [item.name if isinstance(item, Field) else item for item in log_format]
    else:
        return []
    return [name for name in names if name in TAG_FIELDS]


def tag_field_specification_problems(log_format, tag_field_specifications,
                                     field="tag_field_specifications"):
    """Every problem of ``tag_field_specifications`` for ``log_format``, as messages.

    Returns an empty list when they are fine. Checks what the EC2 API
    documents ("CreateFlowLogs", "TagFieldSpecificationRequest"): a list of
    1 to 3 entries, each with ``resource_type`` (network-interface, instance
    or auto-scaling-group; ``ResourceType`` is accepted too) and
    ``tag_keys`` (``TagKeys``): 1 or 2 keys of 1 to 128 characters. The first
    key fills ``${<kind>-tag}`` and the second ``${<kind>-tag-2}``, so every
    tag field of the format needs an entry of its resource type with enough
    keys. One entry per resource type: with positional keys, a second entry
    for the same type has no field to fill (inferred; AWS documents no
    message for it). Messages name ``field`` paths such as
    ``tag_field_specifications[1].tag_keys``. ``log_format`` may be a format
    string, a list of field names, or None (no tag fields).
    """
    problems = []
    tags = _tag_fields_of(log_format)
    specs = tag_field_specifications
    if specs is None:
        specs = []
    elif not isinstance(specs, (list, tuple)):
        return ["%s must be a list of {resource_type, tag_keys} entries, got %s"
                % (field, type(specs).__name__)]
    elif not specs:
        problems.append("%s is empty; give 1 to %d entries, or omit it" % (field, _TAG_SPECS_MAX))
    if len(specs) > _TAG_SPECS_MAX:
        problems.append("%s has %d entries; AWS allows at most %d (one per resource type)"
                        % (field, len(specs), _TAG_SPECS_MAX))
    keys_by_type, first_index = {}, {}
    for index, spec in enumerate(specs):
        path = "%s[%d]" % (field, index)
        if not isinstance(spec, dict):
            problems.append("%s must be a dict with resource_type and tag_keys, got %s"
                            % (path, type(spec).__name__))
            continue
        unknown = sorted(str(k) for k in spec
                         if k not in ("resource_type", "tag_keys", "ResourceType", "TagKeys"))
        if unknown:
            problems.append("%s has unknown key%s %s; expected resource_type and tag_keys"
                            % (path, "s" if len(unknown) > 1 else "", ", ".join(unknown)))
        type_key, resource_type = _spec_value(spec, "resource_type", "ResourceType")
        keys_key, tag_keys = _spec_value(spec, "tag_keys", "TagKeys")
        if resource_type is None:
            problems.append("%s.%s is required (one of: %s)"
                            % (path, type_key, ", ".join(TAG_RESOURCE_TYPES)))
        elif resource_type not in TAG_RESOURCE_TYPES:
            problems.append("%s.%s %r is not one of: %s"
                            % (path, type_key, resource_type, ", ".join(TAG_RESOURCE_TYPES)))
        elif resource_type in first_index:
            problems.append("%s.%s %s repeats %s[%d]; give each resource type once, with up to "
                            "%d tag_keys" % (path, type_key, resource_type, field,
                                             first_index[resource_type], _TAG_KEYS_MAX))
        else:
            first_index[resource_type] = index
        valid_keys = _tag_key_problems("%s.%s" % (path, keys_key), tag_keys, problems)
        if resource_type in TAG_RESOURCE_TYPES and resource_type not in keys_by_type:
            keys_by_type[resource_type] = valid_keys
    for tag in tags:
        resource_type, position = TAG_FIELD_RESOURCE_TYPES[tag]
        if resource_type not in first_index:
            problems.append("%s in log_format needs a %s entry with resource_type %s"
                            % (_ref(tag), field, resource_type))
        elif keys_by_type.get(resource_type) is not None and len(keys_by_type[resource_type]) < position:
            problems.append("%s in log_format needs a second tag key in %s[%d].tag_keys "
                            "(the first key fills %s)"
                            % (_ref(tag), field, first_index[resource_type],
                               _ref(tag[:-len("-2")])))
    return problems


def normalize_tag_field_specifications(tag_field_specifications):
    """Tag field specifications in the module's form, sorted by resource type, for comparison.

    Accepts the module's ``{resource_type, tag_keys}`` or the API's
    ``{ResourceType, TagKeys}`` (request) and DescribeFlowLogs' form; None or
    an empty list gives []. Key order is kept: it decides which field a key
    fills. Raises FlowLogFormatError when the specifications are malformed
    (see tag_field_specification_problems).
    """
    if not tag_field_specifications:
        return []
    problems = tag_field_specification_problems(None, tag_field_specifications)
    if problems:
        raise FlowLogFormatError("invalid tag_field_specifications: " + "; ".join(problems), problems)
    result = [{"resource_type": _spec_value(spec, "resource_type", "ResourceType")[1],
               "tag_keys": list(_spec_value(spec, "tag_keys", "TagKeys")[1])}
              for spec in tag_field_specifications]
    return sorted(result, key=lambda spec: TAG_RESOURCE_TYPES.index(spec["resource_type"]))


def api_tag_field_specifications(tag_field_specifications):
    """The ``TagFieldSpecifications`` parameter of CreateFlowLogs for validated specifications."""
    return [{"ResourceType": spec["resource_type"], "TagKeys": spec["tag_keys"]}
            for spec in normalize_tag_field_specifications(tag_field_specifications)]


def _tag_key_problems(path, tag_keys, problems):
    """Check one entry's tag keys; return them if their count is usable, else None."""
    if tag_keys is None:
        problems.append("%s is required: 1 or %d tag keys" % (path, _TAG_KEYS_MAX))
        return None
    if isinstance(tag_keys, str) or not isinstance(tag_keys, (list, tuple)):
        problems.append("%s must be a list of 1 or %d tag keys, got %s"
                        % (path, _TAG_KEYS_MAX, type(tag_keys).__name__))
        return None
    if not tag_keys or len(tag_keys) > _TAG_KEYS_MAX:
        problems.append("%s has %d keys; AWS takes 1 or %d"
                        % (path, len(tag_keys), _TAG_KEYS_MAX))
    for position, key in enumerate(tag_keys):
        if not isinstance(key, str) or not 1 <= len(key) <= _TAG_KEY_MAX_LENGTH:
            problems.append("%s[%d] must be a tag key of 1 to %d characters, got %r"
                            % (path, position, _TAG_KEY_MAX_LENGTH, key))
    return list(tag_keys)


def _fields_of(fields, resource_type=None):
    """Accept a format string, None, a list of names or of Field tuples.

    A string (or None: the default format) is parsed for ``resource_type``
    (None: VPC); a list may hold fields of either catalogue (transit gateway
    fields, tag fields), as parse_format returns them for any resource type.
    """
    if fields is None or isinstance(fields, str):
        return _parse(fields, None, False, resource_type)
    if isinstance(fields, Field):
        fields = [fields]
    names = []
    for item in fields:
        name = item.name if isinstance(item, Field) else item
        if not isinstance(name, str) or name not in _ALL_FIELDS:
            raise FlowLogFormatError(_unknown_field_message(str(name), resource_type))
        if name in names:
            raise FlowLogFormatError("duplicate field %s" % _ref(name))
        names.append(name)
    if not names:
        raise FlowLogFormatError("no fields given")
    return names


def field_names(fields, resource_type=None):
    """Field names of a format string (None: ``resource_type``'s default) or of a list of fields.

    Strings are validated like normalize_format (no tag field specifications
    needed: for reading records); lists may mix both catalogues' fields but
    not repeat one. The derivation functions below take the result.
    """
    return list(_fields_of(fields, resource_type))


def _field(name):
    if isinstance(name, Field):
        return name
    if not isinstance(name, str) or name not in _ALL_FIELDS:
        raise FlowLogFormatError(_unknown_field_message(str(name)))
    return _ALL_FIELDS[name]


def record_version(fields):
    """Return the record version a format produces: the highest field version."""
    return max(_ALL_FIELDS[name].version for name in _fields_of(fields))


# ---------------------------------------------------------------------------
# Athena / Glue
# ---------------------------------------------------------------------------
def _check_file_format(file_format):
    if file_format not in FILE_FORMATS:
        raise FlowLogFormatError("unknown file_format %r; expected one of: %s"
                                 % (file_format, ", ".join(FILE_FORMATS)))


def athena_column_name(field):
    """Athena/Glue column name of a field: hyphens become underscores."""
    return _field(field).name.replace("-", "_")


def _key_names(partition_keys):
    names = set()
    for key in partition_keys or ():
        name = key.get("name") if isinstance(key, dict) else key
        names.add(str(name).lower())
    return names


def athena_columns(fields, file_format="plain-text", partition_keys=()):
    """Athena/Glue columns for ``fields`` as ``{"name", "type", "field"}`` dicts.

    Plain text uses the types of AWS's DDL (``protocol`` bigint); Parquet uses
    the Parquet type (INT_32 int, INT_64 bigint, STRING string), so
    ``protocol`` is int. Columns whose name equals a partition key (any case)
    are dropped: Athena rejects a table with both.
    """
    _check_file_format(file_format)
    skip = _key_names(partition_keys)
    columns = []
    for name in _fields_of(fields):
        field = _ALL_FIELDS[name]
        column = athena_column_name(field)
        if column.lower() in skip:
            continue
        if file_format == "parquet":
            column_type = _PARQUET_TO_ATHENA[field.parquet_type]
        else:
            column_type = field.athena_type
        columns.append({"name": column, "type": column_type, "field": name})
    return columns


def quote_identifier(name, dialect="ddl"):
    """Quote an Athena identifier when needed.

    ``dialect="ddl"`` (default): backticks for DDL reserved words (``end``,
    ``date``, ``start``...) and for names that are not plain
    ``[a-z_][a-z0-9_]*``. ``dialect="select"``: double quotes for the
    SELECT reserved words (``end``...) and such names.
    """
    if not isinstance(name, str) or not name:
        raise FlowLogFormatError("identifier must be a non-empty string, got %r" % (name,))
    if dialect == "ddl":
        reserved, quote = _ATHENA_DDL_RESERVED, "`"
    elif dialect == "select":
        reserved, quote = _ATHENA_SELECT_RESERVED, '"'
    else:
        raise FlowLogFormatError("unknown dialect %r; expected ddl or select" % (dialect,))
    if name.lower() in reserved or not _PLAIN_IDENTIFIER.match(name):
        return quote + name.replace(quote, quote * 2) + quote
    return name


# ---------------------------------------------------------------------------
# CloudWatch Logs Insights
# ---------------------------------------------------------------------------
def insights_field_name(field):
    """CloudWatch Logs Insights name of a field (``srcAddr``, ``nextHopAzId``...)."""
    return _field(field).insights_name


def insights_parse_clause(fields):
    """A ``parse @message "* * ..." as a, b, ...`` clause for any format.

    Insights discovers fields only for the default format; this clause gives
    custom formats the same names (the default-format ones where they exist).
    """
    names = _fields_of(fields)
    return 'parse @message "%s" as %s' % (
        " ".join(["*"] * len(names)), ", ".join(insights_field_name(n) for n in names))


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
def _is_integer(field):
    return field.parquet_type in ("INT_32", "INT_64")


def header_line(fields):
    """The header line of plain-text S3 objects: field names separated by spaces."""
    return " ".join(_fields_of(fields))


def parse_record(line, fields, typed=True):
    """Parse one record line into ``{field name: value}``.

    ``-`` becomes None. With ``typed``, integer fields become ints. Raises
    FlowLogFormatError when the number of values differs from the number of
    fields or an integer field holds something else.
    """
    names = _fields_of(fields)
    if not isinstance(line, str):
        raise FlowLogFormatError("record must be a string, got %s" % type(line).__name__)
    values = line.rstrip("\r\n").split(" ")
    if len(values) != len(names):
        raise FlowLogFormatError("record has %d values but the format has %d fields: %r"
                                 % (len(values), len(names), line))
    record = {}
    for name, value in zip(names, values):
        if value == "-":
            record[name] = None
        elif typed and _is_integer(_ALL_FIELDS[name]):
            if not _INTEGER_RE.match(value):
                raise FlowLogFormatError("field %s expects an integer or '-', got %r"
                                         % (_ref(name), value))
            record[name] = int(value)
        else:
            record[name] = value
    return record


def render_record(record, fields):
    """Render ``record`` (a dict) as a record line; the inverse of parse_record."""
    names = _fields_of(fields)
    if not isinstance(record, dict):
        raise FlowLogFormatError("record must be a dict, got %s" % type(record).__name__)
    values = []
    for name in names:
        if name not in record:
            raise FlowLogFormatError("record has no value for %s" % _ref(name))
        value = record[name]
        if value is None:
            values.append("-")
            continue
        if isinstance(value, bool):
            raise FlowLogFormatError("field %s: booleans are not flow-log values" % _ref(name))
        text = str(value)
        if not text or re.search(r"\s", text):
            raise FlowLogFormatError("field %s: value %r is empty or contains whitespace"
                                     % (_ref(name), text))
        values.append(text)
    return " ".join(values)


# ---------------------------------------------------------------------------
# S3 layout and partition projection
# ---------------------------------------------------------------------------
# Confirmed by the VPC user guide (flow-logs-s3 "Flow log files"): the directory
# layouts, Hive key names, per-hour "HH/" or "hour=HH/", and the text file name
# {acct}_vpcflowlogs_{region}_{fl-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz.
# NOT confirmed by AWS documentation: the Parquet extension ".log.parquet"
# (seen in public examples of delivered objects). Athena reads every object
# under a partition location, so the extension does not affect queries.
_EXTENSIONS = {"plain-text": ".log.gz", "parquet": ".log.parquet"}
_SERDE = {
    "plain-text": {
        "serde_library": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "serde_parameters": {"field.delim": " ", "serialization.format": " "},
        "input_format": "org.apache.hadoop.mapred.TextInputFormat",
        "output_format": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "table_parameters": {"skip.header.line.count": "1"},
    },
    "parquet": {
        "serde_library": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "serde_parameters": {"serialization.format": "1"},
        "input_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "output_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "table_parameters": {},
    },
}
# Partition keys. Account and region are named aws_account_id / aws_region (as
# in the Hive prefixes) so they never hide the account_id / region columns of
# a format: the S3 path holds the flow log's account, the account-id field the
# interface owner's, and these differ for shared VPCs.
_ACCOUNT_KEY, _REGION_KEY = "aws_account_id", "aws_region"


def _partition_key_names(hive, per_hour):
    if hive:
        names = [_ACCOUNT_KEY, _REGION_KEY, "year", "month", "day"]
    else:
        names = [_ACCOUNT_KEY, _REGION_KEY, "day"]
    return names + (["hour"] if per_hour else [])


def _path_pattern(hive, per_hour):
    if hive:
        path = ("AWSLogs/aws-account-id={account_id}/aws-service=vpcflowlogs/"
                "aws-region={region}/year={year}/month={month}/day={day}/")
        return path + ("hour={hour}/" if per_hour else "")
    path = "AWSLogs/{account_id}/vpcflowlogs/{region}/{year}/{month}/{day}/"
    return path + ("{hour}/" if per_hour else "")


def _check_bool(name, value):
    if not isinstance(value, bool):
        raise FlowLogFormatError("%s must be a boolean, got %r" % (name, value))


def s3_layout(file_format="plain-text", hive_compatible_partitions=False, per_hour_partition=False):
    """Describe how flow logs are laid out in S3 for one combination of options.

    Returns a dict with ``partition_keys`` (list of ``{"name", "type"}``),
    ``path_pattern`` / ``file_name_pattern`` / ``key_pattern`` (relative to
    the bucket prefix, with ``{account_id}``, ``{region}``, ``{year}``...
    placeholders), ``file_extension``, ``header_line`` (text only), and the
    Glue storage settings (``serde_library``, ``serde_parameters``,
    ``input_format``, ``output_format``, ``table_parameters``).
    """
    _check_file_format(file_format)
    _check_bool("hive_compatible_partitions", hive_compatible_partitions)
    _check_bool("per_hour_partition", per_hour_partition)
    extension = _EXTENSIONS[file_format]
    path = _path_pattern(hive_compatible_partitions, per_hour_partition)
    file_name = "{account_id}_vpcflowlogs_{region}_{flow_log_id}_{timestamp}_{hash}" + extension
    layout = {
        "file_format": file_format,
        "hive_compatible_partitions": hive_compatible_partitions,
        "per_hour_partition": per_hour_partition,
        "partition_keys": [{"name": name, "type": "string"}
                           for name in _partition_key_names(hive_compatible_partitions,
                                                            per_hour_partition)],
        "path_pattern": path,
        "file_name_pattern": file_name,
        "key_pattern": path + file_name,
        "timestamp_format": "YYYYMMDDTHHmmZ",
        "file_extension": extension,
        "compression": "gzip",
        "header_line": file_format == "plain-text",
    }
    serde = _SERDE[file_format]
    layout.update((key, dict(value) if isinstance(value, dict) else value)
                  for key, value in serde.items())
    return layout


# A general purpose bucket name's characters and length (S3 "General purpose bucket naming rules"; the
# further rules, such as no "..", are validate_bucket_name's in flow_log_policies). One definition for
# the collection.
S3_BUCKET_PATTERN = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"
S3_BUCKET_NAME = re.compile("^" + S3_BUCKET_PATTERN + "$")
# The characters of a prefix segment: S3's safe key characters, and '=' of Hive-style keys.
PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9!_.'()=-]+$")


def normalize_prefix(prefix):
    """Normalise an S3 key prefix: '' or 'a/b/' (one trailing slash, none leading).

    The one rule for a flow-log prefix (flow_log_policies.normalize_prefix gives the same
    without the trailing slash): safe characters between single slashes, and not under
    ``AWSLogs/``, the folder AWS adds itself.
    """
    if prefix is None:
        return ""
    if not isinstance(prefix, str):
        raise FlowLogFormatError("prefix must be a string, got %s" % type(prefix).__name__)
    stripped = prefix.strip("/")
    if not stripped:
        return ""
    problems = []
    rule = "it may only hold letters, digits and !_.'()=- between single slashes"
    if "//" in stripped or re.search(r"\s", stripped):
        problems.append("prefix %r has an empty segment or whitespace: %s" % (prefix, rule))
    elif any(not PREFIX_SEGMENT.match(segment) for segment in stripped.split("/")):
        problems.append("prefix %r is not allowed: %s" % (prefix, rule))
    if stripped.split("/")[0] == "AWSLogs":
        problems.append("prefix %r is not allowed: AWS reserves AWSLogs (a prefix may not start with AWSLogs, "
                        "AWS adds AWSLogs/ itself)" % prefix)
    if problems:
        raise FlowLogFormatError("; ".join(problems), problems)
    return stripped + "/"


def _to_utc(when):
    """datetime (naive = UTC), epoch seconds, or ISO 8601 string -> aware UTC datetime."""
    utc = datetime.timezone.utc
    if isinstance(when, bool):
        raise FlowLogFormatError("when must be a datetime, epoch seconds or ISO 8601 string")
    if isinstance(when, datetime.datetime):
        return when.replace(tzinfo=utc) if when.tzinfo is None else when.astimezone(utc)
    if isinstance(when, (int, float)):
        return datetime.datetime.fromtimestamp(when, tz=utc)
    if isinstance(when, str):
        text = when.strip()
        text = text[:-1] + "+00:00" if text.endswith("Z") else text
        try:
            return _to_utc(datetime.datetime.fromisoformat(text))
        except ValueError:
            pass
    raise FlowLogFormatError("when must be a datetime, epoch seconds or ISO 8601 string, got %r"
                             % (when,))


def _to_date(value):
    """date, datetime, or 'YYYY-MM-DD' / 'YYYY/MM/DD' string -> date."""
    if isinstance(value, datetime.datetime):
        return _to_utc(value).date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.datetime.strptime(value.strip().replace("/", "-"), "%Y-%m-%d").date()
        except ValueError:
            pass
    raise FlowLogFormatError("start_date must be a date or 'YYYY-MM-DD', got %r" % (value,))


def _check_account(account_id):
    if not isinstance(account_id, str) or not _ACCOUNT_RE.match(account_id):
        raise FlowLogFormatError("account id must be 12 digits, got %r" % (account_id,))
    return account_id


def _check_region(region):
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise FlowLogFormatError("region must look like us-east-1, got %r" % (region,))
    return region


def _placeholders(account_id, region, when):
    moment = _to_utc(when)
    return {
        "account_id": _check_account(account_id),
        "region": _check_region(region),
        "year": moment.strftime("%Y"),
        "month": moment.strftime("%m"),
        "day": moment.strftime("%d"),
        "hour": moment.strftime("%H"),
        "timestamp": moment.strftime("%Y%m%dT%H%MZ"),
    }


def partition_values(account_id, region, when, hive_compatible_partitions=False,
                     per_hour_partition=False):
    """Partition-key values (as partition_projection projects them) of objects at ``when``."""
    _check_bool("hive_compatible_partitions", hive_compatible_partitions)
    _check_bool("per_hour_partition", per_hour_partition)
    p = _placeholders(account_id, region, when)
    values = {_ACCOUNT_KEY: p["account_id"], _REGION_KEY: p["region"]}
    if hive_compatible_partitions:
        values.update(year=p["year"], month=p["month"], day=p["day"])
    else:
        values["day"] = "%s/%s/%s" % (p["year"], p["month"], p["day"])
    if per_hour_partition:
        values["hour"] = p["hour"]
    return values


def s3_object_key(prefix, account_id, region, flow_log_id, when, file_format="plain-text",
                  hive_compatible_partitions=False, per_hour_partition=False,
                  suffix_hash="00000000"):
    """The S3 key AWS gives an object delivered at ``when`` (UTC) for these options."""
    layout = s3_layout(file_format, hive_compatible_partitions, per_hour_partition)
    if not isinstance(flow_log_id, str) or not re.match(r"^fl-[0-9a-z]+$", flow_log_id):
        raise FlowLogFormatError("flow_log_id must look like fl-0123abcd, got %r" % (flow_log_id,))
    if not isinstance(suffix_hash, str) or not re.match(r"^[0-9a-zA-Z]+$", suffix_hash):
        raise FlowLogFormatError("suffix_hash must be alphanumeric, got %r" % (suffix_hash,))
    values = _placeholders(account_id, region, when)
    values.update(flow_log_id=flow_log_id, hash=suffix_hash)
    return normalize_prefix(prefix) + layout["key_pattern"].format(**values)


def _string_list(name, values, check):
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not values:
        raise FlowLogFormatError("%s must be a non-empty list, got %r" % (name, values))
    unique = []
    for value in values:
        if check(value) not in unique:
            unique.append(value)
    return unique


def _bucket_name(bucket):
    if isinstance(bucket, str) and bucket.startswith("s3://"):
        bucket = bucket[len("s3://"):].rstrip("/")
    if not isinstance(bucket, str) or not S3_BUCKET_NAME.match(bucket):
        raise FlowLogFormatError("bucket must be an S3 bucket name, got %r" % (bucket,))
    return bucket


def partition_projection(bucket, prefix, file_format, hive_compatible_partitions,
                         per_hour_partition, account_ids, regions, start_date):
    """Glue table location and partition-projection parameters for flow logs in S3.

    Returns ``{"location": "s3://bucket/prefix/AWSLogs/", "parameters": {...},
    "partition_keys": [...]}``. Account and region are ``enum`` projections
    (several accounts for a central bucket); dates project from
    ``start_date`` to ``NOW``: non-Hive as one ``day`` date partition
    (``yyyy/MM/dd``), Hive as ``year`` (date, ``yyyy``) plus two-digit integer
    ``month`` and ``day``; per-hour adds a two-digit integer ``hour``
    (00 to 23). The ``storage.location.template`` reproduces the key layout
    exactly, so Athena finds every object s3_object_key describes.
    """
    layout = s3_layout(file_format, hive_compatible_partitions, per_hour_partition)
    accounts = _string_list("account_ids", account_ids, _check_account)
    region_list = _string_list("regions", regions, _check_region)
    start = _to_date(start_date)
    root = "s3://%s/%s" % (_bucket_name(bucket), normalize_prefix(prefix))
    params = {"projection.enabled": "true"}
    params.update(_enum_projection(_ACCOUNT_KEY, accounts))
    params.update(_enum_projection(_REGION_KEY, region_list))
    if hive_compatible_partitions:
        params.update(_date_projection("year", "yyyy", start.strftime("%Y"), "YEARS"))
        params.update(_integer_projection("month", 1, 12))
        params.update(_integer_projection("day", 1, 31))
    else:
        params.update(_date_projection("day", "yyyy/MM/dd", start.strftime("%Y/%m/%d"), "DAYS"))
    if per_hour_partition:
        params.update(_integer_projection("hour", 0, 23))
    path = _template_path(hive_compatible_partitions, per_hour_partition)
    params["storage.location.template"] = root + path
    params.update(layout["table_parameters"])
    return {"location": root + "AWSLogs/", "parameters": params,
            "partition_keys": layout["partition_keys"]}


def _template_path(hive, per_hour):
    """The key layout of _path_pattern with projection variables in place of values."""
    if hive:
        return _path_pattern(True, per_hour).format(
            account_id="${%s}" % _ACCOUNT_KEY, region="${%s}" % _REGION_KEY,
            year="${year}", month="${month}", day="${day}", hour="${hour}")
    # A single date partition stands for the three directory levels yyyy/MM/dd.
    path = "AWSLogs/${%s}/vpcflowlogs/${%s}/${day}/" % (_ACCOUNT_KEY, _REGION_KEY)
    return path + ("${hour}/" if per_hour else "")


def _enum_projection(key, values):
    return [("projection.%s.type" % key, "enum"),
            ("projection.%s.values" % key, ",".join(values))]


def _date_projection(key, java_format, start, unit):
    return [("projection.%s.type" % key, "date"),
            ("projection.%s.format" % key, java_format),
            ("projection.%s.range" % key, "%s,NOW" % start),
            ("projection.%s.interval" % key, "1"),
            ("projection.%s.interval.unit" % key, unit)]


def _integer_projection(key, low, high):
    return [("projection.%s.type" % key, "integer"),
            ("projection.%s.range" % key, "%d,%d" % (low, high)),
            ("projection.%s.digits" % key, "2")]
