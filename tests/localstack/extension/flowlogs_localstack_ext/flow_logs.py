"""Make EC2 flow logs keep DestinationOptions and DeliverCrossAccountRole.

Emulator gap: on LocalStack 4.13.1 ``CreateFlowLogs`` accepts ``DestinationOptions``
(FileFormat, HiveCompatiblePartitions, PerHourPartition) and
``DeliverCrossAccountRole``, but the moto model behind it never stores them, so
``DescribeFlowLogs`` omits both.  Real AWS always returns DestinationOptions for
flow logs delivered to S3 (defaults: plain-text, false, false) and returns
DeliverCrossAccountRole when one was given.  The collection's ``flow_logs`` role
compares these fields to decide whether a flow log must be replaced, so the
emulator has to keep them.

Where things live (LocalStack 4.13.1 / moto-ext 5.1.54):

* ``localstack.services.ec2.provider.Ec2Provider.create_flow_logs`` validates the
  request, then hands it to moto (``call_moto`` / ``call_moto_with_request``) and
  gets back the new FlowLogIds;
* ``moto.ec2.models.flow_logs.FlowLogs`` is the stored object (no field for either
  option);
* ``moto.ec2.responses.flow_logs.DESCRIBE_FLOW_LOGS_RESPONSE`` is the XML template
  that DescribeFlowLogs renders (moto serves DescribeFlowLogs; LocalStack does not
  override it).

The patch, applied once by an ``on_infra_start`` hook (so it is in place before the
first request, whichever service that request is for):

1. wraps ``Ec2Provider.create_flow_logs`` to copy the two request fields onto the
   moto FlowLogs objects it created;
2. (while at it) for CloudWatch Logs destinations given as a log-group ARN,
   reports DeliverLogsStatus SUCCESS when that group exists (see
   ``_fix_cloudwatch_delivery_status``);
3. makes moto's duplicate check compare the whole configuration, as AWS does
   ("There is an existing Flow Log with the same configuration and log
   destination"): moto raises FlowLogAlreadyExists whenever resource, log group
   and destination match, whatever the traffic type, format, interval or options,
   which would make a create-before-delete replacement impossible to test (see
   ``_same_configuration``);
4. adds ``<destinationOptions>`` (for ``s3`` destinations, filled with AWS's
   defaults where not given) and ``<deliverCrossAccountRole>`` to the describe
   template;
5. refuses what AWS refuses (``flow_log_rules.check``: resource id limits and forms,
   transit gateway and Cloud WAN rules, destination and tag-field rules), before moto
   creates anything;
6. keeps ``TagFieldSpecifications`` and returns it in DescribeFlowLogs.  LocalStack
   parses requests and re-serialises moto's answers with its own copy of the EC2
   model (botocore 1.42.34), which has neither TagFieldSpecifications nor the Cloud
   WAN resource types; ``_patch_ec2_spec`` adds them from botocore 1.44.8's model, so
   the field is parsed and returned at all;
7. transit gateway and Cloud WAN flow logs: no TrafficType in DescribeFlowLogs (moto
   rendered "None") and MaxAggregationInterval 60 when not given (the only value AWS
   allows for them).

Test infrastructure only; see the package docstring.
"""

import logging
import threading

from localstack.runtime import hooks

from flowlogs_localstack_ext import firehose

from flowlogs_localstack_ext import flow_log_rules

LOG = logging.getLogger(__name__)

# Inserted right after this line of moto's DescribeFlowLogs item template.
_ANCHOR = "<flowLogId>{{ flow_log.id }}</flowLogId>"
_EXTRA = """
      {% if flow_log.log_destination_type == "s3" %}
        {% set opts = flow_log.flowlogs_destination_options or {} %}
        <destinationOptions>
          <fileFormat>{{ opts.get("FileFormat") or "plain-text" }}</fileFormat>
          <hiveCompatiblePartitions>{{ "true" if opts.get("HiveCompatiblePartitions") else "false" }}</hiveCompatiblePartitions>
          <perHourPartition>{{ "true" if opts.get("PerHourPartition") else "false" }}</perHourPartition>
        </destinationOptions>
      {% endif %}
      {% if flow_log.flowlogs_deliver_cross_account_role %}
        <deliverCrossAccountRole>{{ flow_log.flowlogs_deliver_cross_account_role }}</deliverCrossAccountRole>
      {% endif %}
      {% if flow_log.flowlogs_tag_field_specifications %}
        <tagFieldSpecificationSet>
        {% for spec in flow_log.flowlogs_tag_field_specifications %}
          <item>
            <resourceType>{{ spec.ResourceType }}</resourceType>
            <tagKeySet>
            {% for key in spec.TagKeys %}
              <item>{{ key }}</item>
            {% endfor %}
            </tagKeySet>
          </item>
        {% endfor %}
        </tagFieldSpecificationSet>
      {% endif %}"""
_TRAFFIC_TYPE = "<trafficType>{{ flow_log.traffic_type }}</trafficType>"
_TRAFFIC_TYPE_IF_SET = "{% if flow_log.traffic_type %}" + _TRAFFIC_TYPE + "{% endif %}"

# The CreateFlowLogs/FlowLog members and shapes that LocalStack's EC2 model (botocore
# 1.42.34) lacks, as botocore 1.44.8's ec2 service-2.json defines them.
_SPEC_SHAPES = {
    "TagKey": {"type": "string", "max": 128, "min": 1},
    "TagKeyList": {"type": "list", "member": {"shape": "TagKey", "locationName": "item"}, "max": 2, "min": 1},
    "TaggableResourceType": {"type": "string", "enum": ["network-interface", "instance", "auto-scaling-group"]},
    "TagFieldSpecificationRequest": {"type": "structure", "members": {
        "ResourceType": {"shape": "TaggableResourceType"},
        "TagKeys": {"shape": "TagKeyList", "locationName": "TagKey"}}},
    "TagFieldSpecificationListRequest": {
        "type": "list", "member": {"shape": "TagFieldSpecificationRequest", "locationName": "item"}, "max": 3, "min": 1},
    "TagFieldSpecificationResponse": {"type": "structure", "members": {
        "ResourceType": {"shape": "TaggableResourceType", "locationName": "resourceType"},
        "TagKeys": {"shape": "TagKeyList", "locationName": "tagKeySet"}}},
    "TagFieldSpecificationListResponse": {
        "type": "list", "member": {"shape": "TagFieldSpecificationResponse", "locationName": "item"}, "max": 3, "min": 1},
}
_SPEC_MEMBERS = {
    "CreateFlowLogsRequest": {"shape": "TagFieldSpecificationListRequest", "locationName": "TagFieldSpecification"},
    "FlowLog": {"shape": "TagFieldSpecificationListResponse", "locationName": "tagFieldSpecificationSet"},
}
_RESOURCE_TYPES = ["VPC", "Subnet", "NetworkInterface", "TransitGateway", "TransitGatewayAttachment",
                   "RegionalNatGateway", "CoreNetwork", "CoreNetworkEdge", "CoreNetworkAttachment"]


def _patch_ec2_spec():
    """Add TagFieldSpecifications and the Cloud WAN resource types to LocalStack's EC2 model."""
    from localstack.aws import spec

    ops = [{"op": "add", "path": "/shapes/" + name, "value": shape} for name, shape in _SPEC_SHAPES.items()]
    ops += [{"op": "add", "path": "/shapes/%s/members/TagFieldSpecifications" % shape, "value": member}
            for shape, member in _SPEC_MEMBERS.items()]
    ops.append({"op": "add", "path": "/shapes/FlowLogsResourceType/enum", "value": _RESOURCE_TYPES})
    key = "ec2/2016-11-15/service-2"
    spec.loader.patches[key] = list(spec.loader.patches.get(key) or []) + ops
    # Forget an EC2 model loaded before this hook (none is, with lazy loading).
    for cached in [k for k in spec.loader._cache if any("ec2" in str(part) for part in k)]:
        del spec.loader._cache[cached]


def _fix_cloudwatch_delivery_status(flow_log, context) -> None:
    """moto checks that the log group exists only when it is named by LogGroupName.

    Given as ``LogDestination`` (a log-group ARN) instead, moto looks up ``None``
    and marks an existing group's flow log DeliverLogsStatus FAILED ("Access
    error").  Look the group up by the name in the ARN instead.
    """
    if flow_log.log_destination_type != "cloud-watch-logs" or flow_log.log_group_name:
        return
    if flow_log.deliver_logs_status != "FAILED" or not flow_log.log_destination:
        return
    from moto.logs.models import logs_backends

    # arn:aws:logs:<region>:<account>:log-group:<name>[:*]
    parts = flow_log.log_destination.split(":")
    if len(parts) < 7 or parts[5] != "log-group":
        return
    name = parts[6]
    if name in logs_backends[context.account_id][context.region].groups:
        flow_log.deliver_logs_status = "SUCCESS"
        flow_log.deliver_logs_error_message = None


def _exists(backend, resource_type, resource_id):
    """Whether moto knows the resource; None where the emulator cannot tell.

    VPCs, subnets and network interfaces are left to moto's own check (it raises
    Invalid...ID.NotFound).  Cloud WAN is not emulated by LocalStack's free edition.
    """
    stores = {
        "TransitGateway": "transit_gateways",
        "TransitGatewayAttachment": "transit_gateway_attachments",
        "RegionalNatGateway": "nat_gateways",
    }
    if resource_type not in stores:
        return None
    return resource_id in getattr(backend, stores[resource_type], {})


_DEFAULT_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
_DEFAULT_OPTIONS = {"FileFormat": "plain-text", "HiveCompatiblePartitions": False, "PerHourPartition": False}

# The configuration of the CreateFlowLogs request being served by this thread.
_creating = threading.local()


def _options(options):
    merged = dict(_DEFAULT_OPTIONS)
    merged.update({k: v for k, v in (options or {}).items() if v is not None})
    merged["HiveCompatiblePartitions"] = str(merged["HiveCompatiblePartitions"]).lower() == "true"
    merged["PerHourPartition"] = str(merged["PerHourPartition"]).lower() == "true"
    return merged


def _request_configuration(request):
    return {
        "traffic_type": request.get("TrafficType"),
        "log_format": request.get("LogFormat") or _DEFAULT_FORMAT,
        # AWS's default is 600, except for the types that allow only 60.
        "max_aggregation_interval": int(request.get("MaxAggregationInterval")
                                        or (60 if request.get("ResourceType") in flow_log_rules.NO_TRAFFIC_TYPE
                                            else 600)),
        "deliver_logs_permission_arn": request.get("DeliverLogsPermissionArn"),
        "options": _options(request.get("DestinationOptions")),
    }


def _same_configuration(flow_log, configuration) -> bool:
    """Whether an existing moto flow log has the configuration being created."""
    return (
        flow_log.traffic_type == configuration["traffic_type"]
        and (flow_log.log_format or _DEFAULT_FORMAT) == configuration["log_format"]
        and int(flow_log.max_aggregation_interval or 600) == configuration["max_aggregation_interval"]
        and flow_log.deliver_logs_permission_arn == configuration["deliver_logs_permission_arn"]
        and _options(flow_log.flowlogs_destination_options) == configuration["options"]
    )


# Priority above LocalStack's eager service loading (0), so that even with
# EAGER_SERVICE_LOADING=1 the EC2 dispatch table is built from the patched method.
@hooks.on_infra_start(priority=50)
def flowlogs_patch_flow_log_destination_options():
    from localstack.aws.api import CommonServiceException
    from localstack.services.ec2.provider import Ec2Provider
    from localstack.utils.patch import patch
    from moto.ec2.models import ec2_backends
    from moto.ec2.models.flow_logs import FlowLogs
    from moto.ec2.models.flow_logs import FlowLogsBackend
    from moto.ec2.responses import flow_logs as moto_responses

    if getattr(FlowLogs, "flowlogs_destination_options", "unset") != "unset":
        return  # already applied

    template = moto_responses.DESCRIBE_FLOW_LOGS_RESPONSE
    if _ANCHOR not in template:
        # A different moto: do not guess, leave it unpatched and say so in the log.
        LOG.warning("flowlogs extension: moto's DescribeFlowLogs template changed; "
                    "DestinationOptions will not round-trip")
        return

    # Class-level defaults: flow logs created any other way (CloudFormation, or
    # before the patch) render as if the options had been left out.
    FlowLogs.flowlogs_destination_options = None
    FlowLogs.flowlogs_deliver_cross_account_role = None
    FlowLogs.flowlogs_tag_field_specifications = None
    template = template.replace(_ANCHOR, _ANCHOR + _EXTRA, 1)
    moto_responses.DESCRIBE_FLOW_LOGS_RESPONSE = template.replace(_TRAFFIC_TYPE, _TRAFFIC_TYPE_IF_SET, 1)
    _patch_ec2_spec()

    # moto refuses ids of kinds it does not know ("InvalidID"), such as Cloud WAN's
    # core-network-... and attachment-...; flow_log_rules has checked their form.
    validate_resource_ids = moto_responses.validate_resource_ids

    def validate_known_resource_ids(resource_ids):
        known = [rid for rid in resource_ids if not flow_log_rules.is_cloud_wan_id(rid)]
        return validate_resource_ids(known) if known or not resource_ids else True

    moto_responses.validate_resource_ids = validate_known_resource_ids

    # localstack.utils.patch keeps the @handler metadata (functools.wraps), so the
    # EC2 dispatch table still maps CreateFlowLogs to this method.
    # moto's duplicate check calls describe_flow_logs() with no arguments while a
    # create is in progress: show it only the flow logs with the same configuration.
    @patch(FlowLogsBackend.describe_flow_logs)
    def describe_flow_logs(fn, self, flow_log_ids=None, filters=None):
        found = fn(self, flow_log_ids, filters)
        configuration = getattr(_creating, "configuration", None)
        if configuration is None or flow_log_ids or filters:
            return found
        return [flow_log for flow_log in found if _same_configuration(flow_log, configuration)]

    @patch(Ec2Provider.create_flow_logs)
    def create_flow_logs(fn, self, context, request, **kwargs):
        backend = ec2_backends[context.account_id][context.region]
        try:
            flow_log_rules.check(request, context.region, lambda kind, rid: _exists(backend, kind, rid),
                                 context.account_id)
        except flow_log_rules.Refused as refused:
            raise CommonServiceException(code=refused.code, message=refused.message)
        destination = request.get("LogDestination") or ""
        if request.get("LogDestinationType") == "kinesis-data-firehose":
            # The stream's own account and region (a stream of another account, cross-account delivery).
            if not firehose.stream_exists(destination):
                # As for a bucket that does not exist (see the README, (c)): nothing created, one
                # Unsuccessful entry per resource.  AWS's exact text is not published; ours.
                return {"FlowLogIds": [], "Unsuccessful": [
                    {"ResourceId": rid, "Error": {"Code": "400", "Message": "LogDestination: {0} does not exist".format(
                        destination)}} for rid in request.get("ResourceIds") or []]}
            # "AWS gives this tag to the destination delivery stream when you set up the logging"
            # ("Logs sent to Firehose", Amazon CloudWatch Logs User Guide).
            firehose.tag_for_log_delivery(destination)
        _creating.configuration = _request_configuration(request)
        try:
            response = fn(self, context, request, **kwargs)
        finally:
            _creating.configuration = None
        options = request.get("DestinationOptions")
        role = request.get("DeliverCrossAccountRole")
        tag_fields = request.get("TagFieldSpecifications")
        no_traffic_type = request.get("ResourceType") in flow_log_rules.NO_TRAFFIC_TYPE
        for flow_log_id in response.get("FlowLogIds") or []:
            flow_log = backend.flow_logs.get(flow_log_id)
            if flow_log is None:
                continue
            if options:
                flow_log.flowlogs_destination_options = dict(options)
            if role:
                flow_log.flowlogs_deliver_cross_account_role = role
            if tag_fields:
                flow_log.flowlogs_tag_field_specifications = [
                    {"ResourceType": spec["ResourceType"], "TagKeys": list(spec["TagKeys"])} for spec in tag_fields]
            if no_traffic_type and request.get("MaxAggregationInterval") is None:
                flow_log.max_aggregation_interval = 60
            _fix_cloudwatch_delivery_status(flow_log, context)
        return response

    LOG.debug("flowlogs extension: flow-log DestinationOptions patch applied")
