"""Athena operations that moto (as bundled with LocalStack 4.13.1) lacks or gets wrong.

Emulator gap, test infrastructure only (see the package docstring).  Everything
not listed in ``HANDLERS`` goes to moto unchanged.  These handlers work on moto's
own Athena backend state, so moto's operations and these see the same workgroups
and named queries.  Where moto has no operation at all they follow the AWS API
reference; they do not run SQL (Athena executes nothing here).

Each handler takes ``(context, request)``, the parsed request dict, and returns the
response dict that LocalStack serializes.
"""

from localstack.aws.api import CommonServiceException

PRIMARY = "primary"


class InvalidRequestException(CommonServiceException):
    def __init__(self, message: str):
        super().__init__("InvalidRequestException", message, status_code=400, sender_fault=True)


def _backend(context):
    from moto.athena.models import athena_backends

    return athena_backends[context.account_id][context.region]


def _work_group(backend, name):
    wg = backend.work_groups.get(name)
    if wg is None:
        raise InvalidRequestException(f"WorkGroup {name} is not found.")
    return wg


def _named_query(backend, query_id):
    nq = backend.named_queries.get(query_id)
    if nq is None:
        raise InvalidRequestException(f"NamedQuery {query_id} was not found.")
    return nq


def _named_query_dict(nq) -> dict:
    return {
        "Name": nq.name,
        "Description": nq.description,
        "Database": nq.database,
        "QueryString": nq.query_string,
        "NamedQueryId": nq.id,
        "WorkGroup": nq.workgroup.name,
    }


def get_work_group(context, request):
    # moto answers {"WorkGroup": null} for an unknown name; AWS raises.
    backend = _backend(context)
    _work_group(backend, request["WorkGroup"])
    return {"WorkGroup": backend.get_work_group(request["WorkGroup"])}


def _apply_updates(target: dict, updates: dict, nested: dict) -> None:
    """Apply an Athena *Updates structure: ``RemoveX: true`` drops X, others set X.

    ``nested`` maps an update key (e.g. ``ResultConfigurationUpdates``) to the key it
    updates recursively (``ResultConfiguration``).
    """
    for key, value in updates.items():
        if key in nested:
            _apply_updates(target.setdefault(nested[key], {}), value, {})
        elif key.startswith("Remove") and isinstance(value, bool):
            if value:
                target.pop(key[len("Remove"):], None)
        else:
            target[key] = value


def update_work_group(context, request):
    # Not implemented by moto.
    wg = _work_group(_backend(context), request["WorkGroup"])
    if "Description" in request:
        wg.description = request["Description"]
    if "State" in request:
        wg.state = request["State"]
    _apply_updates(
        wg.configuration,
        request.get("ConfigurationUpdates") or {},
        {"ResultConfigurationUpdates": "ResultConfiguration"},
    )
    return {}


def delete_work_group(context, request):
    # moto ignores unknown names and leaves the workgroup's named queries behind.
    backend = _backend(context)
    name = request["WorkGroup"]
    _work_group(backend, name)
    if name == PRIMARY:
        raise InvalidRequestException("Cannot delete the primary workgroup.")
    owned = [qid for qid, nq in backend.named_queries.items() if nq.workgroup.name == name]
    if owned and not request.get("RecursiveDeleteOption"):
        raise InvalidRequestException(
            f"WorkGroup {name} is not empty; set RecursiveDeleteOption to delete it and its contents."
        )
    for qid in owned:
        backend.named_queries.pop(qid, None)
    backend.tagger.delete_all_tags_for_resource(backend.work_groups[name].arn)
    backend.delete_work_group(name)
    return {}


def get_named_query(context, request):
    # moto fails with an internal error for an unknown id.
    return {"NamedQuery": _named_query_dict(_named_query(_backend(context), request["NamedQueryId"]))}


def batch_get_named_query(context, request):
    # Not implemented by moto.
    backend = _backend(context)
    found, missing = [], []
    for query_id in request.get("NamedQueryIds") or []:
        nq = backend.named_queries.get(query_id)
        if nq is None:
            missing.append(
                {
                    "NamedQueryId": query_id,
                    "ErrorCode": "INVALID_INPUT",
                    "ErrorMessage": f"NamedQuery {query_id} was not found.",
                }
            )
        else:
            found.append(_named_query_dict(nq))
    return {"NamedQueries": found, "UnprocessedNamedQueryIds": missing}


def update_named_query(context, request):
    # Not implemented by moto.
    nq = _named_query(_backend(context), request["NamedQueryId"])
    nq.name = request["Name"]
    nq.query_string = request["QueryString"]
    if "Description" in request:
        nq.description = request["Description"]
    return {}


def delete_named_query(context, request):
    # Not implemented by moto.
    backend = _backend(context)
    _named_query(backend, request["NamedQueryId"])
    backend.named_queries.pop(request["NamedQueryId"], None)
    return {}


def _resource_exists(backend, arn: str) -> bool:
    return any(r.arn == arn for r in [*backend.work_groups.values(), *backend.data_catalogs.values()])


def _require_resource(backend, arn: str) -> None:
    if not _resource_exists(backend, arn):
        raise CommonServiceException(
            "ResourceNotFoundException", f"Resource {arn} not found.", status_code=400, sender_fault=True
        )


def tag_resource(context, request):
    # Not implemented by moto (it only lists tags given at creation).
    backend = _backend(context)
    _require_resource(backend, request["ResourceARN"])
    backend.tagger.tag_resource(request["ResourceARN"], request.get("Tags") or [])
    return {}


def untag_resource(context, request):
    # Not implemented by moto.
    backend = _backend(context)
    _require_resource(backend, request["ResourceARN"])
    backend.tagger.untag_resource_using_names(request["ResourceARN"], request.get("TagKeys") or [])
    return {}


def list_tags_for_resource(context, request):
    # moto reports an existing resource without tags as not found; AWS lists none.
    backend = _backend(context)
    _require_resource(backend, request["ResourceARN"])
    return {"Tags": backend.tagger.list_tags_for_resource(request["ResourceARN"])[backend.tagger.tag_name]}


HANDLERS = {
    "GetWorkGroup": get_work_group,
    "UpdateWorkGroup": update_work_group,
    "DeleteWorkGroup": delete_work_group,
    "GetNamedQuery": get_named_query,
    "BatchGetNamedQuery": batch_get_named_query,
    "UpdateNamedQuery": update_named_query,
    "DeleteNamedQuery": delete_named_query,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
