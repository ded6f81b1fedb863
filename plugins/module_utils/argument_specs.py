# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument-spec pieces shared by the modules, so an option means the same everywhere.

The settings of a flow log (``flow_log_settings_spec``) are ec2_vpc_flow_log's options and the
suboptions of each of ec2_vpc_flow_logs' ``definitions``; how a change is applied
(``flow_log_apply_spec``) is shared by both modules too.

``destination_options`` (CreateFlowLogs ``DestinationOptions`` of an S3 flow log) is taken by
ec2_vpc_flow_log (to create the flow log), glue_flow_log_table (its partition keys and column
types follow it) and athena_named_queries (per table); its documentation is the doc fragment
``flowlogs.aws.destination_options``. The defaults are AWS's ("DestinationOptionsRequest",
Amazon EC2 API Reference).
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FILE_FORMATS
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import RESOURCE_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import UNSUPPORTED_RESOURCE_TYPES


def destination_options_spec(default=None):
    """The ``destination_options`` option; ``default={}`` where "not given" means AWS's defaults."""
    spec = dict(
        type="dict",
        options=dict(
            file_format=dict(type="str", default="plain-text", choices=list(FILE_FORMATS)),
            hive_compatible_partitions=dict(type="bool", default=False),
            per_hour_partition=dict(type="bool", default=False),
        ),
    )
    if default is not None:
        spec["default"] = default
    return spec


# CreateFlowLogs TagFieldSpecifications ResourceType values (the EC2 API's enum).
TAG_FIELD_RESOURCE_TYPES = ["network-interface", "instance", "auto-scaling-group"]


def flow_log_settings_spec():
    """The settings of one flow-log definition: ec2_vpc_flow_log's options, ec2_vpc_flow_logs' definitions[]."""
    return dict(
        # Every FlowLogsResourceType value; the unsupported ones are refused by build_desired with the reason.
        resource_type=dict(type="str", default="VPC",
                           choices=list(RESOURCE_TYPES) + sorted(UNSUPPORTED_RESOURCE_TYPES)),
        resource_ids=dict(type="list", elements="str", aliases=["resource_id"]),
        traffic_type=dict(type="str", choices=["ACCEPT", "REJECT", "ALL"]),
        log_destination_type=dict(
            type="str", default="cloud-watch-logs", choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"]
        ),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str", aliases=["iam_role_arn"]),
        deliver_cross_account_role=dict(type="str"),
        log_format=dict(type="str"),
        tag_field_specifications=tag_field_specifications_spec(),
        max_aggregation_interval=dict(type="int", choices=[60, 600]),
        destination_options=destination_options_spec(),
    )


def tag_field_specifications_spec():
    """The ``tag_field_specifications`` option (CreateFlowLogs ``TagFieldSpecifications``)."""
    return dict(
        type="list", elements="dict",
        options=dict(
            resource_type=dict(type="str", required=True, choices=TAG_FIELD_RESOURCE_TYPES),
            tag_keys=dict(type="list", elements="str", required=True, no_log=False),
        ),
    )


def flow_log_apply_spec():
    """How the flow-log modules apply a change: ownership, waiting, IAM propagation (doc fragment flow_log_apply)."""
    return dict(
        adopt=dict(type="bool", default=False),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
        role_propagation_timeout=dict(type="int", default=120),
    )
