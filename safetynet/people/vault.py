"""The identity vault's encryption: AES-256-GCM per field, with key rotation.

Keys come from ``SAFETYNET_VAULT_KEYS`` ("id:base64key,id:base64key", first = active) or
from the file named by ``SAFETYNET_VAULT_KEY_FILE`` (one "id:base64key" per line, first =
active). Production refuses to start without one (settings.py). Development and test
create ``var/vault.keys`` on first use so `make run` needs no setup.

Each ciphertext is bound to its record and field through GCM's associated data
("<person public id>:<field>"), so a ciphertext copied into another person's row, or into
another field, fails to decrypt instead of showing the wrong name.

Stored form: ``v1:<key id>:<base64(nonce || ciphertext+tag)>``.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class VaultError(Exception):
    """A value could not be decrypted: wrong key, tampered row, or a key that was removed."""


@dataclass(frozen=True)
class KeyRing:
    active_id: str
    keys: dict[str, bytes]


def parse_keys(text: str) -> KeyRing:
    items = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in items:
        if item.startswith("#"):
            continue
        key_id, sep, b64 = item.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("vault keys must look like 'k1:<base64 of 32 bytes>'")
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"vault key {key_id} is not valid base64") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured(f"vault key {key_id} must be 32 bytes (AES-256)")
        keys[key_id] = raw
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("no identity vault key configured")
    return KeyRing(order[0], keys)


def new_key_line(key_id: str | None = None) -> str:
    key_id = key_id or "k" + secrets.token_hex(4)
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def dev_key_file() -> Path:
    return Path(settings.VAR_DIR) / "vault.keys"


def _load_text() -> str:
    if settings.VAULT_KEYS:
        return settings.VAULT_KEYS
    if settings.VAULT_KEY_FILE:
        return Path(settings.VAULT_KEY_FILE).read_text()
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured("identity vault key missing")
    path = dev_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(new_key_line("dev1") + "\n")
    return path.read_text()


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    return parse_keys(_load_text())


def reload_keys() -> None:
    keyring.cache_clear()


def encrypt(plaintext: str | bytes | None, context: str) -> str:
    if plaintext is None or plaintext == "" or plaintext == b"":
        return ""
    ring = keyring()
    data = plaintext.encode() if isinstance(plaintext, str) else plaintext
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(ring.keys[ring.active_id]).encrypt(nonce, data, context.encode())
    return f"v1:{ring.active_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt_bytes(token: str, context: str) -> bytes:
    if not token:
        return b""
    try:
        version, key_id, b64 = token.split(":", 2)
    except ValueError as exc:
        raise VaultError("malformed vault value") from exc
    ring = keyring()
    if version != "v1" or key_id not in ring.keys:
        raise VaultError(f"no key {key_id!r} to decrypt this value")
    blob = base64.b64decode(b64)
    try:
        return AESGCM(ring.keys[key_id]).decrypt(blob[:12], blob[12:], context.encode())
    except Exception as exc:  # InvalidTag: tampered, moved between rows, or wrong key
        raise VaultError("vault value failed authentication") from exc


def decrypt(token: str, context: str) -> str:
    return decrypt_bytes(token, context).decode()


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1] if token else ""


def blind_index(kind: str, normalised: str) -> str:
    """A keyed hash for finding equal values (a phone number seen in two tips) without
    storing them in clear. The key is derived from SECRET_KEY with HKDF, so it never sits
    in the database; rotating SECRET_KEY means recomputing the hashes
    (``manage.py rebuild_tip_indicators``)."""
    import hashlib
    import hmac

    return hmac.new(_index_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def _index_key() -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    from django.conf import settings

    cached = _INDEX_KEYS.get(settings.SECRET_KEY)
    if cached is None:
        cached = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                      info=b"safetynet blind index v1").derive(settings.SECRET_KEY.encode())
        _INDEX_KEYS[settings.SECRET_KEY] = cached
    return cached


_INDEX_KEYS: dict[str, bytes] = {}
