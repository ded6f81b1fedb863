# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The REJECT alarm of a flow-log log group: a metric filter and a CloudWatch alarm on its metric.

Used by the cloudwatch_reject_alarm module and by cloudwatchlogs_flow_log_insights (the saved
queries and the alarm of a flow-log log group, the log_insights role's one module run). The
options they share (``alarm_argument_spec``) are documented by the doc fragment
``flowlogs.aws.reject_alarm``. Pure logic first (validation, the desired metric filter and alarm,
what differs), then one wrapper per API call, each decorated with an AWSErrorHandler subclass,
then ``RejectAlarmManager``, which reads, plans and writes.

The rules follow the API references:

* CloudWatch Logs PutMetricFilter
  (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html):
  ``filterName`` 1 to 512 characters without ``:`` or ``*``; ``filterPattern`` at most 1024
  characters; one metric transformation whose ``metricName`` and ``metricNamespace`` have at most
  255 characters without ``:``, ``*`` or ``$``. PutMetricFilter and DescribeMetricFilters on a log
  group that does not exist fail with ResourceNotFoundException.
* CloudWatch PutMetricAlarm
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html):
  ``AlarmName`` 1 to 255 characters; ``AlarmDescription`` at most 1024; ``Namespace`` 1 to 255,
  not starting with ``:``; ``MetricName`` 1 to 255; ``Period`` 10, 20, 30 or a multiple of 60;
  ``EvaluationPeriods`` at least 1; at most 5 ``AlarmActions``. "When you update an existing
  alarm ... the update completely overwrites the previous configuration of the alarm", so an
  update sends every setting.
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import LOG_GROUP_NAME
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import LogsErrors
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import client

FILTER_NAME_RE = re.compile(r"^[^:*]{1,512}$")
METRIC_PART_RE = re.compile(r"^[^:*$]{1,255}$")
FILTER_PATTERN_MAX = 1024
ALARM_NAME_MAX = 255
ALARM_DESCRIPTION_MAX = 1024
ALARM_ACTIONS_MAX = 5

# What the REJECT alarm always is: one per rejected record, 0 when a record is not rejected (so
# the metric has data in every period with records), summed per period and compared with the
# threshold; a period without records is not a rejection storm.
METRIC_VALUE = "1"
DEFAULT_VALUE = 0.0
UNIT = "Count"
STATISTIC = "Sum"
COMPARISON = "GreaterThanOrEqualToThreshold"
TREAT_MISSING_DATA = "notBreaching"

# DescribeAlarms fields the module sets, and those it never sets (an alarm that has one of them,
# set elsewhere, is rewritten without it).
ALARM_FIELDS = ("AlarmDescription", "MetricName", "Namespace", "Statistic", "ComparisonOperator", "Threshold",
                "Period", "EvaluationPeriods", "Unit", "TreatMissingData", "AlarmActions", "OKActions",
                "InsufficientDataActions")
ALARM_UNSET_FIELDS = ("Dimensions", "ExtendedStatistic", "DatapointsToAlarm", "EvaluateLowSampleCountPercentile",
                      "Metrics", "ThresholdMetricId")


class RejectAlarmError(ProblemsError):
    """Invalid parameters; ``problems`` lists every one found."""


def alarm_argument_spec():
    """The options of the metric filter and the alarm that both modules take (doc fragment
    ``flowlogs.aws.reject_alarm``); each module adds ``state``, ``alarm_description`` and its own."""
    return dict(
        log_group_name=dict(type="str", required=True),
        filter_name=dict(type="str", required=True),
        metric_name=dict(type="str"),
        metric_namespace=dict(type="str", default="VPCFlowLogs"),
        alarm_name=dict(type="str", required=True),
        threshold=dict(type="float", default=100),
        period=dict(type="int", default=300),
        evaluation_periods=dict(type="int", default=1),
        alarm_actions=dict(type="list", elements="str", default=[]),
    )


def default_description(params):
    """The alarm description cloudwatchlogs_flow_log_insights gives when none is set (the log_insights
    role's text): ``At least 100 rejected VPC flow log records in 300s in /group (flowlogs.aws)``."""
    threshold = params.get("threshold")
    if isinstance(threshold, float) and threshold.is_integer():
        threshold = int(threshold)
    return "At least {0} rejected VPC flow log records in {1}s in {2} (flowlogs.aws)".format(
        threshold, params.get("period"), params.get("log_group_name"))


def period_ok(period):
    """PutMetricAlarm: "Valid values are 10, 20, 30, and any multiple of 60"."""
    return period in (10, 20, 30) or (period >= 60 and period % 60 == 0)


def validate(params):
    """Every problem of the module parameters, each naming its option (empty: fine)."""
    problems = []
    name = params.get("log_group_name")
    if not isinstance(name, str) or not LOG_GROUP_NAME.match(name):
        problems.append("log_group_name: %r is not a log group name (1 to 512 of A-Z a-z 0-9 . - _ / #)" % (name,))
    if not isinstance(params.get("filter_name"), str) or not FILTER_NAME_RE.match(params["filter_name"]):
        problems.append("filter_name: %r must be 1 to 512 characters without : or *" % (params.get("filter_name"),))
    alarm_name = params.get("alarm_name")
    if not isinstance(alarm_name, str) or not 1 <= len(alarm_name) <= ALARM_NAME_MAX:
        problems.append("alarm_name: %r must be 1 to %d characters" % (alarm_name, ALARM_NAME_MAX))
    if params.get("state", "present") != "present":
        return problems
    pattern = params.get("filter_pattern")
    if pattern is None or len(pattern) > FILTER_PATTERN_MAX:
        problems.append("filter_pattern: required, at most %d characters" % FILTER_PATTERN_MAX)
    for option in ("metric_name", "metric_namespace"):
        value = params.get(option)
        if not isinstance(value, str) or not METRIC_PART_RE.match(value):
            problems.append("%s: %r must be 1 to 255 characters without :, * or $" % (option, value))
    if len(params.get("alarm_description") or "") > ALARM_DESCRIPTION_MAX:
        problems.append("alarm_description: at most %d characters (got %d)"
                        % (ALARM_DESCRIPTION_MAX, len(params["alarm_description"])))
    threshold = params.get("threshold")
    if threshold is None or threshold < 0:
        problems.append("threshold: must be a number >= 0 (got %r)" % (threshold,))
    period = params.get("period")
    if period is None or not period_ok(period):
        problems.append("period: must be 10, 20, 30 or a multiple of 60 seconds (got %r)" % (period,))
    evaluation_periods = params.get("evaluation_periods")
    if evaluation_periods is None or evaluation_periods < 1:
        problems.append("evaluation_periods: must be an integer >= 1 (got %r)" % (evaluation_periods,))
    actions = params.get("alarm_actions") or []
    if len(actions) > ALARM_ACTIONS_MAX:
        problems.append("alarm_actions: at most %d actions (got %d)" % (ALARM_ACTIONS_MAX, len(actions)))
    for action in actions:
        if not isinstance(action, str) or not action.startswith("arn:") or len(action) > 1024:
            problems.append("alarm_actions: %r is not an ARN" % (action,))
    return problems


def desired_metric_filter(params):
    """The metric filter in the shape of PutMetricFilter (and of a DescribeMetricFilters item)."""
    return {
        "filterName": params["filter_name"],
        "logGroupName": params["log_group_name"],
        "filterPattern": params["filter_pattern"],
        "metricTransformations": [{
            "metricName": params["metric_name"],
            "metricNamespace": params["metric_namespace"],
            "metricValue": METRIC_VALUE,
            "defaultValue": DEFAULT_VALUE,
            "unit": UNIT,
        }],
    }


def desired_alarm(params):
    """The alarm in the shape of PutMetricAlarm (every field it sets)."""
    return {
        "AlarmName": params["alarm_name"],
        "AlarmDescription": params.get("alarm_description") or "",
        "MetricName": params["metric_name"],
        "Namespace": params["metric_namespace"],
        "Statistic": STATISTIC,
        "ComparisonOperator": COMPARISON,
        "Threshold": float(params["threshold"]),
        "Period": int(params["period"]),
        "EvaluationPeriods": int(params["evaluation_periods"]),
        "Unit": UNIT,
        "TreatMissingData": TREAT_MISSING_DATA,
        "AlarmActions": list(params.get("alarm_actions") or []),
        "OKActions": [],
        "InsufficientDataActions": [],
    }


def _transformation(item):
    """A metric transformation, compared as CloudWatch Logs stores it (no unit is None; no
    default value is no default)."""
    item = dict(item or {})
    default = item.get("defaultValue")
    return {
        "metricName": item.get("metricName"),
        "metricNamespace": item.get("metricNamespace"),
        "metricValue": item.get("metricValue"),
        "defaultValue": None if default is None else float(default),
        "unit": item.get("unit") or "None",
        "dimensions": dict(item.get("dimensions") or {}),
    }


def metric_filter_view(described):
    """The compared fields of a DescribeMetricFilters item (or of desired_metric_filter()); None for None."""
    if described is None:
        return None
    return {
        "filterName": described.get("filterName"),
        "logGroupName": described.get("logGroupName"),
        "filterPattern": described.get("filterPattern") or "",
        "metricTransformations": [_transformation(t) for t in described.get("metricTransformations") or []],
    }


def alarm_view(described):
    """The compared fields of a DescribeAlarms MetricAlarms item (or of desired_alarm()); None for None.

    Fields the module never sets are kept only when set (so that an alarm carrying one differs).
    """
    if described is None:
        return None
    view = {"AlarmName": described.get("AlarmName")}
    for field in ALARM_FIELDS:
        value = described.get(field)
        if field.endswith("Actions"):
            value = list(value or [])
        elif field == "AlarmDescription":
            value = value or ""
        elif field == "Threshold" and value is not None:
            value = float(value)
        elif field == "TreatMissingData":
            # "If TreatMissingData is omitted, the default behavior of missing is used."
            value = value or "missing"
        view[field] = value
    for field in ALARM_UNSET_FIELDS:
        if described.get(field):
            view[field] = described[field]
    return view


def plan(current_filter, current_alarm, params, group_exists=True):
    """What to write: ``{"put_filter", "put_alarm", "filter": after, "alarm": after}`` for state present."""
    want_filter = metric_filter_view(desired_metric_filter(params))
    want_alarm = alarm_view(desired_alarm(params))
    return {
        "put_filter": not group_exists or metric_filter_view(current_filter) != want_filter,
        "put_alarm": alarm_view(current_alarm) != want_alarm,
        "filter": want_filter,
        "alarm": want_alarm,
    }


def missing_group_message(params):
    return ("log_group_name: the log group {0} does not exist; the metric filter {1} of the REJECT alarm needs it "
            "(create the log group first)".format(params["log_group_name"], params["filter_name"]))


def would_create_message(params):
    """What check mode reports when the log group (and so the metric filter) does not exist yet."""
    return "Would create the metric filter {0} in the log group {1}".format(params["filter_name"],
                                                                            params["log_group_name"])


# API calls. Each raises an AnsibleAWSError naming the operation; the clients retry throttling.


# CloudWatch Logs errors: query_aws.LogsErrors (ResourceNotFoundException is "missing": a log group or a
# metric filter that does not exist).


class CloudWatchErrors(AWSErrorHandler):
    """CloudWatch answers ResourceNotFound for an alarm that does not exist (DeleteAlarms)."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFound")


@LogsErrors.list_error_handler("describe the metric filter (DescribeMetricFilters)", (False, None))
def describe_metric_filter(client, log_group_name, filter_name):
    """(group exists, the filter named ``filter_name`` or None).

    Results are ASCII-sorted by filter name, so the filter itself comes first among those with its
    name as prefix; one page of 50 is read, and further pages only while they hold names sorting
    before or at it.
    """
    kwargs = {"logGroupName": log_group_name, "filterNamePrefix": filter_name, "limit": 50}
    while True:
        answer = client.describe_metric_filters(aws_retry=True, **kwargs)
        for item in answer.get("metricFilters", []):
            if item.get("filterName") == filter_name:
                return True, item
            if item.get("filterName", "") > filter_name:
                return True, None
        if not answer.get("nextToken"):
            return True, None
        kwargs["nextToken"] = answer["nextToken"]


@LogsErrors.common_error_handler("put the metric filter (PutMetricFilter)")
def put_metric_filter(client, desired):
    client.put_metric_filter(aws_retry=True, **desired)


@LogsErrors.deletion_error_handler("delete the metric filter (DeleteMetricFilter)")
def delete_metric_filter(client, log_group_name, filter_name):
    client.delete_metric_filter(aws_retry=True, logGroupName=log_group_name, filterName=filter_name)
    return True


@CloudWatchErrors.common_error_handler("describe the alarm (DescribeAlarms)")
def describe_alarm(client, alarm_name):
    """The MetricAlarms item named ``alarm_name``, or None (AlarmNames matches exact names)."""
    alarms = client.describe_alarms(aws_retry=True, AlarmNames=[alarm_name]).get("MetricAlarms", [])
    return next((a for a in alarms if a.get("AlarmName") == alarm_name), None)


@CloudWatchErrors.common_error_handler("put the alarm (PutMetricAlarm)")
def put_alarm(client, desired):
    client.put_metric_alarm(aws_retry=True, **desired)


@CloudWatchErrors.deletion_error_handler("delete the alarm (DeleteAlarms)")
def delete_alarm(client, alarm_name):
    client.delete_alarms(aws_retry=True, AlarmNames=[alarm_name])
    return True


class RejectAlarmManager(StateManager):
    """Read the metric filter and the alarm, compare, stop in check mode, then write what differs.

    ``params`` are those of cloudwatch_reject_alarm (by default the module's own); invalid ones raise
    RejectAlarmError before any client is made. ``results`` (by default a new dict) receives
    ``changed``, ``log_group_exists``, ``metric_filter``, ``alarm``, ``changes`` (the write calls, each
    recorded once it succeeded),
    ``msg`` when check mode meets a missing log group, and the diff under ``metric_filter`` and
    ``alarm``: a module managing more than the alarm passes the one results dict of all its parts.
    ``logs`` is a CloudWatch Logs client to share.
    """

    def __init__(self, module, params=None, results=None, logs=None):
        self.module = module
        self.params = module.params if params is None else params
        self.results = {"changed": False} if results is None else results
        self.results.update(log_group_exists=False, metric_filter={}, alarm={}, changes=[])
        problems = validate(self.params)
        if problems:
            raise RejectAlarmError(problems)
        self.logs = logs or client(module, "logs")
        self.cloudwatch = client(module, "cloudwatch")

    def _read(self):
        exists, current_filter = describe_metric_filter(self.logs, self.params["log_group_name"],
                                                        self.params["filter_name"])
        self.results["log_group_exists"] = exists
        return exists, current_filter

    def ensure_present(self):
        exists, current_filter = self._read()
        if not exists and not self.module.check_mode:
            self.module.fail_json(msg=missing_group_message(self.params), **self.results)
        current_alarm = describe_alarm(self.cloudwatch, self.params["alarm_name"])
        todo = plan(current_filter, current_alarm, self.params, exists)
        self.results["metric_filter"] = todo["filter"]
        self.results["alarm"] = todo["alarm"]
        self._diff({"metric_filter": metric_filter_view(current_filter) or {}, "alarm": alarm_view(current_alarm) or {}},
                   {"metric_filter": todo["filter"], "alarm": todo["alarm"]})
        if not exists:
            self.results["msg"] = would_create_message(self.params)
        if todo["put_filter"]:
            if not self.module.check_mode:
                put_metric_filter(self.logs, desired_metric_filter(self.params))
            self._done("PutMetricFilter")
        if todo["put_alarm"]:
            if not self.module.check_mode:
                put_alarm(self.cloudwatch, desired_alarm(self.params))
            self._done("PutMetricAlarm")

    def ensure_absent(self):
        _exists, current_filter = self._read()
        current_alarm = describe_alarm(self.cloudwatch, self.params["alarm_name"])
        self.results["metric_filter"] = metric_filter_view(current_filter) or {}
        self.results["alarm"] = alarm_view(current_alarm) or {}
        if current_filter is None and current_alarm is None:
            return
        self._diff({"metric_filter": self.results["metric_filter"], "alarm": self.results["alarm"]},
                   {"metric_filter": {}, "alarm": {}})
        if current_alarm is not None:
            if not self.module.check_mode:
                delete_alarm(self.cloudwatch, self.params["alarm_name"])
            self._done("DeleteAlarms")
        if current_filter is not None:
            if not self.module.check_mode:
                delete_metric_filter(self.logs, self.params["log_group_name"], self.params["filter_name"])
            self._done("DeleteMetricFilter")
