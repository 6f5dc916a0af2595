"""Receipts for the public forms (tips, missing-person reports): a code the reporter keeps to
check on their report later. Only a keyed digest of it is stored, so the database alone
cannot be used to look a report up."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from safetynet.people import vault

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over a phone


def receipt_digest(code: str) -> str:
    clean = "".join(ch for ch in code.upper() if ch.isalnum())
    return vault.blind_index("receipt", clean)


def receipt_code(idempotency_key: str | None = None) -> str:
    """12 characters in three groups. From an idempotency key it is derived (keyed), so a
    retried submission gets the same receipt back without the code ever being stored."""
    if idempotency_key:
        raw = hmac.new(vault._index_key(), f"receipt:{idempotency_key}".encode(), hashlib.sha256).digest()
        chars = [RECEIPT_ALPHABET[b % len(RECEIPT_ALPHABET)] for b in raw[:12]]
    else:
        chars = [secrets.choice(RECEIPT_ALPHABET) for _ in range(12)]
    code = "".join(chars)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"
