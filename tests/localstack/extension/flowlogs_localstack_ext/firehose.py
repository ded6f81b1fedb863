"""Amazon Data Firehose on LocalStack 4.13.1 under Python 3.11, as strict as AWS for what the collection calls.

Emulator gaps (checked on LocalStack 4.13.1):

* Every Firehose request failed with ``InternalError: ... unsupported operand type(s)
  for |: 'builtin_function_or_method' and 'NoneType'``: the provider imports
  ``localstack.packages.api``, whose annotation ``install_lock: Lock | None`` is
  evaluated at import time, and ``threading.Lock`` is a function before Python 3.13.
  The hook loads that module once with postponed annotations (PEP 563), the same code
  otherwise, before the provider is first loaded (providers load on first request).
* ``CreateDeliveryStream`` accepted any name, no destination role, any bucket ARN, and
  forgot ``DeliveryStreamEncryptionConfigurationInput``; ``DescribeDeliveryStream`` had
  no ``DeliveryStreamEncryptionConfiguration``; ``StartDeliveryStreamEncryption`` was
  not implemented (nor ``StopDeliveryStreamEncryption``); ``UpdateDestination`` ignored
  ``CurrentDeliveryStreamVersionId`` and never bumped ``VersionId``.  AWS (the Amazon Data Firehose API reference, and the same
  constraints in botocore's firehose model): ``DeliveryStreamName`` 1 to 64 characters of
  ``[a-zA-Z0-9_.-]``; an S3 destination needs ``RoleARN`` (an IAM role ARN) and
  ``BucketARN`` (``arn:...:s3:::bucket``); ``KeyType`` ``CUSTOMER_MANAGED_CMK`` needs
  ``KeyARN`` and ``AWS_OWNED_CMK`` forbids it; at most 50 tags, keys not starting with
  ``aws:``.  Refused with AWS's codes (``ValidationException`` for a pattern or length,
  ``InvalidArgumentException`` for the rest), nothing created.
* ``CreateFlowLogs`` with ``LogDestinationType`` ``kinesis-data-firehose`` is handled in
  ``flow_logs.py``: the stream must exist (see ``stream_exists``), in the account and region
  its ARN names (a stream of another account for cross-account delivery).

Test infrastructure only; see the package docstring.
"""

import __future__
import importlib.util
import logging
import os
import re
import sys

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)

NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")
ROLE_ARN = re.compile(r"^arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+$")
BUCKET_ARN = re.compile(r"^arn:.*:s3:::[\w.\-]{1,255}$")
KMS_ARN = re.compile(r"^arn:.*:kms:[a-zA-Z0-9\-]+:\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\-_/]+$")
KEY_TYPES = ("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK")


class Refused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _load_packages_api_with_postponed_annotations():
    if "localstack.packages.api" in sys.modules:
        return
    import localstack

    path = os.path.join(list(localstack.__path__)[-1], "packages", "api.py")
    spec = importlib.util.spec_from_file_location("localstack.packages.api", path)
    with open(path, encoding="utf-8") as source:
        code = compile(source.read(), path, "exec", flags=__future__.annotations.compiler_flag, dont_inherit=True)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "localstack.packages"
    sys.modules[spec.name] = module
    exec(code, module.__dict__)  # noqa: S102 - LocalStack's own module, only compiled with PEP 563


def _check_encryption(encryption):
    if not encryption:
        return
    key_type = encryption.get("KeyType")
    if key_type not in KEY_TYPES:
        raise Refused("ValidationException", "1 validation error detected: Value '{0}' at 'keyType' failed to satisfy "
                                             "constraint: Member must satisfy enum value set: {1}".format(key_type, list(KEY_TYPES)))
    key_arn = encryption.get("KeyARN")
    if key_type == "CUSTOMER_MANAGED_CMK" and not key_arn:
        raise Refused("InvalidArgumentException", "KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.")
    if key_type == "AWS_OWNED_CMK" and key_arn:
        raise Refused("InvalidArgumentException", "KeyARN is not allowed when KeyType is AWS_OWNED_CMK.")
    if key_arn and not KMS_ARN.match(key_arn):
        raise Refused("ValidationException", "1 validation error detected: Value '{0}' at 'keyARN' failed to satisfy "
                                             "constraint: Member must satisfy regular expression pattern".format(key_arn))


def check_create(request):
    """Refuse a CreateDeliveryStream request AWS refuses (only the parts the collection sends)."""
    name = request.get("DeliveryStreamName") or ""
    if not NAME.match(name):
        raise Refused("ValidationException", "1 validation error detected: Value '{0}' at 'deliveryStreamName' failed "
                                             "to satisfy constraint: Member must satisfy regular expression pattern: "
                                             "[a-zA-Z0-9_.-]+ and have length between 1 and 64".format(name))
    s3 = request.get("ExtendedS3DestinationConfiguration") or request.get("S3DestinationConfiguration")
    if s3 is not None:
        role = s3.get("RoleARN") or ""
        if not ROLE_ARN.match(role):
            raise Refused("InvalidArgumentException", "RoleARN is required and must be an IAM role ARN for an S3 "
                                                      "destination (got '{0}').".format(role))
        bucket = s3.get("BucketARN") or ""
        if not BUCKET_ARN.match(bucket):
            raise Refused("InvalidArgumentException", "BucketARN must be an S3 bucket ARN (got '{0}').".format(bucket))
    _check_encryption(request.get("DeliveryStreamEncryptionConfigurationInput"))
    tags = request.get("Tags") or []
    if len(tags) > 50:
        raise Refused("ValidationException", "1 validation error detected: Value at 'tags' failed to satisfy "
                                             "constraint: Member must have length less than or equal to 50")
    for tag in tags:
        if tag.get("Key", "").startswith("aws:") or not 1 <= len(tag.get("Key", "")) <= 128:
            raise Refused("ValidationException", "1 validation error detected: Value '{0}' at 'tags.member.key' failed "
                                                 "to satisfy constraint".format(tag.get("Key")))


def _described_encryption(encryption):
    described = {"KeyType": encryption["KeyType"], "Status": "ENABLED"}
    if encryption.get("KeyARN"):
        described["KeyARN"] = encryption["KeyARN"]
    return described


def _stream_store(arn):
    """(the store of the stream's account and region, the stream's name), from its ARN: a flow log
    may name a stream of another account (cross-account delivery)."""
    from localstack.services.firehose.models import firehose_stores

    parts = arn.split(":", 5)
    name = re.split(r"[/:]", arn.split(":deliverystream", 1)[-1], maxsplit=1)[-1]
    return firehose_stores[parts[4]][parts[3]], name


def stream_exists(arn):
    """Whether the delivery stream an ARN names exists (CreateFlowLogs needs it)."""
    store, name = _stream_store(arn)
    return name in store.delivery_streams


def tag_for_log_delivery(arn):
    store, unused = _stream_store(arn)
    store.TAGS.tag_resource(arn, [{"Key": "LogDeliveryEnabled", "Value": "true"}])


@hooks.on_infra_start(priority=50)
def flowlogs_patch_firehose():
    _load_packages_api_with_postponed_annotations()
    from localstack.aws.api import CommonServiceException
    from localstack.aws.api.firehose import ResourceNotFoundException
    from localstack.services.firehose.provider import FirehoseProvider
    from localstack.utils.patch import patch

    if getattr(FirehoseProvider, "flowlogs_patched", False):
        return
    FirehoseProvider.flowlogs_patched = True

    @patch(FirehoseProvider.create_delivery_stream)
    def create_delivery_stream(fn, self, context, delivery_stream_name, *args, **kwargs):
        request = dict(context.service_request or {})
        request.setdefault("DeliveryStreamName", delivery_stream_name)
        try:
            check_create(request)
        except Refused as refused:
            raise CommonServiceException(code=refused.code, message=refused.message)
        response = fn(self, context, delivery_stream_name, *args, **kwargs)
        encryption = request.get("DeliveryStreamEncryptionConfigurationInput")
        if encryption:
            stream = self.get_store(context.account_id, context.region).delivery_streams[delivery_stream_name]
            stream["DeliveryStreamEncryptionConfiguration"] = _described_encryption(encryption)
        return response

    def start_delivery_stream_encryption(self, context, delivery_stream_name,
                                         delivery_stream_encryption_configuration_input=None, **kwargs):
        stream = self.get_store(context.account_id, context.region).delivery_streams.get(delivery_stream_name)
        if stream is None:
            raise ResourceNotFoundException(
                "Firehose {0} under account {1} not found.".format(delivery_stream_name, context.account_id))
        encryption = delivery_stream_encryption_configuration_input or {"KeyType": "AWS_OWNED_CMK"}
        try:
            _check_encryption(encryption)
        except Refused as refused:
            raise CommonServiceException(code=refused.code, message=refused.message)
        stream["DeliveryStreamEncryptionConfiguration"] = _described_encryption(encryption)
        return {}

    def stop_delivery_stream_encryption(self, context, delivery_stream_name, **kwargs):
        stream = self.get_store(context.account_id, context.region).delivery_streams.get(delivery_stream_name)
        if stream is None:
            raise ResourceNotFoundException(
                "Firehose {0} under account {1} not found.".format(delivery_stream_name, context.account_id))
        stream["DeliveryStreamEncryptionConfiguration"] = {"Status": "DISABLED"}
        return {}

    # UpdateDestination: AWS refuses a CurrentDeliveryStreamVersionId that is not the stream's
    # (ConcurrentModificationException) and bumps VersionId on success; LocalStack did neither.
    @patch(FirehoseProvider.update_destination)
    def update_destination(fn, self, context, delivery_stream_name, current_delivery_stream_version_id,
                           destination_id, *args, **kwargs):
        stream = self.get_store(context.account_id, context.region).delivery_streams.get(delivery_stream_name)
        if stream is not None:
            if current_delivery_stream_version_id != stream.get("VersionId"):
                raise CommonServiceException(
                    code="ConcurrentModificationException",
                    message="Cannot update firehose {0}: the version id {1} is not the current one, {2}.".format(
                        delivery_stream_name, current_delivery_stream_version_id, stream.get("VersionId")))
            if destination_id not in [d.get("DestinationId") for d in stream.get("Destinations") or []]:
                raise CommonServiceException(code="InvalidArgumentException",
                                             message="Destination {0} not found.".format(destination_id))
        response = fn(self, context, delivery_stream_name, current_delivery_stream_version_id, destination_id,
                      *args, **kwargs)
        stream["VersionId"] = str(int(stream.get("VersionId") or "1") + 1)
        return response

    # LocalStack dispatches by the handler's name, resolved on the provider.
    FirehoseProvider.start_delivery_stream_encryption = start_delivery_stream_encryption
    FirehoseProvider.stop_delivery_stream_encryption = stop_delivery_stream_encryption
    LOG.debug("flowlogs extension: Firehose patch applied")
