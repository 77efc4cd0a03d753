"""What the engine and its nodes share: the work-dir files, the event log and the node config."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr

# Settings reach daemon-spawned nodes through the daemon's environment (nodes inherit it, never
# the caller's), so secrets are never written to the dataflow YAML or the work dir.
NODE_CONFIG_ENV = "PODFORGE_MOFA_NODE_CONFIG"

SCRIPT_FILE = "script.md"
DATAFLOW_FILE = "dataflow.yml"
EVENTS_FILE = "events.jsonl"  # written by voice-output: ready, plan, segment, error, done
# Segment audio goes from TTS node to voice-output as a file; the dataflow message that
# announces it is small. dora 1.1.0 can wedge send_output on payloads of a few hundred
# kilobytes (dora-rs/dora#2742), which a 10-second segment is.
SEGMENTS_DIR = "segments"


def segment_file(work_dir: Path, segment: int) -> Path:
    return work_dir / SEGMENTS_DIR / f"{segment:06d}.pcm"


# The sections the nodes read (segmenting, voices and their limits and cache, audio); the rest
# (the database, the signing secret, LLM, storage and payment keys) never reaches them.
NODE_SECTIONS = ("app", "engine", "worker", "queue", "redis", "cache", "tts", "segmenter",
                 "scripts", "audio")


def config_json(config: Mapping[str, Any], data_dir: Path) -> str:
    """What the nodes need of the configuration, as JSON: their sections, secrets revealed
    (a TTS node calls its provider with the key), the data dir absolute."""

    def plain(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        if isinstance(value, Path):
            return str(value)
        raise TypeError(f"cannot pass {type(value).__name__} to a node")

    data = {name: config[name] for name in NODE_SECTIONS if name in config}
    data["app"] = {**data["app"], "data_dir": str(data_dir)}
    # Settings outside dev insist on a strong signing secret; nodes sign nothing, so each
    # engine hands them a random one of its own instead of the API's.
    data["auth"] = {"jwt_secret": secrets.token_urlsafe(48)}
    return json.dumps(data, default=plain)


def node_settings() -> Any:
    """The settings of the engine that started this node's daemon."""
    from adapters.settings import Settings

    raw = os.environ.get(NODE_CONFIG_ENV)
    if not raw:
        raise RuntimeError(f"{NODE_CONFIG_ENV} is not set: nodes run under the MoFA engine")
    return Settings(**json.loads(raw))


class EventLog:
    """Appends one JSON object per line; the engine reads what is new since its last look."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._offset = 0

    def write(self, event: str, **fields: Any) -> None:
        # One whole line per append: the engine reads complete lines on the same machine, so
        # no fsync is needed (it would cost a disk flush per segment).
        with self.path.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"event": event, **fields}) + "\n")

    def read_new(self) -> list[dict[str, Any]]:
        """Complete lines written since the last call."""
        if not self.path.exists():
            return []
        with self.path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        return [json.loads(line) for line in complete.splitlines() if line.strip()]
