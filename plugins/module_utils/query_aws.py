# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS-call side shared by the query-side modules (Glue, Athena, CloudWatch Logs).

Every API wrapper of glue_flow_log_table, athena_workgroup, athena_named_queries, athena_flow_logs,
cloudwatchlogs_query_definition(_info), cloudwatch_reject_alarm, cloudwatchlogs_flow_log_insights and
firehose_delivery_stream is decorated with one of the error handlers
below (amazon.aws's AWSErrorHandler pattern): a botocore ClientError or BotoCoreError
(a connection error too) becomes an AnsibleAWSError whose message names the API
operation. ``run`` is the one main() tail of these modules: it runs the manager, and
turns such an error into fail_json_aws naming the operation and the resource, with
what was already done, so no AWS error ends in a traceback. ``checked`` makes a manager,
whose parameters are checked before any call (InvalidParameters), or fails.

A module run makes each client, and asks for the caller's account, once: a module that manages
several resources (athena_flow_logs) shares them between its managers.
"""

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import MANAGED_BY_KEY
from ansible_collections.flowlogs.aws.plugins.module_utils.ownership import is_managed
from ansible_collections.flowlogs.aws.plugins.module_utils.problems import ProblemsError

__all__ = [
    "AnsibleAWSError",
    "InvalidParameters",
    "StateManager",
    "checked",
    "foreign",
    "GlueErrors",
    "AthenaErrors",
    "LogsErrors",
    "FirehoseErrors",
    "StsErrors",
    "client",
    "caller_account",
    "run",
]

# Every client of these modules: throttling and transient errors retried with jittered
# backoff. CloudWatch Logs throttles with ThrottlingException, which AWSRetry does not
# retry by default (its list has EC2's Throttling and RequestLimitExceeded).
_EXTRA_RETRY_CODES = {"logs": ["ThrottlingException"]}


def _made_once(module):
    """What one module run makes once, whichever of its managers asks first (clients, the account)."""
    return vars(module).setdefault("_flowlogs_made_once", {})


def client(module, service):
    """A client whose aws_retry=True calls retry throttling (10 retries, 1 s to 30 s); one per service and run."""
    clients = _made_once(module)
    if service not in clients:
        clients[service] = module.client(service, retry_decorator=AWSRetry.jittered_backoff(
            retries=10, delay=1, max_delay=30, catch_extra_error_codes=_EXTRA_RETRY_CODES.get(service)))
    return clients[service]


class GlueErrors(AWSErrorHandler):
    """Glue answers EntityNotFoundException for a database or table that does not exist."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("EntityNotFoundException")


class AthenaErrors(AWSErrorHandler):
    """Athena answers a missing workgroup with InvalidRequestException ("... is not found")."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(["InvalidRequestException", "ResourceNotFoundException"])


class LogsErrors(AWSErrorHandler):
    """CloudWatch Logs answers ResourceNotFoundException for a missing query definition, log group or metric filter."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


class FirehoseErrors(AWSErrorHandler):
    """Firehose answers ResourceNotFoundException for a delivery stream that does not exist."""

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ResourceNotFoundException")


class StsErrors(AWSErrorHandler):
    """GetCallerIdentity has no missing case."""


@StsErrors.common_error_handler("find the caller's account (GetCallerIdentity)")
def _caller_identity(module):
    return client(module, "sts").get_caller_identity(aws_retry=True)


def caller_account(module):
    """(account id, partition) of the credentials in use, asked once a run; GetCallerIdentity needs no IAM permission."""
    made = _made_once(module)
    if "account" not in made:
        identity = _caller_identity(module)
        made["account"] = identity["Account"], parse_aws_arn(identity["Arn"])["partition"]
    return made["account"]


class InvalidParameters(ProblemsError):
    """Parameters a manager refuses before any AWS call: ``msg`` for fail_json, and every one of ``problems``."""

    def __init__(self, problems, msg):
        super(InvalidParameters, self).__init__(problems)
        self.msg = msg


def checked(module, manager_class, *args):
    """``manager_class(module, *args)``, or fail_json with the problems of its parameters (no AWS call made)."""
    try:
        return manager_class(module, *args)
    except InvalidParameters as error:
        module.fail_json(msg=error.msg, problems=error.problems)


class StateManager(object):
    """What the managers of these modules share: ``results`` with its ``changes``, the diff, and the state switch.

    A subclass sets ``self.module``, ``self.params`` and ``self.results`` (and ``self.resource``, what
    a failure names, unless its module gives ``run()`` below the resource) and defines
    ``ensure_present`` and ``ensure_absent``; ``run`` (called by ``run()`` below) picks one by the
    ``state`` option.
    """

    def _done(self, change):
        """Record a change made (results keep what was done, also when a later call fails)."""
        self.results["changes"].append(change)
        self.results["changed"] = True

    def _diff(self, before, after):
        """Diff mode: add ``before`` and ``after`` to the results' diff. Managers that share one
        ``results`` (cloudwatchlogs_flow_log_insights) add disjoint keys, so their diffs merge."""
        if self.module._diff:
            diff = self.results.setdefault("diff", {"before": {}, "after": {}})
            diff["before"].update(before)
            diff["after"].update(after)

    def run(self):
        if self.params["state"] == "present":
            self.ensure_present()
        else:
            self.ensure_absent()


def foreign(module, results, what, name, tags, adopt=None):
    """True when a resource without the marker is not ours: listed in results["foreign"], warned
    about and left alone, unless ``adopt`` (by default the module's adopt option) is true."""
    if is_managed(tags) or (module.params["adopt"] if adopt is None else adopt):
        return False
    results["foreign"].append(name)
    module.warn("{0} {1} was not created by flowlogs.aws (no {2} tag): it is left as it is; adopt: true takes it "
                "over".format(what, name, MANAGED_BY_KEY))
    return True


def run(module, manager, resource=None):
    """The main() tail: run the manager, exit with its results, or fail cleanly.

    ``manager.run()`` does the work and keeps ``manager.results`` up to date as each
    change is made, so a failure reports what was already done. The failure names
    ``resource``, by default the manager's ``resource`` when it failed.
    """
    try:
        manager.run()
    except AnsibleAWSError as error:
        results = dict(manager.results)
        results.pop("msg", None)
        module.fail_json_aws(error.exception or error,
                             msg="{0} ({1})".format(error.message, resource or manager.resource), **results)
    module.exit_json(**manager.results)
