# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adopt option and the ownership rule, shared by every module that creates resources; the tags
of the modules that own one taggable resource (``flowlogs.aws.ownership.tags``)."""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  adopt:
    description:
      - Take over a matching resource that the collection did not create (one without the
        C(managed-by=flowlogs.aws) tag); it is then tagged, modified and, later, deleted like one the
        collection created.
      - When V(false), such a resource is reported in the result and left exactly as it is.
    type: bool
    default: false
notes:
  - Everything the collection creates carries the tag C(managed-by=flowlogs.aws). The modules always add it,
    whatever C(tags) and C(purge_tags) say (where a module has them), and refuse a C(tags) value that
    changes it. Only resources that carry it are modified, retagged or deleted, unless O(adopt=true).
"""

    # The tags of a module that owns one resource (cloudwatchlogs_log_group, s3_flow_log_bucket, iam_delivery_role).
    TAGS = r"""
options:
  tags:
    description:
      - Tags of the resource. The module always adds C(managed-by=flowlogs.aws).
      - Omitted - the tags of an existing resource are left as they are (the marker is still added on adoption).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags not in O(tags). Ignored when O(tags) is omitted.
    type: bool
    default: true
"""
