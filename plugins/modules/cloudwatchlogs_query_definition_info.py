#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatchlogs_query_definition_info
short_description: List CloudWatch Logs Insights query definitions (saved queries)
version_added: 0.1.0
description:
  - Lists CloudWatch Logs Insights query definitions with one paginated C(DescribeQueryDefinitions),
    optionally only those whose name starts with a prefix, has one of the given names, or runs on a log group.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  name_prefix:
    description:
      - Only definitions whose name starts with this prefix (a console folder such as V(flowlogs/prod/)).
    type: str
  names:
    description:
      - Only definitions with one of these exact names.
    type: list
    elements: str
  log_group_name:
    description:
      - Only definitions that include this log group.
    type: str
notes:
  - "IAM permission: C(logs:DescribeQueryDefinitions)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: flowlogs.aws.cloudwatchlogs_query_definition
"""

EXAMPLES = r"""
- name: List the saved queries of a folder
  flowlogs.aws.cloudwatchlogs_query_definition_info:
    name_prefix: flowlogs/prod/
  register: saved

- name: Find the saved queries that run on a flow-log log group
  flowlogs.aws.cloudwatchlogs_query_definition_info:
    log_group_name: /aws/vpc-flow-logs/prod
"""

RETURN = r"""
query_definitions:
  description: The matching definitions, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    query_definition_id:
      description: The id of the definition.
      type: str
      sample: 6e1b3ad9-5c9a-4f7e-9c59-1b0f0c4ad1a2
    name:
      description: The name.
      type: str
      sample: flowlogs/prod/Rejected connections
    query_string:
      description: The query, without the ownership line C(# managed-by=flowlogs.aws).
      type: str
      sample: "filter action = \"REJECT\" | limit 20"
    managed:
      description: Whether the definition carries the ownership line, that is, was saved by the collection.
      type: bool
      sample: true
    log_group_names:
      description: The log groups (empty when the definition has none).
      type: list
      elements: str
      sample: [/aws/vpc-flow-logs/prod]
    query_language:
      description: The query language, when AWS reports it.
      type: str
      sample: CWLI
    last_modified:
      description: When the definition was last changed, in milliseconds since the epoch.
      type: int
      sample: 1795502717026
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import describe_query_definitions
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import format_query_definition
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import listing_prefix
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import logs_client


class QueryDefinitionLister:
    def __init__(self, module):
        self.module = module
        self.results = {"changed": False, "query_definitions": []}
        self.client = logs_client(module)

    def run(self):
        names = self.module.params["names"]
        prefix = self.module.params["name_prefix"]
        # With names only, list under their common prefix: one listing, as small as possible.
        found = describe_query_definitions(self.client, prefix if prefix else listing_prefix(None, names or []))
        if prefix:
            found = [item for item in found if item.get("name", "").startswith(prefix)]
        if names is not None:
            found = [item for item in found if item.get("name") in set(names)]
        if self.module.params["log_group_name"]:
            found = [item for item in found if self.module.params["log_group_name"] in (item.get("logGroupNames") or [])]
        found = sorted(found, key=lambda item: (item.get("name") or "", item.get("queryDefinitionId") or ""))
        self.results["query_definitions"] = [format_query_definition(item) for item in found]


def main():
    argument_spec = dict(
        name_prefix=dict(type="str"),
        names=dict(type="list", elements="str"),
        log_group_name=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    prefix = module.params["name_prefix"]
    if prefix is not None and not prefix:
        module.fail_json(msg="name_prefix may not be empty; omit it to list every definition")
    run(module, QueryDefinitionLister(module), "query definitions {0}".format(prefix or "(all)"))


if __name__ == "__main__":
    main()
