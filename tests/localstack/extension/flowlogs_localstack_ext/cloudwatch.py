"""CloudWatch PutMetricAlarm as strict as AWS about the lengths and counts the API reference sets.

Emulator gap: LocalStack 4.13.1's CloudWatch provider (provider_v2) checks TreatMissingData,
Period and Statistic, but stores an ``AlarmName`` longer than 255 characters, an
``AlarmDescription`` longer than 1024, a ``Namespace`` starting with ``:`` or longer than 255, a
``MetricName`` longer than 255 and more than 5 ``AlarmActions``, ``OKActions`` or
``InsufficientDataActions``. AWS refuses each with ``ValidationError`` (HTTP 400), the code
LocalStack's own checks already use (PutMetricAlarm in the Amazon CloudWatch API reference:
AlarmName "Length Constraints: Minimum length of 1. Maximum length of 255.", AlarmDescription
"Maximum length of 1024.", Namespace "Pattern: [^:].*", AlarmActions "Array Members: Maximum
number of 5 items.").

The collection's ``cloudwatch_reject_alarm`` module checks these before any call; this makes a
test that skipped that check fail as it would on AWS.

Not changed: LocalStack also refuses ``Period`` 20, which AWS accepts ("Valid values are 10, 20,
30, and any multiple of 60"); the collection's log_insights role asks for 10, 30 or a multiple
of 60 only.

Test infrastructure only; see the package docstring.
"""

import logging

from localstack.aws.api import CommonServiceException
from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

_LENGTHS = (("AlarmName", 1, 255), ("AlarmDescription", 0, 1024), ("Namespace", 1, 255), ("MetricName", 1, 255))
_ACTIONS = ("OKActions", "AlarmActions", "InsufficientDataActions")
_MAX_ACTIONS = 5


class ValidationError(CommonServiceException):
    def __init__(self, message: str):
        super().__init__("ValidationError", message, status_code=400, sender_fault=True)


def alarm_problems(request) -> list:
    """The constraint violations of a PutMetricAlarm request, in AWS's wording."""
    problems = []
    for field, low, high in _LENGTHS:
        value = request.get(field)
        if value is None:
            continue
        if not low <= len(value) <= high:
            problems.append("Value '%s' at '%s' failed to satisfy constraint: Member must have length %s"
                            % (value, field[0].lower() + field[1:],
                               "less than or equal to %d" % high if len(value) > high
                               else "greater than or equal to %d" % low))
    namespace = request.get("Namespace")
    if namespace and namespace.startswith(":"):
        problems.append("Value '%s' at 'namespace' failed to satisfy constraint: Member must satisfy regular "
                        "expression pattern: [^:].*" % namespace)
    for field in _ACTIONS:
        actions = request.get(field) or []
        if len(actions) > _MAX_ACTIONS:
            problems.append("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or "
                            "equal to %d" % (actions, field[0].lower() + field[1:], _MAX_ACTIONS))
    return problems


@hooks.on_infra_start(priority=50)
def flowlogs_strict_metric_alarms():
    from localstack.services.cloudwatch.provider_v2 import CloudwatchProvider
    from localstack.utils.patch import patch

    if getattr(CloudwatchProvider, "flowlogs_strict_alarms", False):
        return  # already applied
    CloudwatchProvider.flowlogs_strict_alarms = True

    @patch(CloudwatchProvider.put_metric_alarm)
    def put_metric_alarm(fn, self, context, request, *args, **kwargs):
        problems = alarm_problems(request)
        if problems:
            raise ValidationError("%d validation error%s detected: %s" % (
                len(problems), "" if len(problems) == 1 else "s", "; ".join(problems)))
        return fn(self, context, request, *args, **kwargs)

    LOG.debug("flowlogs extension: strict PutMetricAlarm applied")
