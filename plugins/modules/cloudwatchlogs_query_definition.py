#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatchlogs_query_definition
short_description: Manage CloudWatch Logs Insights query definitions (saved queries), many at once
version_added: 0.1.0
description:
  - Create, update and delete CloudWatch Logs Insights query definitions, the saved queries of the
    CloudWatch console, with their query string and the log groups they run on.
  - Many definitions are handled in one task with one paginated C(DescribeQueryDefinitions) listing.
    A re-run where nothing changed only reads.
  - Definitions are identified by O(query_definitions[].name). A missing one is created; one whose query
    string or log groups differ is updated in place and keeps its id; an identical one is left alone.
    When several of the collection's definitions share a name, one is kept and the others are deleted.
  - >-
    Ownership: query definitions take no tags, so every definition the module saves ends with the Logs Insights comment
    line C(# managed-by=flowlogs.aws) (comments are ignored when the query runs; see "Use aliases and comments in
    queries" in the Amazon CloudWatch Logs User Guide). O(query_definitions[].query_string) and the results do not
    include that line. Only definitions with it are updated, purged or deleted. A definition with a wanted name but
    without it is foreign: it is left as it is, listed in RV(foreign), and the wanted one is not saved beside it,
    unless O(adopt=true). A definition without the line that is identical to the wanted one (the same query string
    and log groups) is taken over, since that changes nothing anyone wrote.
  - A C(/) in a name puts the definition in a folder of the CloudWatch console; O(name_prefix) with
    O(purge=true) makes the task own such a folder, deleting definitions in it that are not listed.
  - Every parameter is validated before any API call.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) makes sure the definitions in O(query_definitions) exist exactly as given.
      - V(absent) deletes the definitions named in O(query_definitions) (only their names are needed),
        or, when O(query_definitions) is omitted, every definition whose name starts with O(name_prefix).
    type: str
    choices: [present, absent]
    default: present
  query_definitions:
    description:
      - The query definitions. Names must be unique in the list.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The name of the definition, 1 to 255 characters. C(/) separates console folders.
          - Must start with O(name_prefix) when that is set.
        type: str
        required: true
      query_string:
        description:
          - The Logs Insights query. Required when O(state=present).
          - AWS allows 10000 characters; the ownership line takes 26 of them.
        type: str
      log_group_names:
        description:
          - The log groups the query runs on. Defaults to O(log_group_names).
          - An empty list saves the definition without log groups.
        type: list
        elements: str
  log_group_names:
    description:
      - The log groups of every definition that does not list its own.
      - The order does not matter; definitions are compared as sets of log groups.
    type: list
    elements: str
  name_prefix:
    description:
      - The scope of the task, for example a console folder such as V(flowlogs/prod/). Definitions are listed
        with this prefix, every name in O(query_definitions) must start with it, O(purge=true) deletes the
        definitions under it that are not listed, and O(state=absent) without O(query_definitions) deletes all
        of them.
    type: str
  purge:
    description:
      - With O(state=present), delete the definitions whose name starts with O(name_prefix) and that are not in
        O(query_definitions). Requires O(name_prefix).
    type: bool
    default: false
notes:
  - Query definitions have no tags in the CloudWatch Logs API.
  - Only the default query language (C(CWLI), Logs Insights QL) is managed.
  - Check mode reports exactly which definitions would be created, updated and deleted and changes nothing.
  - Diff mode shows the definitions in scope before and after.
  - When an AWS call fails, the failure names the operation, and RV(created), RV(updated) and RV(deleted) list what
    was done before it.
  - "IAM permissions: C(logs:DescribeQueryDefinitions), C(logs:PutQueryDefinition), C(logs:DeleteQueryDefinition)."
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - flowlogs.aws.ownership
seealso:
  - module: flowlogs.aws.cloudwatchlogs_query_definition_info
  - name: CloudWatch Logs Insights query syntax
    description: The query language of O(query_definitions[].query_string).
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
"""

EXAMPLES = r"""
- name: Save two queries for a flow-log log group in the console folder flowlogs/prod
  flowlogs.aws.cloudwatchlogs_query_definition:
    log_group_names: [/aws/vpc-flow-logs/prod]
    name_prefix: flowlogs/prod/
    purge: true
    query_definitions:
      - name: flowlogs/prod/Rejected connections
        query_string: |-
          filter action = "REJECT"
          | fields @timestamp, srcAddr, dstAddr, dstPort
          | sort @timestamp desc
          | limit 20
      - name: flowlogs/prod/Top talkers by bytes
        query_string: |-
          stats sum(bytes) as totalBytes by srcAddr, dstAddr
          | sort totalBytes desc
          | limit 10

- name: Queries generated from a custom flow-log format (parse clause included)
  flowlogs.aws.cloudwatchlogs_query_definition:
    log_group_names: [/aws/vpc-flow-logs/prod]
    name_prefix: flowlogs/prod/
    purge: true
    query_definitions: "{{ (flow_log_format | flowlogs.aws.flow_log_insights_queries(folder='flowlogs/prod')).query_definitions }}"

- name: Remove every saved query in the folder
  flowlogs.aws.cloudwatchlogs_query_definition:
    state: absent
    name_prefix: flowlogs/prod/
"""

RETURN = r"""
query_definitions:
  description:
    - With O(state=present), the definitions as they are after the task, in the order of O(query_definitions).
      In check mode, definitions that would be created have no C(query_definition_id).
    - With O(state=absent), the definitions deleted (or that would be).
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
      description: The query.
      type: str
      sample: "filter action = \"REJECT\" | limit 20"
    log_group_names:
      description: The log groups, sorted.
      type: list
      elements: str
      sample: [/aws/vpc-flow-logs/prod]
created:
  description: The names of the definitions created.
  returned: always
  type: list
  elements: str
  sample: [flowlogs/prod/Rejected connections]
updated:
  description: The names of the definitions updated in place.
  returned: always
  type: list
  elements: str
  sample: [flowlogs/prod/Top talkers by bytes]
deleted:
  description: The definitions deleted (duplicates, purged, or absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
    query_definition_id:
      description: The id.
      type: str
  sample: [{name: flowlogs/prod/Old query, query_definition_id: 0c1f2a44-1111-4e0b-a3c2-9f1e5d4c3b2a}]
foreign:
  description:
    - Definitions in scope that the collection did not save (no C(# managed-by=flowlogs.aws) line), left as they are.
      Empty with O(adopt=true).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name.
      type: str
    query_definition_id:
      description: The id.
      type: str
  sample: [{name: flowlogs/prod/Top talkers by bytes, query_definition_id: 9a1f2a44-1111-4e0b-a3c2-9f1e5d4c3b2a}]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import QueryDefinitionError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import QueryDefinitionManager


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        query_definitions=dict(
            type="list",
            elements="dict",
            options=dict(
                name=dict(type="str", required=True),
                query_string=dict(type="str"),
                log_group_names=dict(type="list", elements="str"),
            ),
        ),
        log_group_names=dict(type="list", elements="str"),
        name_prefix=dict(type="str"),
        purge=dict(type="bool", default=False),
        adopt=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[("state", "absent", ("query_definitions", "name_prefix"), True),
                     ("purge", True, ("name_prefix",))],
    )
    try:
        manager = QueryDefinitionManager(module)
    except QueryDefinitionError as e:
        module.fail_json(msg="Invalid query definition parameters: {0}".format(e), problems=e.problems)
    scope = module.params["name_prefix"] or ", ".join(d["name"] for d in module.params["query_definitions"] or [])
    run(module, manager, "query definitions {0}".format(scope))


if __name__ == "__main__":
    main()
