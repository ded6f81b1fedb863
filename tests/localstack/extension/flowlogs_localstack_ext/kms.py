"""Make KMS CreateKey work when LocalStack runs on Python 3.11.

Emulator gap: on LocalStack 4.13.1 every ``kms:CreateKey`` of a symmetric key
(the default, ``SYMMETRIC_DEFAULT`` with origin ``AWS_KMS``) fails with
``InternalError: exception while calling kms.CreateKey: encoding without a string
argument``.  The cause is in ``localstack.services.kms.models``:

    def generate_key_material_id(self, key_material: bytes) -> str:
        key_material_id_hex = uuid.uuid5(self._internal_key_id, key_material).hex

``key_material`` is ``bytes``.  ``uuid.uuid5`` accepts a ``bytes`` name only from
Python 3.12 on ("Changed in version 3.12: name may be bytes", Python docs, uuid);
on 3.11 it runs ``bytes(name, "utf-8")``, which raises that TypeError.  LocalStack
4.13.1 is the newest version that runs on this project's Python 3.11, so the
tests run into it whenever a role creates a key (S3 SSE-KMS, encrypted log groups).

The hook replaces the method with one that computes the same name-based UUID as
Python 3.12's ``uuid5`` does for a bytes name (SHA-1 of namespace bytes + name,
first 16 bytes, version 5), so the KeyMaterialId is what LocalStack computes on
3.12.  ``ImportKeyMaterial`` and ``RotateKeyOnDemand`` call the same method and are
fixed with it.

Test infrastructure only; see the package docstring.
"""

import hashlib
import logging
import uuid

from localstack.runtime import hooks

LOG = logging.getLogger(__name__)


def uuid5_bytes(namespace: uuid.UUID, name) -> uuid.UUID:
    """``uuid.uuid5`` as Python 3.12 defines it: ``name`` may be str or bytes."""
    if isinstance(name, str):
        name = name.encode("utf-8")
    digest = hashlib.sha1(namespace.bytes + bytes(name)).digest()
    return uuid.UUID(bytes=digest[:16], version=5)


def generate_key_material_id(self, key_material: bytes) -> str:
    # Same value as LocalStack's own method on Python 3.12+.
    return str(uuid5_bytes(self._internal_key_id, key_material).hex) * 2


@hooks.on_infra_start(priority=50)
def flowlogs_fix_kms_key_material_id():
    from localstack.services.kms.models import KmsKey

    try:
        uuid.uuid5(uuid.NAMESPACE_OID, b"probe")
        return  # Python 3.12+: LocalStack's own code works.
    except TypeError:
        pass
    KmsKey.generate_key_material_id = generate_key_material_id
    LOG.debug("flowlogs extension: KMS key material id patch applied")
