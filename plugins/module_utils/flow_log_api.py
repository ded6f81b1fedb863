# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 flow-log API calls shared by ec2_vpc_flow_log and ec2_vpc_flow_log_info.

Every call goes through a client made with AWSRetry (throttling) and is batched:
one paginated DescribeFlowLogs per filter chunk, one CreateFlowLogs per
ResourceIds chunk, one CreateTags/DeleteTags per distinct tag change.

Every wrapper is decorated with FlowLogErrorHandler (amazon.aws's AWSErrorHandler): a
botocore ClientError or BotoCoreError (EndpointConnectionError, ...) leaves it as a
FlowLogApiError whose message names the API operation, so the modules can fail with
fail_json_aws and never with a traceback.
"""

import time
import uuid

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_message
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import FlowLogFormatError
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_format import parse_format
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import chunks
from ansible_collections.flowlogs.aws.plugins.module_utils.flow_log_settings import resource_type_of

# DescribeFlowLogs filters accept a bounded number of values; stay well inside it.
FILTER_VALUES_PER_CALL = 200
# DescribeFlowLogs takes at most 1000 FlowLogIds per call.
FLOW_LOG_IDS_PER_CALL = 1000
DELETE_IDS_PER_CALL = 1000
IAM_PROPAGATION_MESSAGE = "Unable to assume given IAM role"


class FlowLogApiError(AnsibleAWSError):
    """An EC2 flow-log call failed; .message names the operation, .exception is the botocore error."""


class FlowLogErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = FlowLogApiError


def ec2_client(module):
    """An EC2 client whose aws_retry=True calls retry throttling with jittered backoff."""
    return module.client("ec2", retry_decorator=AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30))


@AWSRetry.jittered_backoff(retries=10, delay=1, max_delay=30)
def _describe_pages(client, **kwargs):
    paginator = client.get_paginator("describe_flow_logs")
    return paginator.paginate(**kwargs).build_full_result().get("FlowLogs", [])


@FlowLogErrorHandler.common_error_handler("describe flow logs (DescribeFlowLogs)")
def describe_flow_logs(client, filters=None, flow_log_ids=None):
    """All flow logs matching the filters; large value lists are split into chunks.

    filters is a dict name -> list of values. At most one filter may hold a long list.
    """
    filters = dict(filters or {})
    chunked_name, chunked_values = None, None
    for name, values in filters.items():
        if len(values) > FILTER_VALUES_PER_CALL:
            chunked_name, chunked_values = name, values
    groups = chunks(list(chunked_values), FILTER_VALUES_PER_CALL) if chunked_name else [None]
    id_groups = chunks(list(flow_log_ids), FLOW_LOG_IDS_PER_CALL) if flow_log_ids else [None]
    found, seen = [], set()
    for group in groups:
        for id_group in id_groups:
            current = dict(filters)
            if chunked_name:
                current[chunked_name] = group
            kwargs = {"Filters": [{"Name": k, "Values": list(v)} for k, v in current.items()]}
            if id_group:
                kwargs["FlowLogIds"] = id_group
            if not kwargs["Filters"]:
                del kwargs["Filters"]
            for flow_log in _describe_pages(client, **kwargs):
                if flow_log["FlowLogId"] not in seen:
                    seen.add(flow_log["FlowLogId"])
                    found.append(flow_log)
    return found


def _is_iam_propagation(error):
    return IAM_PROPAGATION_MESSAGE.lower() in str(error).lower()


def is_iam_propagation_error(error):
    """True for a FlowLogApiError (or botocore error) saying the delivery role cannot be assumed yet."""
    return _is_iam_propagation(getattr(error, "exception", None) or error)


@FlowLogErrorHandler.common_error_handler("create flow logs (CreateFlowLogs)")
def create_flow_logs(client, request, resource_ids, max_ids, tags=None, propagation_timeout=120, sleep=time.sleep):
    """Create flow logs for resource_ids in as few calls as the API allows.

    Returns (created, unsuccessful): created is a list of (resource_id, flow_log_id) and
    unsuccessful a list of {"resource_id", "code", "message"}.

    "Unable to assume given IAM role" means a just-created delivery role has not
    propagated yet: those resources are retried with bounded exponential backoff for
    propagation_timeout seconds. Other errors are returned (or raised) at once.
    """
    created, unsuccessful = [], []
    # One time budget for the whole task, not per batch.
    deadline = time.monotonic() + propagation_timeout
    for batch in chunks(list(resource_ids), max_ids):
        pending = batch
        delay = 2
        while pending:
            kwargs = dict(request, ResourceIds=pending, ClientToken=str(uuid.uuid4()))
            if tags:
                kwargs["TagSpecifications"] = boto3_tag_specifications(tags, types="vpc-flow-log")
            try:
                response = client.create_flow_logs(aws_retry=True, **kwargs)
            except is_boto3_error_message(IAM_PROPAGATION_MESSAGE):
                if time.monotonic() + delay > deadline:
                    raise
                sleep(delay)
                delay = min(delay * 2, 30)
                continue
            ids = response.get("FlowLogIds", [])
            failed = {}
            for item in response.get("Unsuccessful", []):
                error = item.get("Error", {})
                failed[item.get("ResourceId")] = {
                    "resource_id": item.get("ResourceId"),
                    "code": error.get("Code"),
                    "message": error.get("Message"),
                }
            # FlowLogIds come back in the order of the successful ResourceIds.
            succeeded = [rid for rid in pending if rid not in failed]
            created.extend(zip(succeeded, ids))
            retry = [rid for rid, err in failed.items() if _is_iam_propagation(err["message"])]
            unsuccessful.extend(err for rid, err in failed.items() if rid not in retry)
            if retry and time.monotonic() + delay <= deadline:
                sleep(delay)
                delay = min(delay * 2, 30)
                pending = retry
            else:
                unsuccessful.extend(failed[rid] for rid in retry)
                pending = []
    return created, unsuccessful


@FlowLogErrorHandler.common_error_handler("delete flow logs (DeleteFlowLogs)")
def delete_flow_logs(client, flow_log_ids):
    """Delete flow logs in batches. Ids that are already gone count as deleted."""
    unsuccessful = []
    for batch in chunks(list(flow_log_ids), DELETE_IDS_PER_CALL):
        response = client.delete_flow_logs(aws_retry=True, FlowLogIds=batch)
        for item in response.get("Unsuccessful", []):
            error = item.get("Error", {})
            if error.get("Code") == "InvalidFlowLogId.NotFound":
                continue
            unsuccessful.append(
                {"flow_log_id": item.get("ResourceId"), "code": error.get("Code"), "message": error.get("Message")}
            )
    return unsuccessful


def plan_tag_changes(current_by_id, desired_tags, purge_tags):
    """Group tag changes so that one API call covers every flow log needing the same change.

    Returns (to_set, to_unset): dicts keyed by a frozenset of items / keys, each holding
    the list of flow log ids. aws: prefixed keys are never touched.
    """
    to_set, to_unset = {}, {}
    if desired_tags is None:
        return to_set, to_unset
    # AWS stores tag values as strings: compare (and send) the text form, like compare_aws_tags.
    desired_tags = dict((k, to_text(v)) for k, v in desired_tags.items())
    for flow_log_id, current in current_by_id.items():
        current = current or {}
        add = frozenset((k, v) for k, v in desired_tags.items() if current.get(k) != v)
        remove = frozenset()
        if purge_tags:
            remove = frozenset(k for k in current if k not in desired_tags and not k.startswith("aws:"))
        if add:
            to_set.setdefault(add, []).append(flow_log_id)
        if remove:
            to_unset.setdefault(remove, []).append(flow_log_id)
    return to_set, to_unset


@FlowLogErrorHandler.common_error_handler("remove flow log tags (DeleteTags)")
def _delete_tags(client, resources, keys):
    client.delete_tags(aws_retry=True, Resources=resources, Tags=[{"Key": k} for k in sorted(keys)])


@FlowLogErrorHandler.common_error_handler("tag flow logs (CreateTags)")
def _create_tags(client, resources, tags):
    client.create_tags(aws_retry=True, Resources=resources, Tags=ansible_dict_to_boto3_tag_list(tags))


def apply_tag_changes(client, to_set, to_unset, done=None):
    """Apply planned tag changes; ids whose tags were changed are appended to done as it goes."""
    done = [] if done is None else done
    for keys, ids in to_unset.items():
        for batch in chunks(ids, DELETE_IDS_PER_CALL):
            _delete_tags(client, batch, keys)
            done.extend(i for i in batch if i not in done)
    for items, ids in to_set.items():
        for batch in chunks(ids, DELETE_IDS_PER_CALL):
            _create_tags(client, batch, dict(items))
            done.extend(i for i in batch if i not in done)
    return done


def format_flow_log(flow_log):
    """A DescribeFlowLogs entry as a snake_case result, with tags as a dict and parsed format fields."""
    result = camel_dict_to_snake_dict(flow_log, ignore_list=["Tags"])
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    try:
        # Tag fields are legitimate in a format AWS accepted: do not ask for their specifications.
        # Fields are checked against the records of the resource's type (VPC or transit gateway).
        result["log_format_fields"] = parse_format(flow_log.get("LogFormat"), tag_field_specifications=True,
                                                   resource_type=resource_type_of(flow_log.get("ResourceId")))
    except FlowLogFormatError:
        # A field newer than this collection's catalogue, or Cloud WAN records (not catalogued):
        # report the raw tokens.
        result["log_format_fields"] = [t.strip("${}") for t in (flow_log.get("LogFormat") or "").split()]
    return result


def wait_for_flow_logs(client, flow_log_ids, timeout, sleep=time.sleep):
    """Wait until the flow logs are ACTIVE; return the final descriptions."""
    deadline = time.monotonic() + timeout
    while True:
        current = describe_flow_logs(client, flow_log_ids=flow_log_ids)
        if all(fl.get("FlowLogStatus") == "ACTIVE" for fl in current) and len(current) == len(set(flow_log_ids)):
            return current
        if time.monotonic() > deadline:
            return current
        sleep(5)


def delivery_errors(flow_logs):
    """Flow logs whose delivery failed, with the message AWS gives (for example 'Access error')."""
    return [
        {
            "flow_log_id": fl.get("FlowLogId"),
            "resource_id": fl.get("ResourceId"),
            "deliver_logs_status": fl.get("DeliverLogsStatus"),
            "deliver_logs_error_message": fl.get("DeliverLogsErrorMessage"),
        }
        for fl in flow_logs
        if fl.get("DeliverLogsStatus") == "FAILED"
    ]
