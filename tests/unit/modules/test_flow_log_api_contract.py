"""The flow-log modules against the EC2 API as the installed botocore describes it.

Each test reads the service model (or its documentation strings) so that a change in the
API fails here until the modules follow it: a new resource type, destination or traffic
type, other ResourceIds maxima or aggregation rules, a new request or response member.
"""

import importlib
import re

import botocore.session
import pytest
import yaml

from ansible_collections.flowlogs.aws.plugins.module_utils import argument_specs
from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_format
from ansible_collections.flowlogs.aws.plugins.module_utils import flow_log_settings as settings
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_log
from ansible_collections.flowlogs.aws.plugins.modules import ec2_vpc_flow_log_info

MODEL = botocore.session.get_session().get_service_model("ec2")
CREATE = MODEL.operation_model("CreateFlowLogs").input_shape
FLOW_LOG = MODEL.shape_for("FlowLog")


def options(module):
    """The module's documented options, with those of the collection's doc fragments it extends."""
    documentation = yaml.safe_load(module.DOCUMENTATION)
    found = {}
    for name in documentation.get("extends_documentation_fragment", []):
        if name.startswith("flowlogs.aws."):
            parts = name.split(".")[2:]
            fragment = importlib.import_module(
                "ansible_collections.flowlogs.aws.plugins.doc_fragments." + parts[0]).ModuleDocFragment
            found.update(yaml.safe_load(getattr(fragment, (parts[1] if len(parts) > 1 else "documentation").upper()))
                         .get("options", {}))
    found.update(documentation["options"])
    return found


def doc(shape_member):
    """A member's documentation as plain text."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shape_member.documentation)).strip()


def s3_params(resource_type, resource_id, **extra):
    params = {"resource_type": resource_type, "resource_ids": [resource_id], "log_destination_type": "s3",
              "log_destination": "arn:aws:s3:::central-flow-logs"}
    params.update(extra)
    return params


def test_every_resource_type_is_supported_or_refused_with_a_reason():
    api_types = set(MODEL.shape_for("FlowLogsResourceType").enum)
    assert set(settings.RESOURCE_TYPES) | set(settings.UNSUPPORTED_RESOURCE_TYPES) == api_types
    assert not set(settings.RESOURCE_TYPES) & set(settings.UNSUPPORTED_RESOURCE_TYPES)
    assert set(options(ec2_vpc_flow_log)["resource_type"]["choices"]) == api_types
    # The format engine knows every type too (and which records each one writes).
    assert set(flow_log_format.RESOURCE_TYPES) == api_types
    for name, reason in settings.UNSUPPORTED_RESOURCE_TYPES.items():
        with pytest.raises(settings.FlowLogSettingsError) as info:
            settings.build_desired(s3_params(name, "anything"))
        assert info.value.problems == ["resource_type {0} is not supported: {1}".format(name, reason)]


def test_log_format_points_to_the_record_pages_the_engine_follows():
    # CreateFlowLogs' LogFormat names one page of fields per record kind; the engine cites the
    # same three and maps every resource type to one of them (Cloud WAN: refused, see
    # test_flow_log_format_catalogues), so a new page or record kind fails here.
    documentation = CREATE.members["LogFormat"].documentation
    assert re.findall(r'href="([^"]+)"', documentation) == list(flow_log_format.RECORD_PAGES.values())
    assert list(flow_log_format.RECORD_PAGES) == ["VPC", "transit gateway", "Cloud WAN"]
    assert "Cloud WAN Flow Log records" in doc(CREATE.members["LogFormat"])
    kinds = {}
    for name in MODEL.shape_for("FlowLogsResourceType").enum:
        if name in flow_log_format.CLOUD_WAN_RECORD_TYPES:
            with pytest.raises(flow_log_format.FlowLogFormatError) as info:
                flow_log_format.catalogue(name)
            assert flow_log_format.RECORD_PAGES["Cloud WAN"] in str(info.value)
            kinds[name] = "Cloud WAN"
        elif flow_log_format.catalogue(name) == flow_log_format.TRANSIT_GATEWAY_FIELDS:
            kinds[name] = "transit gateway"
        else:
            assert flow_log_format.catalogue(name) == flow_log_format.VPC_FIELDS
            kinds[name] = "VPC"
    assert set(kinds.values()) == set(flow_log_format.RECORD_PAGES)


def test_destination_and_traffic_types_are_the_api_ones():
    destinations = MODEL.shape_for("LogDestinationType").enum
    traffic = MODEL.shape_for("TrafficType").enum
    for module in (ec2_vpc_flow_log, ec2_vpc_flow_log_info):
        assert options(module)["log_destination_type"]["choices"] == destinations
        assert options(module)["traffic_type"]["choices"] == traffic
    assert options(ec2_vpc_flow_log)["log_destination_type"]["default"] == "cloud-watch-logs"
    assert "Default: cloud-watch-logs" in doc(CREATE.members["LogDestinationType"])


def test_batches_follow_the_documented_resource_ids_maxima():
    text = doc(CREATE.members["ResourceIds"])
    match = re.search(r"Maximum of (\d+) for transit gateway resource types\. "
                      r"Maximum of (\d+) for the other resource types\.", text)
    assert match, text
    transit_gateway_max, other_max = int(match.group(1)), int(match.group(2))
    # Only transit gateway types get the smaller maximum: the rule does not name Cloud WAN,
    # unlike TrafficType and MaxAggregationInterval, which name both.
    assert "Cloud WAN" not in text
    for name in settings.RESOURCE_TYPES:
        expected = transit_gateway_max if name in flow_log_format.TRANSIT_GATEWAY_RECORD_TYPES else other_max
        assert settings.max_resource_ids(name) == expected, name


def _fixed_types():
    """Resource types the API calls 'transit gateway or Cloud WAN resource types'."""
    return flow_log_format.TRANSIT_GATEWAY_RECORD_TYPES | flow_log_format.CLOUD_WAN_RECORD_TYPES


def test_traffic_type_is_refused_exactly_where_the_api_does_not_support_it():
    assert ("not supported for transit gateway or Cloud WAN resource types. "
            "It is required for the other resource types") in doc(CREATE.members["TrafficType"])
    for name, resource_type in settings.RESOURCE_TYPES.items():
        fixed = name in _fixed_types()
        assert settings.takes_traffic_type(name) is not fixed
        desired = settings.build_desired(s3_params(name, resource_type.example))
        assert ("TrafficType" in settings.create_request(desired)) is not fixed
        if fixed:
            with pytest.raises(settings.FlowLogSettingsError):
                settings.build_desired(s3_params(name, resource_type.example, traffic_type="ALL"))


def test_aggregation_interval_rules():
    text = doc(CREATE.members["MaxAggregationInterval"])
    assert "The possible values are 60 seconds (1 minute) or 600 seconds (10 minutes)" in text
    assert "must be 60 seconds for transit gateway and Cloud WAN resource types" in text
    assert "Default: 600" in text
    assert settings.AGGREGATION_INTERVALS == (60, 600)
    assert options(ec2_vpc_flow_log)["max_aggregation_interval"]["choices"] == [60, 600]
    for name, resource_type in settings.RESOURCE_TYPES.items():
        desired = settings.build_desired(s3_params(name, resource_type.example))
        fixed = name in _fixed_types()
        assert desired["max_aggregation_interval"] == (60 if fixed else 600)
        if fixed:
            with pytest.raises(settings.FlowLogSettingsError):
                settings.build_desired(s3_params(name, resource_type.example, max_aggregation_interval=600))
        else:
            settings.build_desired(s3_params(name, resource_type.example, max_aggregation_interval=60))


def test_every_create_flow_logs_member_is_handled():
    assert set(CREATE.members) == set(settings.CREATE_FLOW_LOGS_MEMBERS)
    desired = settings.build_desired({
        "resource_type": "NetworkInterface", "resource_ids": ["eni-0123456789abcdef0"],
        "log_destination_type": "s3", "log_destination": "arn:aws:s3:::central-flow-logs",
        "log_format": "${version} ${instance-tag}",
        "tag_field_specifications": [{"resource_type": "instance", "tag_keys": ["Name"]}],
    })
    request = settings.create_request(desired)
    assert set(request) <= set(CREATE.members)
    # What create_request leaves out is added per call by flow_log_api, or deliberately never sent.
    assert set(CREATE.members) - set(request) == {"DryRun", "ClientToken", "ResourceIds", "TagSpecifications",
                                                  "LogGroupName", "DeliverLogsPermissionArn",
                                                  "DeliverCrossAccountRole"}


def test_every_flow_log_member_is_handled():
    assert set(FLOW_LOG.members) == set(settings.FLOW_LOG_MEMBERS)


def test_nested_shapes_match_the_options():
    options_shape = CREATE.members["DestinationOptions"]
    assert set(options_shape.members) == set(settings.DEFAULT_DESTINATION_OPTIONS)
    assert options_shape.members["FileFormat"].enum == list(flow_log_format.FILE_FORMATS)
    sub = options(ec2_vpc_flow_log)["destination_options"]["suboptions"]
    assert sub["file_format"]["choices"] == options_shape.members["FileFormat"].enum
    spec = CREATE.members["TagFieldSpecifications"].member
    assert set(spec.members) == {"ResourceType", "TagKeys"}
    tag_options = options(ec2_vpc_flow_log)["tag_field_specifications"]["suboptions"]
    assert tag_options["resource_type"]["choices"] == spec.members["ResourceType"].enum
    assert argument_specs.TAG_FIELD_RESOURCE_TYPES == spec.members["ResourceType"].enum
    assert CREATE.members["TagFieldSpecifications"].metadata == {"min": 1, "max": 3}
    assert spec.members["TagKeys"].metadata == {"min": 1, "max": 2}
