"""Storage port: where finished audio and transcripts live (local disk by date, or S3)."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from pathlib import Path


class StorageKeyError(ValueError):
    """A key that is empty, absolute, or would escape the storage root."""


def check_key(key: str) -> str:
    """A storage key every adapter accepts: relative POSIX parts, none empty, ``.`` or ``..``,
    no backslash or NUL. :raises StorageKeyError: otherwise."""
    if not key or "\\" in key or "\x00" in key or key.startswith("/"):
        raise StorageKeyError(f"invalid storage key {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise StorageKeyError(f"storage key {key!r} must be relative, without . or ..")
    return key


class ObjectNotFound(KeyError):
    """No object is stored under the key."""


class Storage(abc.ABC):
    """Keeps objects under keys such as ``audio/2026/11/28/<task>.mp3``; keys are never paths."""

    @abc.abstractmethod
    def put_file(self, key: str, source: Path) -> int:
        """Store a copy of ``source`` under ``key`` atomically; returns its size in bytes."""

    @abc.abstractmethod
    def get_file(self, key: str, destination: Path) -> None:
        """Copy the object to ``destination``. :raises ObjectNotFound: if absent."""

    @abc.abstractmethod
    def size(self, key: str) -> int:
        """Size in bytes. :raises ObjectNotFound: if absent."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; removing an absent object is not an error."""

    @abc.abstractmethod
    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Yield the bytes from ``start`` to ``end`` inclusive (to the last byte when None).

        :raises ObjectNotFound: if absent.
        """

    @abc.abstractmethod
    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        """A URL a browser can fetch directly, or None when downloads go through the API."""

    @abc.abstractmethod
    def check_ready(self) -> None:
        """Raise an exception saying what is wrong when the store cannot be reached or written."""
