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


class Speaker:
    """One speaker's segments, each synthesized once however often the segmenter sends it."""

    def __init__(self, node: Any, source: ChunkSource, speaker: str, work_dir: Path) -> None:
        self.node, self.source, self.speaker, self.work_dir = node, source, speaker, work_dir
        self.speaking: dict[int, asyncio.Task[None]] = {}
        self.announced: dict[int, dict[str, Any]] = {}  # segment: its audio announcement

    def on_text(self, event: dict[str, Any]) -> None:
        segment = int(event["metadata"]["segment"])
        if segment in self.announced:
            # Sent again because the announcement or its acknowledgement was lost: the file
            # is still there (or already written), so announce it again; never pay twice.
            self.announce(self.announced[segment])
        elif segment not in self.speaking:  # a copy sent while the first is spoken is dropped
            task = asyncio.create_task(self.speak(event))
            self.speaking[segment] = task
            task.add_done_callback(lambda _: self.speaking.pop(segment, None))

    def announce(self, metadata: dict[str, Any]) -> None:
        self.node.send_output("audio", pa.array([metadata["samples"]], type=pa.int64()),
                              metadata)

    async def speak(self, event: dict[str, Any]) -> None:
        """Synthesize one segment, hand its audio over as a file and announce it to
        voice-output, or send its error."""
        metadata = event["metadata"]
        segment = int(metadata["segment"])
        chunk = Chunk(turn=int(metadata["turn"]), speaker=self.speaker,
                      text=str(event["value"][0].as_py()), line=int(metadata["line"]))
        try:
            audio, paid = await self.source.fetch(chunk)
        except Exception as error:  # reported with its segment; the engine fails the task
            self.node.send_output("error", pa.array([str(error)]), {
                "segment": segment, "message": f"line {chunk.line}: {error}"})
            return
        target = segment_file(self.work_dir, segment)
        partial = target.with_suffix(".partial")
        partial.write_bytes(audio.samples)
        partial.replace(target)  # voice-output never sees half a file
        self.announced[segment] = {
            "segment": segment, "segments": metadata["segments"], "turn": chunk.turn,
            "line": chunk.line, "speaker": self.speaker, "sample_rate": audio.sample_rate,
            "samples": len(audio.samples) // 2, "paid": paid, "chars": len(chunk.text)}
        self.announce(self.announced[segment])

    async def run(self) -> None:
        async with self.source:
            # The stream ends once every input is closed and drained; control events overtake
            # queued inputs, so the loop never ends on one.
            while (event := await self.node.recv_async()) is not None:
                if event["type"] == "INPUT" and event["id"] == "text":
                    self.on_text(event)
            await asyncio.gather(*self.speaking.values())


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
        asyncio.run(Speaker(node, source, speaker, Path(os.environ["PODFORGE_WORK_DIR"])).run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
