# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection owns: one marker, set on everything it creates.

Why one place: ownership decides what a run may modify, retag or delete. It used to rest
on a tag users could drop from ``*_tags``; now every module adds the marker itself, users
cannot remove or change it through their tags, and a resource without it is foreign:
reported and left alone, unless the user asks to adopt it (``adopt: true``).
The marker is the tag the first release already put on everything, so resources made
by that release are still recognised.
"""

MANAGED_BY_KEY = "managed-by"
MANAGED_BY_VALUE = "flowlogs.aws"
MARKER = {MANAGED_BY_KEY: MANAGED_BY_VALUE}


class OwnershipError(ValueError):
    """A request that would take over or weaken what the collection does not own."""


def marker_problems(tags, field="tags"):
    """Problems with user tags that try to change the marker (empty list when none)."""
    value = (tags or {}).get(MANAGED_BY_KEY)
    if value is not None and value != MANAGED_BY_VALUE:
        return [
            "{0}.{1}: is set by the collection to {2!r} on everything it creates and cannot be "
            "changed (got {3!r}); use another tag key".format(field, MANAGED_BY_KEY, MANAGED_BY_VALUE, value)
        ]
    return []


def with_marker(tags):
    """The tags to apply: the user's tags plus the marker (the marker always wins)."""
    merged = dict(tags or {})
    merged.update(MARKER)
    return merged


def is_managed(tags):
    """True when a resource's tags (a dict) carry the marker."""
    return (tags or {}).get(MANAGED_BY_KEY) == MANAGED_BY_VALUE


# The tag rules IAM, S3 and CloudWatch Logs share: 50 tags a resource, keys of 1 to 128
# characters not starting with aws:, values of at most 256 ("Tag naming limits and
# requirements", Tagging AWS Resources User Guide).
TAGS_MAX = 50


def tag_problems(tags, field, limit=TAGS_MAX):
    """Problems of the tags a module writes (with the marker added), each naming ``field``."""
    problems = list(marker_problems(tags, field))
    for key, value in (tags or {}).items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or key.startswith("aws:"):
            problems.append("%s: key %r must be 1 to 128 characters, not starting with aws:" % (field, key))
        if not isinstance(value, str) or len(value) > 256:
            problems.append("%s.%s: the value must be a string of at most 256 characters" % (field, key))
    if len(with_marker(tags)) > limit:
        problems.append("%s: at most %d tags with the managed-by marker (got %d)"
                        % (field, limit, len(with_marker(tags))))
    return problems
