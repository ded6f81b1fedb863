"""Glue, Athena, Organizations and Account service providers for LocalStack, backed by moto.

Emulator gap: LocalStack's free edition ships no provider for Glue or Athena, so a
request to either is answered with "not included in your current license plan" /
"not yet implemented".  LocalStack's own moto-backed providers (see
``localstack/services/providers.py``) are a provider class plus
``MotoFallbackDispatcher``; Glue and Athena have no generated API class in the free
edition, so here the dispatch table is built straight from the botocore service
model: every operation goes to moto via ``call_moto``, except the handful that the
``athena`` module implements where moto has none.

Organizations: the free edition has no provider either; moto's Organizations backend
serves every operation (the inventory plugin's ListAccounts, ListOrganizationalUnitsForParent,
ListAccountsForParent, DescribeOrganizationalUnit, ...). Account Management
(ListRegions) is in neither LocalStack nor moto: the ``account`` module implements it.

Test infrastructure only; see the package docstring.
"""

from localstack.services.plugins import Service, aws_provider


def _moto_service(api: str, overrides: dict | None = None) -> Service:
    """Build a LocalStack Service whose every operation is served by moto.

    ``overrides`` maps operation names to handlers ``(context, request) -> response``
    that replace the moto call for that operation.
    """
    from localstack.aws.skeleton import Skeleton
    from localstack.aws.spec import load_service
    from localstack.services.moto import call_moto

    service_model = load_service(api)

    def to_moto(context, request):
        # call_moto re-dispatches the original HTTP request to moto's in-memory
        # backend and returns the parsed response (errors become ServiceExceptions).
        return call_moto(context)

    table = {name: to_moto for name in service_model.operation_names}
    table.update(overrides or {})
    return Service(name=api, skeleton=Skeleton(service_model, table))


@aws_provider(api="glue")
def glue() -> Service:
    return _moto_service("glue")


@aws_provider(api="athena")
def athena() -> Service:
    from flowlogs_localstack_ext.athena import HANDLERS

    return _moto_service("athena", HANDLERS)


def _json_errors(handler):
    """Some of moto's Organizations errors (OrganizationalUnitNotFoundException,
    ParentNotFoundException, ...) are XML-rendered RESTErrors in a JSON protocol: LocalStack
    passes them on with the HTTP status as the code and the XML as the message. Re-raise them
    with the code and message AWS sends."""
    import re

    from localstack.aws.api import CommonServiceException, ServiceException

    def wrapped(context, request):
        try:
            return handler(context, request)
        except ServiceException as error:
            text = str(getattr(error, "message", "") or "")
            code = re.search(r"<Code>(.*?)</Code>", text)
            if not code:
                raise
            message = re.search(r"<Message><!\[CDATA\[(.*?)\]\]></Message>", text, re.S)
            raise CommonServiceException(code.group(1), message.group(1) if message else code.group(1),
                                         status_code=400, sender_fault=True) from None

    return wrapped


@aws_provider(api="organizations")
def organizations() -> Service:
    from localstack.aws.spec import load_service
    from localstack.services.moto import call_moto

    handler = _json_errors(lambda context, request: call_moto(context))
    return _moto_service("organizations", {name: handler for name in load_service("organizations").operation_names})


@aws_provider(api="account")
def account() -> Service:
    from flowlogs_localstack_ext.account import HANDLERS

    return _moto_service("account", HANDLERS)
