"""Signatures and seals over the canonical content of a document.

The canonical content is JSON with sorted keys, no insignificant whitespace, UTF-8 (non-ASCII kept
as is): the same document always gives the same bytes, so its SHA-256 names exactly what was signed.
A *signature* records that an authenticated person, in a role, signed the content with that digest.
A *seal* is the unit's Ed25519 signature over the same bytes, under a key id, so the seal of a
rotated-out key still verifies with the public key kept for it. The platform holds the private keys
encrypted at rest (PKCS#8 with a passphrase the service gets from its environment).
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEAL_ALGORITHM = "Ed25519"


def canonical_text(content: Any) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _protection(passphrase: bytes | None) -> serialization.KeySerializationEncryption:
    return serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()


def new_key_pair(passphrase: bytes | None = None) -> tuple[str, str]:
    """A fresh unit key: (private PEM, encrypted with the passphrase when given; public PEM)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                _protection(passphrase)).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def seal(private_pem: str, text: str, passphrase: bytes | None = None) -> str:
    # Keys stored before encryption at rest are plain PKCS#8; they stay usable.
    encrypted = "ENCRYPTED" in private_pem
    key = serialization.load_pem_private_key(private_pem.encode(), password=passphrase if encrypted else None)
    assert isinstance(key, Ed25519PrivateKey)
    return base64.b64encode(key.sign(text.encode("utf-8"))).decode()


def seal_verifies(public_pem: str, text: str, signature_b64: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        return False
    try:
        key.verify(base64.b64decode(signature_b64), text.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return False
    return True


def signature_verifies(recorded_digest: str, text: str) -> bool:
    return recorded_digest == digest(text)
