"""tts-<n>: speaks one speaker's segments with the voice its env names (MoFA's minimax node).

Spawned by the daemon. Uses the same voice providers as the direct engine (MiniMax or the
offline espeak voices, by the voice's provider) and the same segment cache, with as many
requests in flight as the provider allows; the segmenter bounds how many segments are sent
ahead. Audio is handed over as a file in the work dir (see ``protocol.SEGMENTS_DIR``); a
segment that fails is reported on ``error`` with its line, never dropped.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from dora import Node

from core.script.model import Chunk
from podforge_mofa_engine.protocol import segment_file
from ports.synthesizer import VoiceSettings

if TYPE_CHECKING:
    from adapters.voices.chunk_source import ChunkSource


def voice_from_env() -> VoiceSettings:
    """MoFA's variables, rendered into the dataflow YAML for this node."""
    return VoiceSettings(voice_id=os.environ["MINIMAX_VOICE_ID"],
                         speed=float(os.environ["MINIMAX_SPEED"]),
                         pitch=int(float(os.environ["MINIMAX_PITCH"])),
                         vol=float(os.environ["MINIMAX_VOL"]))


async def speak(node: Any, source: ChunkSource, speaker: str, work_dir: Path,
                event: dict[str, Any]) -> None:
    """Synthesize one segment, hand its audio over as a file and announce it to voice-output,
    or send its error."""
    metadata = event["metadata"]
    chunk = Chunk(turn=int(metadata["turn"]), speaker=speaker,
                  text=str(event["value"][0].as_py()), line=int(metadata["line"]))
    try:
        audio, paid = await source.fetch(chunk)
    except Exception as error:  # reported with its segment; the engine fails the task
        node.send_output("error", pa.array([str(error)]), {
            "segment": metadata["segment"], "message": f"line {chunk.line}: {error}"})
        return
    target = segment_file(work_dir, int(metadata["segment"]))
    partial = target.with_suffix(".partial")
    partial.write_bytes(audio.samples)
    partial.replace(target)  # voice-output never sees half a file
    samples = len(audio.samples) // 2
    node.send_output("audio", pa.array([samples], type=pa.int64()), {
        "segment": metadata["segment"], "segments": metadata["segments"], "turn": chunk.turn,
        "line": chunk.line, "speaker": speaker, "sample_rate": audio.sample_rate,
        "samples": samples,
        "paid": paid, "chars": len(chunk.text)})


async def speak_all(node: Any, source: ChunkSource, speaker: str, work_dir: Path) -> None:
    speaking: set[asyncio.Task[None]] = set()
    # The stream ends once every input is closed and drained; control events overtake queued
    # inputs, so the loop never ends on one.
    while (event := await node.recv_async()) is not None:
        if event["type"] == "INPUT" and event["id"] == "text":
            task = asyncio.create_task(speak(node, source, speaker, work_dir, event))
            speaking.add(task)
            task.add_done_callback(speaking.discard)
    await asyncio.gather(*speaking)


def main() -> int:
    speaker = os.environ["PODFORGE_SPEAKER"]
    # Connect first: the daemon holds every node of the flow (the dynamic ones included) until
    # all spawned nodes have connected, so the slow imports below overlap the others' start.
    node = Node()
    from adapters.voices.chunk_source import ChunkSource
    from podforge_mofa_engine.node_voices import open_voices
    from podforge_mofa_engine.protocol import node_settings

    with open_voices(node_settings()) as voices:
        source = ChunkSource(settings={speaker: voice_from_env()},
                             voices=voices.library.by_id(), synthesizer_for=voices.synthesizers,
                             cache=voices.cache,
                             scope=os.environ.get("PODFORGE_CACHE_SCOPE") or None,
                             task_id=os.environ["PODFORGE_TASK_ID"])
        asyncio.run(speak_all(node, source, speaker, Path(os.environ["PODFORGE_WORK_DIR"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
