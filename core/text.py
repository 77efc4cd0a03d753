"""Text every supported database can store, whatever the client sent."""

from __future__ import annotations

import re
from typing import Any

# PostgreSQL refuses U+0000 in text and JSON; a lone surrogate has no UTF-8 encoding at all.
NUL = "\x00"
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored, as the end of a sentence naming the field; None if it
    can."""
    if NUL in text:
        return "must not contain the NUL character (U+0000)"
    if LONE_SURROGATE.search(text):
        return "must not contain a lone surrogate (U+D800 to U+DFFF)"
    return None


def unstorable_in(value: Any) -> str | None:
    """The first reason any string inside ``value`` (JSON: dict keys included) cannot be
    stored."""
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple):
        return next((reason for item in value if (reason := unstorable_in(item))), None)
    return None
