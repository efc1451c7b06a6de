"""TokenCipher: round trip, keyring parsing, and every way a ciphertext must refuse to open."""

from __future__ import annotations

import base64
from uuid import uuid4

import pytest

from metasync.crypto import (
    KEY_BYTES,
    NONCE_BYTES,
    VERSION,
    KeyringError,
    TokenCipher,
    TokenDecryptError,
    UnknownKeyError,
    format_key_entry,
    generate_key,
    parse_keyring,
)
from metasync.settings import Settings

TOKEN = "EAAGm0PX4ZCpsBAFakeTokenForTests1234567890abcdefXYZ"
ORG, ROW = uuid4(), uuid4()


def keyring(*kids: str) -> dict[str, bytes]:
    return {kid: generate_key() for kid in kids}


def test_round_trip_and_layout() -> None:
    cipher = TokenCipher(keyring("k1"))
    sealed = cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW)
    assert sealed.key_id == "k1"
    assert sealed.ciphertext[0] == VERSION
    assert len(sealed.ciphertext) == 1 + NONCE_BYTES + len(TOKEN) + 16
    assert TOKEN.encode() not in sealed.ciphertext
    assert cipher.decrypt(sealed.ciphertext, "k1", organization_id=ORG, connection_id=ROW) == TOKEN


def test_random_nonce_gives_different_ciphertexts() -> None:
    cipher = TokenCipher(keyring("k1"))
    first = cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW).ciphertext
    second = cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW).ciphertext
    assert first[1 : 1 + NONCE_BYTES] != second[1 : 1 + NONCE_BYTES]
    assert first != second


def test_wrong_key_fails_without_leaking_the_token() -> None:
    writer = TokenCipher({"k1": generate_key()})
    reader = TokenCipher({"k1": generate_key()})
    sealed = writer.encrypt(TOKEN, organization_id=ORG, connection_id=ROW)
    with pytest.raises(TokenDecryptError) as info:
        reader.decrypt(sealed.ciphertext, "k1", organization_id=ORG, connection_id=ROW)
    assert TOKEN not in str(info.value)
    assert str(ROW) in str(info.value)


def test_unknown_key_id_is_a_clear_error() -> None:
    cipher = TokenCipher(keyring("k1"))
    sealed = cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW)
    with pytest.raises(UnknownKeyError, match="'k9'"):
        cipher.decrypt(sealed.ciphertext, "k9", organization_id=ORG, connection_id=ROW)


@pytest.mark.parametrize("position", [0, 5, 1 + NONCE_BYTES + 3, -1])
def test_tampered_ciphertext_fails(position: int) -> None:
    cipher = TokenCipher(keyring("k1"))
    blob = bytearray(cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW).ciphertext)
    blob[position] ^= 0x01
    with pytest.raises(TokenDecryptError):
        cipher.decrypt(bytes(blob), "k1", organization_id=ORG, connection_id=ROW)


def test_truncated_ciphertext_fails() -> None:
    cipher = TokenCipher(keyring("k1"))
    blob = cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW).ciphertext
    with pytest.raises(TokenDecryptError):
        cipher.decrypt(blob[:20], "k1", organization_id=ORG, connection_id=ROW)


def test_ciphertext_copied_to_another_row_or_organization_fails() -> None:
    cipher = TokenCipher(keyring("k1"))
    blob = cipher.encrypt(TOKEN, organization_id=ORG, connection_id=ROW).ciphertext
    with pytest.raises(TokenDecryptError):
        cipher.decrypt(blob, "k1", organization_id=ORG, connection_id=uuid4())
    with pytest.raises(TokenDecryptError):
        cipher.decrypt(blob, "k1", organization_id=uuid4(), connection_id=ROW)


def test_old_and_new_key_both_decrypt_during_rotation() -> None:
    keys = keyring("old", "new")
    before = TokenCipher(keys, "old")
    during = TokenCipher(keys, "new")
    old_blob = before.encrypt(TOKEN, organization_id=ORG, connection_id=ROW)
    new_blob = during.encrypt(TOKEN, organization_id=ORG, connection_id=ROW)
    assert new_blob.key_id == "new"
    for sealed in (old_blob, new_blob):
        assert (
            during.decrypt(sealed.ciphertext, sealed.key_id, organization_id=ORG, connection_id=ROW)
            == TOKEN
        )


def test_keyring_parsing() -> None:
    k1, k2 = generate_key(), generate_key()
    spec = f" {format_key_entry('k1', k1)} , {format_key_entry('k2', k2)} "
    assert parse_keyring(spec) == {"k1": k1, "k2": k2}
    short = base64.b64encode(b"x" * 16).decode()
    for bad in (f"k1:{short}", "k1:not base64!", "nocolon", f"bad id:{short}"):
        with pytest.raises(KeyringError) as info:
            parse_keyring(bad)
        assert short not in str(info.value)
    with pytest.raises(KeyringError, match="twice"):
        parse_keyring(f"{format_key_entry('k1', k1)},{format_key_entry('k1', k2)}")


def test_current_key_must_be_known_and_is_required_with_several_keys() -> None:
    with pytest.raises(KeyringError):
        TokenCipher(keyring("k1"), "k2")
    with pytest.raises(KeyringError, match="METASYNC_TOKEN_KEY_ID"):
        TokenCipher(keyring("k1", "k2"))
    with pytest.raises(KeyringError):
        TokenCipher({})
    assert TokenCipher(keyring("only")).current_key_id == "only"
    assert len(generate_key()) == KEY_BYTES


def test_from_settings_and_repr_hides_keys() -> None:
    key = generate_key()
    settings = Settings(token_keys=format_key_entry("k1", key), token_key_id="k1")
    cipher = TokenCipher.from_settings(settings)
    assert cipher.key_ids == {"k1"}
    assert base64.b64encode(key).decode() not in repr(cipher)
    with pytest.raises(KeyringError, match="METASYNC_TOKEN_KEYS"):
        TokenCipher.from_settings(Settings(token_keys=None))
