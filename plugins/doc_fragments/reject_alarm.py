# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The metric filter and alarm options of the REJECT alarm, shared by cloudwatch_reject_alarm and
cloudwatchlogs_flow_log_insights (their argument spec: module_utils/reject_alarm.alarm_argument_spec)."""


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  filter_name:
    description: The metric filter's name, 1 to 512 characters without C(:) or C(*).
    type: str
    required: true
  metric_name:
    description:
      - The metric the filter publishes and the alarm watches (1 to 255 characters without C(:), C(*), C($)).
      - Required when the metric filter and the alarm are put.
    type: str
  metric_namespace:
    description: The metric's namespace (1 to 255 characters without C(:), C(*), C($)).
    type: str
    default: VPCFlowLogs
  alarm_name:
    description: The alarm's name, 1 to 255 characters, unique in the region.
    type: str
    required: true
  threshold:
    description: The alarm goes off when at least this many rejected records arrive in one period.
    type: float
    default: 100
  period:
    description: The period in seconds - 10, 20, 30 or a multiple of 60.
    type: int
    default: 300
  evaluation_periods:
    description: The number of periods compared with the threshold (at least 1).
    type: int
    default: 1
  alarm_actions:
    description: ARNs notified when the alarm goes off, for example an SNS topic (at most 5).
    type: list
    elements: str
    default: []
notes:
  - The metric filter publishes V(1) (unit C(Count)) for each rejected record and V(0) for the others. The alarm's
    other settings are fixed - statistic C(Sum), unit C(Count), comparison C(GreaterThanOrEqualToThreshold), missing
    data C(notBreaching), no OK or insufficient-data actions. An alarm of that name with other settings is brought
    to these (C(PutMetricAlarm) replaces the whole configuration).
"""
