"""Worker duties: old work folders and expired audio are removed; the rest is kept."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from adapters.container import Container
from adapters.db.models import Audio
from core.entities import NewAudio
from core.states import AudioFormat, ScriptSource


def test_work_folders_older_than_the_retention_are_deleted(container: Container,
                                                            tmp_path: Path) -> None:
    maintenance = container.maintenance()
    old, fresh = maintenance.work_root / "old-task", maintenance.work_root / "fresh-task"
    for folder in (old, fresh):
        (folder / "attempt").mkdir(parents=True)
        (folder / "attempt" / "podcast.wav").write_bytes(b"RIFF")
    long_ago = time.time() - maintenance.retention_seconds - 60
    os.utime(old, (long_ago, long_ago))
    assert maintenance.clean_work_dirs() == 1
    assert not old.exists() and (fresh / "attempt" / "podcast.wav").exists()


def test_expired_audio_loses_its_file_and_its_row(migrated_settings: object,
                                                  container: Container,
                                                  tmp_path: Path) -> None:
    storage, maintenance = container.storage(), container.maintenance()
    with container.unit_of_work() as uow:
        user = uow.users.add(username="keeper", email="k@example.org", password_hash="x")
        script = uow.scripts.add(user_id=user.id, title="t", content="**A:** hi",
                                 source=ScriptSource.UPLOADED,
                                 estimated_chars=2, estimated_duration=1.0)
        task = uow.tasks.add(user_id=user.id, script_id=script.id, voice_config={},
                             engine_type="direct", credit_cost=0, content_hash="h",
                             script_content="**A:** hi", max_retries=1)
        source = tmp_path / "a.mp3"
        source.write_bytes(b"ID3 audio")
        for name, fmt in (("expired", AudioFormat.WAV), ("kept", AudioFormat.MP3)):
            key = f"audio/2026/01/01/{name}.mp3"
            storage.put_file(key, source)
            uow.tasks.add_audio(task.id, NewAudio(fmt, key, 9, 1.0, 32000))
        uow.session.execute(update(Audio).where(Audio.file_path.like("%expired%"))
                            .values(expires_at=datetime.now(UTC) - timedelta(days=1)))
        uow.commit()
    assert maintenance.delete_expired_audio() == 1
    assert not storage.exists("audio/2026/01/01/expired.mp3")
    assert storage.exists("audio/2026/01/01/kept.mp3")
    with container.unit_of_work() as uow:
        assert [a.file_path for a in uow.tasks.audio_for(task.id)] == [
            "audio/2026/01/01/kept.mp3"]
