# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters for the kinesis-data-firehose destination: the stream name rule, the IAM and S3 documents.

Documented in the sidecars ``plugins/filter/<filter_name>.yml``; the logic is
``plugins/module_utils/firehose_streams.py``, unit-tested there.
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import firehose_policies
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import firehose_role_name
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import stream_name_problems


class FilterModule(object):
    """flowlogs.aws Firehose filters."""

    def filters(self):
        return {"firehose_policies": firehose_policies, "firehose_role_name": firehose_role_name,
                "firehose_stream_problems": stream_name_problems}
