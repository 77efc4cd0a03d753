"""How guessable a signing secret is: placeholders, length over its alphabet, and repetition."""

from __future__ import annotations

import math
import string
import zlib

REQUIRED_BITS = 256  # 32 random bytes: what HS256 can use
PLACEHOLDERS = ("", "x", "secret", "password", "jwt-secret", "replace-me", "replaceme",
                "changeme", "change-me", "todo", "default")
PLACEHOLDER_PREFIXES = ("change-me", "changeme", "change_me", "replace-me", "replace_me")
HEX = set(string.hexdigits)
BASE64 = set(string.ascii_letters + string.digits + "+/=-_")  # standard and URL-safe
PRINTABLE_ASCII = 95
# zlib's fixed cost on a short string: header, checksum and block marker.
ZLIB_OVERHEAD = 8
# Random text barely compresses (hex, the densest usual encoding, keeps over 70 %); a string
# that shrinks below this share of its length repeats itself, whatever its length.
MIN_INCOMPRESSIBLE_SHARE = 0.6


def alphabet_size(secret: str) -> int:
    """The smallest usual alphabet the secret is written in: hex, base64, or any character."""
    characters = set(secret)
    if characters <= HEX:
        return 16
    if characters <= BASE64:
        return 64
    return PRINTABLE_ASCII


def estimated_bits(secret: str) -> float:
    """What a brute-force search over the secret's alphabet and length would need."""
    return len(secret) * math.log2(alphabet_size(secret))


def repeats_itself(secret: str) -> bool:
    """``"aaaa…"``, ``"abab…"`` or a phrase said twice: it compresses well."""
    payload = len(zlib.compress(secret.encode(), 9)) - ZLIB_OVERHEAD
    return payload < MIN_INCOMPRESSIBLE_SHARE * len(secret.encode())


def weakness(secret: str) -> str | None:
    """Why ``secret`` is unfit to sign tokens, without quoting it; None when it is fit."""
    folded = secret.strip().lower()
    if folded in PLACEHOLDERS or folded.startswith(PLACEHOLDER_PREFIXES):
        return "it is empty or a known placeholder"
    if estimated_bits(secret) < REQUIRED_BITS:
        return (f"it is too short: about {int(estimated_bits(secret))} bits where "
                f"{REQUIRED_BITS} are needed (43 or more random URL-safe characters)")
    if repeats_itself(secret):
        return "it repeats itself, so it is not random"
    return None
