#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatchlogs_flow_log_insights
short_description: Saved Logs Insights queries and the REJECT alarm of a flow-log log group, in one task
version_added: 0.2.0
description:
  - Makes the VPC flow logs of one CloudWatch Logs log group queryable and watched, in one module run - what
    M(flowlogs.aws.cloudwatchlogs_query_definition) and M(flowlogs.aws.cloudwatch_reject_alarm) do, with the same
    code, for the queries and the filter pattern generated from the log format.
  - Saved queries - the Logs Insights queries of the collection's catalogue that the format can answer (those of
    P(flowlogs.aws.flow_log_insights_queries#filter)), saved as query definitions named C(<query_folder>/<title>)
    that run on O(log_group_name). Queries whose fields the format lacks, or that only return records of an action
    O(traffic_type) never records, are not saved; RV(skipped_queries) says which and why. With O(purge_queries=true)
    the folder holds exactly these queries.
  - The REJECT alarm - with O(alarm_enabled=true), a metric filter counting the rejected records of the format (the
    pattern of P(flowlogs.aws.flow_log_reject_filter_pattern#filter)) and a CloudWatch alarm on its metric. With
    O(alarm_enabled=false) the metric filter and the alarm are deleted, if they exist.
  - Reads the metric filter, the alarm and the saved queries of the folder (three API calls) and writes only what
    differs, so a re-run where nothing changed only reads. Every parameter is validated before any API call.
  - With O(state=absent), deletes the saved queries of the folder, the alarm and the metric filter.
  - "Ownership: the saved queries follow the rule of M(flowlogs.aws.cloudwatchlogs_query_definition) - a definition
    in the folder without the C(# managed-by=flowlogs.aws) line is foreign: it is left as it is and listed in
    RV(foreign), also by O(state=absent), unless O(adopt=true)."
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) saves the queries and puts (or, with O(alarm_enabled=false), deletes) the metric filter and the
        alarm; V(absent) deletes all of them.
    type: str
    choices: [present, absent]
    default: present
  log_group_name:
    description:
      - The log group of the flow logs, on which the saved queries run and in which the metric filter is put.
      - Outside check mode it must exist when the alarm is put; the task then fails naming it before any write.
        A log group that does not exist has no metric filter to delete.
    type: str
    required: true
  log_format:
    description:
      - The record format of the flow logs in the log group (C(${field}) tokens separated by single spaces), from
        which the queries' C(parse) clause and the metric filter pattern are made.
      - Omitted - the default format.
    type: str
  traffic_type:
    description:
      - The traffic type of the flow logs in the log group. With V(ACCEPT) the queries of rejected flows are not
        saved, as they could only return nothing.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  queries:
    description:
      - The queries to save, by catalogue key, in this order. Omitted - every query of the catalogue.
    type: list
    elements: str
    choices: [top_talkers, top_talkers_by_packets, rejected_traffic, rejected_by_source, traffic_by_protocol,
              top_destination_ports, egress_by_account, egress_by_interface, ssh_rdp_traffic, traffic_over_time]
  query_folder:
    description:
      - The console folder of the saved queries, for example V(flowlogs/prod) (outer C(/) are ignored). The task owns
        the folder - O(purge_queries=true) and O(state=absent) delete the collection's definitions in it that are not
        (any more) generated.
    type: str
    required: true
  purge_queries:
    description:
      - Delete the collection's saved queries in O(query_folder) that are not generated, for example after a format
        change dropped a field some query needed.
    type: bool
    default: true
  alarm_enabled:
    description:
      - Whether the log group has the REJECT alarm. V(false) deletes the metric filter and the alarm, and the log
        format then needs no C(${action}) field.
    type: bool
    default: true
  alarm_description:
    description:
      - The alarm's description, at most 1024 characters.
      - Omitted - C(At least <threshold> rejected VPC flow log records in <period>s in <log group> (flowlogs.aws)).
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - flowlogs.aws.ownership
  - flowlogs.aws.reject_alarm
notes:
  - The adopt option concerns the saved queries only; metric filters and alarms take no tags and are found by name.
  - Check mode only reads and reports what would be created, changed and deleted; a log group that does not exist
    yet (one the same run would create) is reported as a metric filter that would be created, in RV(msg). Diff mode
    shows the saved queries, the metric filter and the alarm before and after.
  - When an AWS call fails, the failure names the operation, and RV(created), RV(updated), RV(deleted) and
    RV(changes) list what was done before it.
  - "IAM permissions: C(logs:DescribeQueryDefinitions), C(logs:PutQueryDefinition), C(logs:DeleteQueryDefinition),
    C(logs:DescribeMetricFilters), C(logs:PutMetricFilter), C(logs:DeleteMetricFilter), C(cloudwatch:DescribeAlarms),
    C(cloudwatch:PutMetricAlarm), C(cloudwatch:DeleteAlarms)."
seealso:
  - module: flowlogs.aws.cloudwatchlogs_query_definition
  - module: flowlogs.aws.cloudwatch_reject_alarm
  - name: CloudWatch Logs Insights query syntax
    description: The query language of the saved queries.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
"""

EXAMPLES = r"""
- name: The saved queries and the REJECT alarm of a custom-format flow log
  flowlogs.aws.cloudwatchlogs_flow_log_insights:
    log_group_name: /aws/vpc-flow-logs/prod
    log_format: >-
      ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets}
      ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction}
    query_folder: flowlogs/prod
    filter_name: flowlogs-prod-rejected
    metric_name: flowlogs-prod-rejected
    alarm_name: flowlogs-prod-rejected
    threshold: 50
    alarm_actions: [arn:aws:sns:eu-west-1:123456789012:network-oncall]
  register: insights

- name: Only two queries, no alarm (an existing one is deleted)
  flowlogs.aws.cloudwatchlogs_flow_log_insights:
    log_group_name: /aws/vpc-flow-logs/prod
    query_folder: flowlogs/prod
    queries: [top_talkers, rejected_traffic]
    alarm_enabled: false
    filter_name: flowlogs-prod-rejected
    alarm_name: flowlogs-prod-rejected

- name: Remove the saved queries of the folder, the metric filter and the alarm
  flowlogs.aws.cloudwatchlogs_flow_log_insights:
    state: absent
    log_group_name: /aws/vpc-flow-logs/prod
    query_folder: flowlogs/prod
    filter_name: flowlogs-prod-rejected
    alarm_name: flowlogs-prod-rejected
"""

RETURN = r"""
query_definitions:
  description:
    - The saved queries after the task, in the order of O(queries); those that would be created (check mode) have no
      C(query_definition_id). With O(state=absent), those deleted (or that would be).
    - Each has C(query_definition_id), C(name), C(query_string) (without the ownership line) and C(log_group_names),
      as RV(flowlogs.aws.cloudwatchlogs_query_definition#module:query_definitions).
  returned: always
  type: list
  elements: dict
  sample:
    - query_definition_id: 6e1b3ad9-5c9a-4f7e-9c59-1b0f0c4ad1a2
      name: flowlogs/prod/Top talkers by bytes
      query_string: "parse @message \"* * * *\" as version, srcAddr, dstAddr, bytes\n| stats sum(bytes) as totalBytes ..."
      log_group_names: [/aws/vpc-flow-logs/prod]
created:
  description: The names of the saved queries created.
  returned: always
  type: list
  elements: str
  sample: [flowlogs/prod/Top talkers by bytes]
updated:
  description: The names of the saved queries updated in place.
  returned: always
  type: list
  elements: str
  sample: []
deleted:
  description: The saved queries deleted (purged, same-name duplicates, or all with O(state=absent)), each with C(name)
    and C(query_definition_id).
  returned: always
  type: list
  elements: dict
  sample: [{name: flowlogs/prod/Old query, query_definition_id: 0c1f2a44-1111-4e0b-a3c2-9f1e5d4c3b2a}]
foreign:
  description: Saved queries in scope without the C(# managed-by=flowlogs.aws) line, left as they are (C(name) and
    C(query_definition_id) each). Empty with O(adopt=true).
  returned: always
  type: list
  elements: dict
  sample: []
skipped_queries:
  description: The queries of O(queries) not saved, each with C(key), C(title), C(missing_fields) and C(reason).
  returned: always
  type: list
  elements: dict
  sample: [{key: egress_by_account, title: Egress by account, missing_fields: [flow-direction, account-id],
            reason: "the format has no ${flow-direction}, ${account-id}"}]
parse_clause:
  description: The C(parse) clause every saved query starts with (empty with O(state=absent)).
  returned: always
  type: str
  sample: parse @message "* * * *" as version, srcAddr, dstAddr, bytes
metric_filter_pattern:
  description: The filter pattern of the metric filter (empty when the alarm is not put).
  returned: always
  type: str
  sample: '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start,
    end, action="REJECT", log_status]'
log_group_exists:
  description: Whether O(log_group_name) exists (its metric filters could be read).
  returned: always
  type: bool
  sample: true
metric_filter:
  description:
    - The metric filter after the task, or before it when it is deleted, as
      RV(flowlogs.aws.cloudwatch_reject_alarm#module:metric_filter); empty when there is none.
  returned: always
  type: dict
  sample: {}
alarm:
  description:
    - The alarm's settings after the task, or before it when it is deleted, as
      RV(flowlogs.aws.cloudwatch_reject_alarm#module:alarm); empty when there is none.
  returned: always
  type: dict
  sample: {}
changes:
  description: The metric filter and alarm write calls made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: [PutMetricFilter, PutMetricAlarm]
msg:
  description: The metric filter that would be created, when check mode finds no log group to put it in yet.
  returned: in check mode, when the alarm is put and the log group does not exist yet
  type: str
  sample: Would create the metric filter flowlogs-prod-rejected in the log group /aws/vpc-flow-logs/prod
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import TRAFFIC_TYPES
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import INSIGHTS_QUERY_KEYS
from ansible_collections.flowlogs.aws.plugins.module_utils.log_insights import FlowLogInsightsManager
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import run
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import alarm_argument_spec


def main():
    argument_spec = alarm_argument_spec()
    argument_spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        log_format=dict(type="str"),
        traffic_type=dict(type="str", default="ALL", choices=list(TRAFFIC_TYPES)),
        queries=dict(type="list", elements="str", choices=list(INSIGHTS_QUERY_KEYS)),
        query_folder=dict(type="str", required=True),
        purge_queries=dict(type="bool", default=True),
        adopt=dict(type="bool", default=False),
        alarm_enabled=dict(type="bool", default=True),
        alarm_description=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        manager = FlowLogInsightsManager(module)
    except ProblemsError as error:
        module.fail_json(msg="Invalid flow-log Insights parameters: {0}".format(error), problems=error.problems)
    run(module, manager, "saved queries in {0}, REJECT alarm {1} of log group {2}".format(
        module.params["query_folder"], module.params["alarm_name"], module.params["log_group_name"]))


if __name__ == "__main__":
    main()
