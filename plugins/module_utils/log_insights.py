# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The saved Logs Insights queries and the REJECT alarm of one flow-log log group, in one module run.

Used by cloudwatchlogs_flow_log_insights (the log_insights role's one task). Nothing here
manages a resource itself: ``component_params`` turns the module's parameters into those of
the two parts, with every problem found, and ``FlowLogInsightsManager`` runs the managers
the single-purpose modules run - ``query_definitions.QueryDefinitionManager``
(cloudwatchlogs_query_definition) and ``reject_alarm.RejectAlarmManager``
(cloudwatch_reject_alarm) - on one results dict and one CloudWatch Logs client. The queries
and the metric filter pattern are generated from the log format by ``flow_log_insights``,
as the ``flow_log_insights_queries`` and ``flow_log_reject_filter_pattern`` filters make them.
"""

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import folder_prefix
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import format_fields
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import named_insights_queries
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_insights import reject_filter_pattern
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError
from ansible_collections.flowlogs.aws.plugins.module_utils.query_aws import StateManager
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import NAME_MAX
from ansible_collections.flowlogs.aws.plugins.module_utils.query_definitions import QueryDefinitionManager
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import RejectAlarmManager
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import alarm_argument_spec
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import default_description
from ansible_collections.flowlogs.aws.plugins.module_utils.reject_alarm import validate as alarm_problems


class LogInsightsError(ProblemsError):
    """Invalid parameters; ``problems`` lists every one found, each naming its option."""


def component_params(params):
    """The parameters of the two parts, from cloudwatchlogs_flow_log_insights's.

    Returns ``{"generated", "queries", "alarm"}``: the queries generated for the format
    (``named_insights_queries``; nothing with state absent), the parameters of
    QueryDefinitionManager (the folder is the name prefix, purged with ``purge_queries``) and
    those of RejectAlarmManager (state absent when the alarm is off; the filter pattern made from
    the format; the role's description when none is given). Raises LogInsightsError listing
    every problem, each naming the module option.
    """
    problems = []
    present = params.get("state", "present") == "present"
    alarm = present and bool(params.get("alarm_enabled", True))
    folder = params.get("query_folder")
    prefix = folder_prefix(folder) if isinstance(folder, str) else ""
    if not prefix or len(prefix) > NAME_MAX:
        problems.append("query_folder: must be a console folder name of 1 to %d characters (got %r)"
                        % (NAME_MAX - 1, folder))
    generated = {"parse_clause": "", "skipped": [], "query_definitions": []}
    pattern = None
    if present:
        try:
            format_fields(params.get("log_format"))
        except FlowLogFormatError as error:
            problems.append("log_format: %s" % error)
        else:
            if prefix and len(prefix) <= NAME_MAX:
                try:
                    generated = named_insights_queries(params.get("log_format"), params.get("queries"), folder,
                                                       traffic_type=params.get("traffic_type"))
                except FlowLogFormatError as error:
                    problems.append("query_folder: %s" % error)
            if alarm:
                try:
                    pattern = reject_filter_pattern(params.get("log_format"))
                except FlowLogFormatError as error:
                    problems.append("log_format: %s (for the REJECT alarm's metric filter; alarm_enabled=false turns "
                                    "the alarm off)" % error)
    alarm_params = dict((option, params.get(option)) for option in alarm_argument_spec())
    alarm_params.update(state="present" if alarm else "absent", filter_pattern=pattern, alarm_description=(
        default_description(params) if params.get("alarm_description") is None else params["alarm_description"]))
    found = alarm_problems(alarm_params)
    if alarm and pattern is None:
        # The format that gave no pattern is named above.
        found = [problem for problem in found if not problem.startswith("filter_pattern:")]
    problems.extend(found)
    if problems:
        raise LogInsightsError(problems)
    query_params = {
        "state": "present" if present else "absent",
        "name_prefix": prefix,
        "purge": present and bool(params.get("purge_queries", True)),
        "log_group_names": [params["log_group_name"]],
        "query_definitions": generated["query_definitions"] if present else None,
        "adopt": bool(params.get("adopt")),
    }
    return {"generated": generated, "queries": query_params, "alarm": alarm_params}


class FlowLogInsightsManager(StateManager):
    """The REJECT alarm's part first (outside check mode a missing log group fails before any
    write), then the saved queries', on one results dict.

    ``results`` holds what cloudwatch_reject_alarm and cloudwatchlogs_query_definition return
    (``log_group_exists``, ``metric_filter``, ``alarm``, ``changes``, ``msg``;
    ``query_definitions``, ``created``, ``updated``, ``deleted``, ``foreign``), and
    ``skipped_queries``, ``parse_clause`` and ``metric_filter_pattern``. Invalid parameters raise
    a ProblemsError before any client is made.
    """

    def __init__(self, module):
        self.module = module
        self.params = module.params
        parts = component_params(self.params)
        self.results = {
            "changed": False,
            "skipped_queries": parts["generated"]["skipped"],
            "parse_clause": parts["generated"]["parse_clause"],
            "metric_filter_pattern": parts["alarm"]["filter_pattern"] or "",
        }
        self.alarm = RejectAlarmManager(module, parts["alarm"], self.results)
        self.queries = QueryDefinitionManager(module, parts["queries"], self.results, self.alarm.logs)

    def ensure_present(self):
        self.alarm.run()
        self.queries.ensure_present()

    def ensure_absent(self):
        self.alarm.ensure_absent()
        self.queries.ensure_absent()
