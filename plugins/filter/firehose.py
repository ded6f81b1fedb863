# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters for the kinesis-data-firehose destination: the stream name rule, the IAM and S3
documents, and the two roles of delivery from flow logs of another account.

Documented in the sidecars ``plugins/filter/<filter_name>.yml``; the logic is
``plugins/module_utils/firehose_streams.py``, unit-tested there. Its errors (ProblemsError) become
AnsibleFilterError with the same message.
"""

import functools

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import cross_account_role_names
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import firehose_destination_role
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import firehose_policies
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import firehose_role_name
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import firehose_source_role
from ansible_collections.flowlogs.aws.plugins.module_utils.firehose_streams import stream_name_problems
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError


def _filter_errors(func):
    """Turn ProblemsError into AnsibleFilterError with the same message."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ProblemsError as error:
            raise AnsibleFilterError("{0}: {1}".format(func.__name__, error)) from error

    return wrapper


class FilterModule(object):
    """flowlogs.aws Firehose filters."""

    def filters(self):
        return {"firehose_policies": _filter_errors(firehose_policies), "firehose_role_name": firehose_role_name,
                "firehose_stream_problems": stream_name_problems,
                "firehose_destination_role": _filter_errors(firehose_destination_role),
                "firehose_source_role": _filter_errors(firehose_source_role),
                "firehose_cross_account_role_names": cross_account_role_names}
