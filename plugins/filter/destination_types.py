# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja2 filters over the destination-type registry (plugins/module_utils/destination_types.py).

Documented in the sidecars ``plugins/filter/<filter_name>.yml``. The roles ask the registry
what a type needs (its task files, delivery role, query side, what the flow log sends)
instead of branching on the type's name, so a new type is one registry entry plus its own
task files.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import DestinationTypeError
from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import destination_type
from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import destination_types
from ansible_collections.flowlogs.aws.plugins.module_utils.destination_types import flow_log_destination


def _filter_errors(func):
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DestinationTypeError as error:
            raise AnsibleFilterError(str(error)) from error

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


class FilterModule(object):
    """flowlogs.aws destination-type filters."""

    def filters(self):
        return {
            "destination_type": _filter_errors(destination_type),
            "destination_types": _filter_errors(destination_types),
            "flow_log_destination": _filter_errors(flow_log_destination),
        }
