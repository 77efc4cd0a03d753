"""HTTP Range requests (RFC 9110): one byte range per request, as audio players send them."""

from __future__ import annotations

import re

from fastapi import HTTPException

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (start, end) asked for, or None for the whole file.

    :raises HTTPException: 416 when the range lies outside the file.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None  # malformed or several ranges: answer with the whole file, as allowed
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise HTTPException(416, "the requested range is outside the file",
                            headers={"Content-Range": f"bytes */{size}"})
    return start, end
