# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hand-written saved queries and the purge option, of athena_named_queries and athena_flow_logs.

Their argument spec is ``module_utils/named_queries.queries_spec``.
"""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  queries:
    description: Queries given explicitly (in addition to the generated ones).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The query name, unique within the set.
        type: str
        required: true
      query_string:
        description: The SQL text.
        type: str
        required: true
        aliases: [query]
      description:
        description: The description (the set marker is appended).
        type: str
      database:
        description: The database, when not O(database).
        type: str
  purge:
    description:
      - Delete the queries of O(query_set) in the workgroup that are not wanted any more (for example after a format
        change left a query without its fields). Queries of other sets and hand-made ones are never purged.
    type: bool
    default: false
"""
