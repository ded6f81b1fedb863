# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The adopt option and the ownership rule, shared by every module that creates resources."""


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
