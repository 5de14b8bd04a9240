"""TLS client certificates for direct engine endpoints (issue 18): the PEM material a node's
tcp:// engine is reached with, checked when it is saved, its key sealed before any event.

No message here ever quotes the key: a refusal names the field and what is wrong with it.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from application.errors import InvalidValueError
from application.ports import SecretBox
from application.secrets import Secret
from domain.node import NodeTls

MAX_PEM_LENGTH = 64 * 1024
_PUBLIC = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_context(node_id: UUID) -> str:
    """What a node's sealed client key is bound to."""
    return f"node:{node_id}:tls-key"


def seal_tls(
    secrets: SecretBox,
    organization_id: UUID,
    node_id: UUID,
    ca_cert: str | None,
    client_cert: str | None,
    client_key: Secret | None,
    now: datetime,
) -> NodeTls | None:
    """The node's TLS material, checked and its key sealed; None when none is given.

    All three are needed together: the CA certificate the engine's certificate is verified
    with, the client certificate (not expired, not yet to come) and the key it was made for.
    """
    given = {"tls_ca_cert": ca_cert, "tls_client_cert": client_cert, "tls_client_key": client_key}
    if all(value is None for value in given.values()):
        return None
    if ca_cert is None or client_cert is None or client_key is None:
        missing = next(name for name, value in given.items() if value is None)
        raise InvalidValueError(
            missing,
            "is missing: TLS needs the CA certificate, the client certificate and the client "
            "key together",
        )
    check_tls(ca_cert, client_cert, client_key, now)
    sealed = secrets.seal(organization_id, key_context(node_id), client_key)
    return NodeTls(ca_cert.strip() + "\n", client_cert.strip() + "\n", sealed)


def check_tls(ca_cert: str, client_cert: str, client_key: Secret, now: datetime) -> None:
    """Raise InvalidValueError unless the three PEMs are well formed, the certificates are
    valid at ``now`` and the key is the client certificate's."""
    for name, certificate in (("tls_ca_cert", ca_cert), ("tls_client_cert", client_cert)):
        cert = _certificate(name, certificate)
        if cert.not_valid_after_utc <= now:
            raise InvalidValueError(
                name, f"has expired (valid until {cert.not_valid_after_utc.isoformat()})"
            )
        if cert.not_valid_before_utc > now:
            raise InvalidValueError(
                name, f"is not valid yet (valid from {cert.not_valid_before_utc.isoformat()})"
            )
    key = _private_key(client_key)
    cert = _certificate("tls_client_cert", client_cert)
    if key.public_key().public_bytes(*_PUBLIC) != cert.public_key().public_bytes(*_PUBLIC):
        raise InvalidValueError(
            "tls_client_key", "does not belong to the client certificate (their public keys differ)"
        )


def _certificate(name: str, pem: str) -> x509.Certificate:
    text = pem.strip()
    if len(text) > MAX_PEM_LENGTH or not text.startswith("-----BEGIN CERTIFICATE-----"):
        raise InvalidValueError(name, "must be one PEM certificate (-----BEGIN CERTIFICATE-----)")
    try:
        return x509.load_pem_x509_certificate(text.encode())
    except ValueError:
        raise InvalidValueError(name, "is not a readable PEM certificate") from None


def _private_key(key: Secret) -> PrivateKeyTypes:
    text = key.reveal().strip()
    if len(text) > MAX_PEM_LENGTH or not (
        text.startswith("-----BEGIN") and "PRIVATE KEY-----" in text.splitlines()[0]
    ):
        raise InvalidValueError(
            "tls_client_key",
            "must be one unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)",
        )
    try:
        return serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError):
        # Never the library's message: it may quote part of what it could not read.
        raise InvalidValueError(
            "tls_client_key", "is not a readable unencrypted PEM private key"
        ) from None
    except Exception:  # an unsupported algorithm, say
        raise InvalidValueError("tls_client_key", "is not a key Containr can use") from None
