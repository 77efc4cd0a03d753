"""Contract for Storage adapters. Fixture to provide: ``storage``."""

from __future__ import annotations

from pathlib import Path

import pytest

from ports.storage import ObjectNotFound, Storage, StorageKeyError

KEY = "audio/2026/11/28/contract-test.bin"


class StorageContract:
    """Subclass and define a ``storage`` fixture returning a fresh, empty adapter."""

    @pytest.fixture
    def payload(self, tmp_path: Path) -> Path:
        source = tmp_path / "payload.bin"
        source.write_bytes(bytes(range(256)) * 40)
        return source

    def test_put_then_get_returns_the_same_bytes(
        self, storage: Storage, payload: Path, tmp_path: Path
    ) -> None:
        assert storage.put_file(KEY, payload) == payload.stat().st_size
        copy = tmp_path / "copy.bin"
        storage.get_file(KEY, copy)
        assert copy.read_bytes() == payload.read_bytes()
        assert storage.exists(KEY)
        assert storage.size(KEY) == payload.stat().st_size

    def test_range_read_returns_exactly_the_bytes_asked_for(
        self, storage: Storage, payload: Path
    ) -> None:
        storage.put_file(KEY, payload)
        data = payload.read_bytes()
        assert b"".join(storage.open_range(KEY, 100, 299)) == data[100:300]
        assert b"".join(storage.open_range(KEY, 10_000)) == data[10_000:]
        assert b"".join(storage.open_range(KEY)) == data

    def test_put_replaces_an_existing_object(
        self, storage: Storage, payload: Path, tmp_path: Path
    ) -> None:
        storage.put_file(KEY, payload)
        smaller = tmp_path / "smaller.bin"
        smaller.write_bytes(b"new")
        storage.put_file(KEY, smaller)
        assert b"".join(storage.open_range(KEY)) == b"new"

    def test_delete_removes_and_tolerates_absent_objects(
        self, storage: Storage, payload: Path
    ) -> None:
        storage.put_file(KEY, payload)
        storage.delete(KEY)
        assert not storage.exists(KEY)
        storage.delete(KEY)

    def test_missing_object_raises_object_not_found(self, storage: Storage, tmp_path: Path) -> None:
        with pytest.raises(ObjectNotFound):
            storage.size("audio/missing.bin")
        with pytest.raises(ObjectNotFound):
            storage.get_file("audio/missing.bin", tmp_path / "x")
        with pytest.raises(ObjectNotFound):
            b"".join(storage.open_range("audio/missing.bin"))

    @pytest.mark.parametrize(
        "key", ["../../etc/passwd", "/etc/passwd", "audio/../../x", "", "audio/./x", "a\\..\\b"]
    )
    def test_keys_that_could_escape_the_root_are_refused(
        self, storage: Storage, payload: Path, key: str
    ) -> None:
        with pytest.raises(StorageKeyError):
            storage.put_file(key, payload)

    def test_is_ready_when_reachable(self, storage: Storage) -> None:
        storage.check_ready()
