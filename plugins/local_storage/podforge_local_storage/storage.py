"""Local-disk Storage: safe keys, atomic writes, ranged reads, downloads served by the API."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ports.storage import ObjectNotFound, Storage, StorageKeyError, check_key

CHUNK_SIZE = 64 * 1024


class LocalStorage(Storage):
    """Objects are files under ``root``; a key is a relative POSIX path that stays inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_for(self, key: str) -> Path:
        """The file behind ``key``. :raises StorageKeyError: for a key that could escape root."""
        path = self.root.joinpath(*check_key(key).split("/")).resolve()
        if not path.is_relative_to(self.root):  # a symbolic link inside the root pointing out
            raise StorageKeyError(f"storage key {key!r} leaves the storage root")
        return path

    def put_file(self, key: str, source: Path) -> int:
        target = self.path_for(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copy to a temporary file in the same directory, then rename: readers never see
        # a half-written object, and a crash leaves at most a stray temporary file.
        fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                shutil.copyfileobj(src, out, CHUNK_SIZE)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return target.stat().st_size

    def _existing(self, key: str) -> Path:
        path = self.path_for(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return path

    def get_file(self, key: str, destination: Path) -> None:
        shutil.copyfile(self._existing(key), destination)

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        path = self._existing(key)  # checked before the generator starts, so errors come early
        return self._read(path, start, end)

    @staticmethod
    def _read(path: Path, start: int, end: int | None) -> Iterator[bytes]:
        with path.open("rb") as handle:
            handle.seek(start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                block = handle.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
                if not block:
                    return
                if remaining is not None:
                    remaining -= len(block)
                yield block

    def presigned_url(self, key: str, *, filename: str, expires_seconds: int) -> str | None:
        return None  # served by the API's download route with a signed token

    def check_ready(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=".ready-"):
            pass
