# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument-spec pieces shared by the modules, so an option means the same everywhere.

``destination_options`` (CreateFlowLogs ``DestinationOptions`` of an S3 flow log) is taken by
ec2_vpc_flow_log (to create the flow log), glue_flow_log_table (its partition keys and column
types follow it) and athena_named_queries (per table); its documentation is the doc fragment
``flowlogs.aws.destination_options``. The defaults are AWS's ("DestinationOptionsRequest",
Amazon EC2 API Reference).
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FILE_FORMATS


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
