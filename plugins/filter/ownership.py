# -*- coding: utf-8 -*-
# Copyright: Contributors to the flowlogs.aws collection
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ownership marker (plugins/module_utils/ownership.py) for roles that call other modules.

Roles that create resources through amazon.aws modules tag them with these filters, and
check what exists with them, so the marker and its rules stay in one place.
Each filter is documented in the sidecar ``plugins/filter/<filter_name>.yml``.
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.flowlogs.aws.plugins.module_utils import ownership as _ownership


def _tags(value, name):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AnsibleFilterError("{0} must be a dict of tags, got {1!r}".format(name, value))
    return value


def with_ownership_marker(tags):
    """The tags to apply: the user's tags plus the marker."""
    return _ownership.with_marker(_tags(tags, "with_ownership_marker input"))


def ownership_marker_problems(tags, field="tags"):
    """Problems with user tags that would change the marker (a list, empty when none)."""
    return _ownership.marker_problems(_tags(tags, field), field)


def ownership_is_managed(tags):
    """True when existing tags carry the marker."""
    return _ownership.is_managed(_tags(tags, "ownership_is_managed input"))


class FilterModule(object):
    """flowlogs.aws ownership filters."""

    def filters(self):
        return {
            "with_ownership_marker": with_ownership_marker,
            "ownership_marker_problems": ownership_marker_problems,
            "ownership_is_managed": ownership_is_managed,
        }
