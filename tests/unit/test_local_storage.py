"""Local-disk storage keeps the Storage contract and lays audio out by date."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.storage_keys import audio_key
from podforge_local_storage.storage import LocalStorage
from ports.contracts import StorageContract


class TestLocalStorage(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> LocalStorage:
        return LocalStorage(tmp_path / "store")


def test_audio_is_laid_out_by_date_under_the_root(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    source = tmp_path / "a.mp3"
    source.write_bytes(b"ID3")
    key = audio_key("task-1", "mp3", datetime(2026, 11, 28, 23, 59, tzinfo=UTC))
    storage.put_file(key, source)
    assert key == "audio/2026/11/28/task-1.mp3"
    assert (tmp_path / "store" / "audio" / "2026" / "11" / "28" / "task-1.mp3").is_file()


def test_a_symlink_out_of_the_root_cannot_be_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "store"
    root.mkdir()
    (root / "audio").symlink_to(outside)
    source = tmp_path / "a.bin"
    source.write_bytes(b"x")
    from ports.storage import StorageKeyError

    with pytest.raises(StorageKeyError):
        LocalStorage(root).put_file("audio/a.bin", source)
    assert not (outside / "a.bin").exists()


def test_no_temporary_file_is_left_after_a_write(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "store")
    source = tmp_path / "a.bin"
    source.write_bytes(b"x" * 1000)
    storage.put_file("audio/2026/01/01/a.bin", source)
    leftovers = [p.name for p in (tmp_path / "store").rglob(".upload-*")]
    assert leftovers == []
