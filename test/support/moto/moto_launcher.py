"""Start moto_server with KMS Sign/Verify honouring MessageType DIGEST (test use only).

moto 5.2.1 reads MessageType in KmsResponse.sign/verify (moto/kms/responses.py) but never
passes it on: KmsBackend.sign/verify (moto/kms/models.py) call
ECDSAPrivateKey.sign/verify (moto/kms/utils.py), which always hash the message with
ec.ECDSA(SHA256()). For DIGEST, real KMS signs the given digest as is. This launcher
remembers the request's MessageType for the duration of the call (one werkzeug thread per
request, so a thread-local context variable) and, for DIGEST, signs and verifies the digest
prehashed, after checking its length as KMS does. RAW requests are unchanged.

Usage: python3 moto_launcher.py PORT
"""

import contextvars
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from moto.kms import responses as kms_responses
from moto.kms import utils as kms_utils
from moto.kms.exceptions import ValidationException

_message_type: contextvars.ContextVar[str] = contextvars.ContextVar(
    "stele_kms_message_type", default="RAW"
)

_HASHES = {
    "ECDSA_SHA_256": hashes.SHA256,
    "ECDSA_SHA_384": hashes.SHA384,
    "ECDSA_SHA_512": hashes.SHA512,
}


def _with_message_type(handler):
    """Wrap a KmsResponse handler so the key's sign/verify can see the request's MessageType."""

    def wrapped(self):
        token = _message_type.set(self._get_param("MessageType") or "RAW")
        try:
            return handler(self)
        finally:
            _message_type.reset(token)

    wrapped.__name__ = handler.__name__
    return wrapped


def _ecdsa_algorithm(message: bytes, signing_algorithm: str) -> ec.ECDSA:
    hash_algorithm = _HASHES[signing_algorithm]()
    if _message_type.get() != "DIGEST":
        return ec.ECDSA(hash_algorithm)
    if len(message) != hash_algorithm.digest_size:
        raise ValidationException(
            f"Digest is invalid length for algorithm {signing_algorithm}: "
            f"{len(message)} bytes, want {hash_algorithm.digest_size}."
        )
    return ec.ECDSA(Prehashed(hash_algorithm))


def _sign(self, message: bytes, signing_algorithm: str) -> bytes:
    kms_utils.validate_signing_algorithm(signing_algorithm, self.valid_signing_algorithms)
    return self.private_key.sign(message, _ecdsa_algorithm(message, signing_algorithm))


def _verify(self, message: bytes, signature: bytes, signing_algorithm: str) -> bool:
    kms_utils.validate_signing_algorithm(signing_algorithm, self.valid_signing_algorithms)
    algorithm = _ecdsa_algorithm(message, signing_algorithm)
    try:
        self.private_key.public_key().verify(signature, message, algorithm)
        return True
    except InvalidSignature:
        return False


def _patch() -> None:
    kms_responses.KmsResponse.sign = _with_message_type(kms_responses.KmsResponse.sign)
    kms_responses.KmsResponse.verify = _with_message_type(kms_responses.KmsResponse.verify)
    kms_utils.ECDSAPrivateKey.sign = _sign
    kms_utils.ECDSAPrivateKey.verify = _verify


def main(argv: list[str]) -> None:
    if len(argv) != 1 or not argv[0].isdigit():
        sys.exit("usage: moto_launcher.py PORT")
    _patch()
    from moto.server import main as moto_main

    moto_main(["-H", "127.0.0.1", "-p", argv[0]])


if __name__ == "__main__":
    main(sys.argv[1:])
