"""Glue and Athena service providers for LocalStack, backed by moto.

Emulator gap: LocalStack's free edition ships no provider for Glue or Athena, so a
request to either is answered with "not included in your current license plan" /
"not yet implemented".  LocalStack's own moto-backed providers (see
``localstack/services/providers.py``) are a provider class plus
``MotoFallbackDispatcher``; Glue and Athena have no generated API class in the free
edition, so here the dispatch table is built straight from the botocore service
model: every operation goes to moto via ``call_moto``, except the handful that the
``athena`` module implements where moto has none.

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
