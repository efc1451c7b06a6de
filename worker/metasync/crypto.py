"""Token encryption: AES-256-GCM with a keyring of named keys, for rotation without downtime.

Layout of a ciphertext (stored in ``meta_connections.token_ciphertext``)::

    version (1 byte, 0x01) | nonce (12 random bytes) | AES-GCM ciphertext + 16-byte tag

The key is named by the row's ``token_key_id``, never by the ciphertext. The associated data
binds a ciphertext to its row: ``meta_sync.meta_connections:<organization_id>:<connection_id>``,
so a ciphertext copied to another connection or organisation does not decrypt.

Keys come from ``METASYNC_TOKEN_KEYS`` (``kid1:<base64 of 32 bytes>,kid2:...``); new encryptions
use ``METASYNC_TOKEN_KEY_ID``. During a rotation every worker holds both the old and the new key.

Errors (none of them ever carries a token or a key)::

    TokenCipherError
    ├── KeyringError          the keyring setting is malformed or the current key is missing
    ├── UnknownKeyError       a row names a key id this process does not hold
    └── TokenDecryptError     tampered ciphertext, wrong key, or a ciphertext of another row
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from metasync.settings import Settings

VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class TokenCipherError(Exception):
    """Any failure to configure the keyring, or to encrypt or decrypt a token."""


class KeyringError(TokenCipherError):
    """``METASYNC_TOKEN_KEYS`` / ``METASYNC_TOKEN_KEY_ID`` are missing or malformed."""


class UnknownKeyError(TokenCipherError):
    """The ciphertext was written under a key id this process does not hold."""


class TokenDecryptError(TokenCipherError):
    """The ciphertext is tampered, truncated, of an unknown version, or belongs to another row."""


@dataclass(frozen=True)
class EncryptedToken:
    ciphertext: bytes
    key_id: str


def generate_key() -> bytes:
    """32 random bytes: a new AES-256 key."""
    return secrets.token_bytes(KEY_BYTES)


def new_key_id() -> str:
    """A fresh, readable key id such as ``k-3f9a1c2b``."""
    return f"k-{secrets.token_hex(4)}"


def format_key_entry(key_id: str, key: bytes) -> str:
    """``kid:<base64>``, one entry of ``METASYNC_TOKEN_KEYS``."""
    _check_key_id(key_id)
    return f"{key_id}:{base64.b64encode(key).decode('ascii')}"


def parse_keyring(spec: str) -> dict[str, bytes]:
    """``kid1:<base64>,kid2:<base64>`` -> ``{kid: key}``; the error names the entry, not the key."""
    keys: dict[str, bytes] = {}
    for position, raw_entry in enumerate(spec.split(","), start=1):
        entry = raw_entry.strip()
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        key_id = key_id.strip()
        if not sep:
            raise KeyringError(f"token key entry {position} is not 'kid:<base64 key>'")
        _check_key_id(key_id)
        if key_id in keys:
            raise KeyringError(f"token key id {key_id!r} appears twice")
        keys[key_id] = _decode_key(key_id, encoded.strip())
    return keys


def _check_key_id(key_id: str) -> None:
    if not _KEY_ID.match(key_id):
        raise KeyringError("a token key id must be 1-64 characters of letters, digits, '._-'")


def _decode_key(key_id: str, encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyringError(f"token key {key_id!r} is not valid base64") from exc
    if len(key) != KEY_BYTES:
        raise KeyringError(f"token key {key_id!r} must be {KEY_BYTES} bytes, got {len(key)}")
    return key


def associated_data(organization_id: UUID | str, connection_id: UUID | str) -> bytes:
    """What a ciphertext is bound to: its organisation and its connection row."""
    org, row = UUID(str(organization_id)), UUID(str(connection_id))
    return f"meta_sync.meta_connections:{org}:{row}".encode()


class TokenCipher:
    """Encrypts tokens under the current key; decrypts under whichever key the row names."""

    def __init__(self, keys: Mapping[str, bytes], current_key_id: str | None = None) -> None:
        if not keys:
            raise KeyringError("no token keys configured (METASYNC_TOKEN_KEYS)")
        for key_id, key in keys.items():
            _check_key_id(key_id)
            if len(key) != KEY_BYTES:
                raise KeyringError(f"token key {key_id!r} must be {KEY_BYTES} bytes")
        if current_key_id is None:
            if len(keys) != 1:
                raise KeyringError(
                    "several token keys: set METASYNC_TOKEN_KEY_ID to the current one"
                )
            current_key_id = next(iter(keys))
        if current_key_id not in keys:
            raise KeyringError(f"current token key id {current_key_id!r} is not in the keyring")
        self._aead = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self._current = current_key_id

    @classmethod
    def from_spec(cls, spec: str, current_key_id: str | None = None) -> TokenCipher:
        return cls(parse_keyring(spec), current_key_id)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenCipher:
        if settings.token_keys is None:
            raise KeyringError("METASYNC_TOKEN_KEYS is not set (see `metasync keys generate`)")
        return cls.from_spec(settings.token_keys.get_secret_value(), settings.token_key_id)

    @property
    def current_key_id(self) -> str:
        return self._current

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._aead)

    def __repr__(self) -> str:
        return f"TokenCipher(key_ids={sorted(self._aead)}, current={self._current!r})"

    def encrypt(
        self,
        token: str,
        *,
        organization_id: UUID | str,
        connection_id: UUID | str,
        key_id: str | None = None,
    ) -> EncryptedToken:
        key_id = key_id or self._current
        aead = self._key(key_id)
        nonce = os.urandom(NONCE_BYTES)
        sealed = aead.encrypt(
            nonce, token.encode(), associated_data(organization_id, connection_id)
        )
        return EncryptedToken(bytes([VERSION]) + nonce + sealed, key_id)

    def decrypt(
        self,
        ciphertext: bytes,
        key_id: str,
        *,
        organization_id: UUID | str,
        connection_id: UUID | str,
    ) -> str:
        aead = self._key(key_id)
        blob = bytes(ciphertext)
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != VERSION:
            raise TokenDecryptError(
                f"token of connection {connection_id} is not a v{VERSION} ciphertext"
            )
        nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
        try:
            plain = aead.decrypt(nonce, sealed, associated_data(organization_id, connection_id))
        except InvalidTag:
            raise TokenDecryptError(
                f"token of connection {connection_id} does not decrypt under key {key_id!r} "
                "(tampered, wrong key, or copied from another connection)"
            ) from None
        return plain.decode()

    def _key(self, key_id: str) -> AESGCM:
        try:
            return self._aead[key_id]
        except KeyError:
            raise UnknownKeyError(
                f"token key id {key_id!r} is not in METASYNC_TOKEN_KEYS "
                f"(this process holds {sorted(self._aead)})"
            ) from None
