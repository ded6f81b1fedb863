#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: cloudwatch_reject_alarm
short_description: The REJECT alarm of a flow-log log group - a metric filter and a CloudWatch alarm, in one task
version_added: 0.2.0
description:
  - Puts a CloudWatch Logs metric filter that counts the rejected records of a flow-log log group
    (C(PutMetricFilter)), and a CloudWatch alarm on that metric (C(PutMetricAlarm)), in one module run.
  - The metric filter publishes V(1) (unit C(Count)) for each record matching O(filter_pattern) and V(0) for the
    others. The alarm sums the metric per O(period) and goes off when the sum is at least O(threshold) in
    O(evaluation_periods) periods; a period without data is not breaching.
  - Reads both first and writes only what differs; a re-run where nothing changed only reads (two API calls).
  - Every parameter is validated before any API call.
  - With O(state=absent), deletes the alarm and the metric filter, if they exist. A missing log group means
    the metric filter is gone with it.
author:
  - flowlogs.aws maintainers (@flowlogs)
options:
  state:
    description:
      - V(present) puts the metric filter and the alarm; V(absent) deletes them.
    type: str
    choices: [present, absent]
    default: present
  log_group_name:
    description:
      - The log group of the flow logs. It must exist for O(state=present) (outside check mode); the task fails
        naming it otherwise.
    type: str
    required: true
  filter_pattern:
    description:
      - The filter pattern matching the rejected records (at most 1024 characters), for example the one the
        C(flowlogs.aws.flow_log_reject_filter_pattern) filter makes for a log format. Required with
        O(state=present).
    type: str
  alarm_description:
    description: The alarm's description, at most 1024 characters.
    type: str
    default: ""
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - flowlogs.aws.reject_alarm
notes:
  - Check mode only reads, and reports what would be created or changed; a log group that does not exist yet (one
    the same run would create) is reported as a metric filter that would be created, in RV(msg). Diff mode shows
    the metric filter and the alarm before and after.
  - "IAM permissions: C(logs:DescribeMetricFilters), C(logs:PutMetricFilter), C(logs:DeleteMetricFilter),
    C(cloudwatch:DescribeAlarms), C(cloudwatch:PutMetricAlarm), C(cloudwatch:DeleteAlarms)."
seealso:
  - name: PutMetricFilter
    description: The CloudWatch Logs API reference of metric filters.
    link: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
  - name: PutMetricAlarm
    description: The CloudWatch API reference of metric alarms.
    link: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
  - module: flowlogs.aws.cloudwatchlogs_flow_log_insights
    description: The saved Logs Insights queries and this alarm of a flow-log log group, in one task.
  - module: amazon.aws.cloudwatchlogs_log_group_metric_filter
  - module: amazon.aws.cloudwatch_metric_alarm
"""

EXAMPLES = r"""
- name: Alarm when 100 rejected records arrive in five minutes
  flowlogs.aws.cloudwatch_reject_alarm:
    log_group_name: /flowlogs/prod
    filter_name: flowlogs-prod-rejected
    filter_pattern: >-
      [version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end,
      action="REJECT", log_status]
    metric_name: flowlogs-prod-rejected
    alarm_name: flowlogs-prod-rejected
    alarm_actions: [arn:aws:sns:eu-west-1:123456789012:network-oncall]

- name: Remove the alarm and its metric filter
  flowlogs.aws.cloudwatch_reject_alarm:
    state: absent
    log_group_name: /flowlogs/prod
    filter_name: flowlogs-prod-rejected
    alarm_name: flowlogs-prod-rejected
"""

RETURN = r"""
log_group_exists:
  description: Whether the log group exists.
  returned: always
  type: bool
  sample: true
metric_filter:
  description:
    - The metric filter after the task (before it, with O(state=absent)), in the shape of C(DescribeMetricFilters);
      empty when there is none.
  returned: always
  type: dict
  sample:
    filterName: flowlogs-prod-rejected
    logGroupName: /flowlogs/prod
    filterPattern: '[version, account_id, ..., action="REJECT", log_status]'
    metricTransformations:
      - {metricName: flowlogs-prod-rejected, metricNamespace: VPCFlowLogs, metricValue: "1", defaultValue: 0.0,
         unit: Count, dimensions: {}}
alarm:
  description:
    - The alarm's settings after the task (before it, with O(state=absent)), in the shape of C(DescribeAlarms);
      empty when there is none.
  returned: always
  type: dict
  sample:
    AlarmName: flowlogs-prod-rejected
    MetricName: flowlogs-prod-rejected
    Namespace: VPCFlowLogs
    Statistic: Sum
    ComparisonOperator: GreaterThanOrEqualToThreshold
    Threshold: 100.0
    Period: 300
    EvaluationPeriods: 1
    Unit: Count
    TreatMissingData: notBreaching
    AlarmActions: [arn:aws:sns:eu-west-1:123456789012:network-oncall]
changes:
  description: The write calls made (in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: [PutMetricFilter, PutMetricAlarm]
msg:
  description: In check mode, when the log group does not exist yet, the metric filter that would be created.
  returned: when the log group does not exist in check mode
  type: str
  sample: Would create the metric filter flowlogs-prod-rejected in the log group /flowlogs/prod
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import RejectAlarmError
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import RejectAlarmManager
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import alarm_argument_spec


def main():
    argument_spec = alarm_argument_spec()
    argument_spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        filter_pattern=dict(type="str"),
        alarm_description=dict(type="str", default=""),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              required_if=[("state", "present", ("filter_pattern", "metric_name"))])
    try:
        manager = RejectAlarmManager(module)
    except RejectAlarmError as e:
        module.fail_json(msg="Invalid REJECT alarm parameters: {0}".format(e), problems=e.problems)
    try:
        manager.run()
    except AnsibleAWSError as error:
        error.message = "{0} ({1} in {2})".format(error.message, module.params["alarm_name"],
                                                  module.params["log_group_name"])
        module.fail_json_aws_error(error)
    module.exit_json(**manager.results)


if __name__ == "__main__":
    main()
