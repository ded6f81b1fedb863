# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the filter plugins: the format engine's errors become AnsibleFilterError."""

import functools

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError


def filter_errors(func):
    """Turn FlowLogFormatError into AnsibleFilterError with the engine's message."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FlowLogFormatError as error:
            raise AnsibleFilterError(str(error)) from error

    return wrapper
