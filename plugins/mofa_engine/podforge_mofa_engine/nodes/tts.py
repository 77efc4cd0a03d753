"""tts-<n>: speaks one speaker's segments with the voice its env names (MoFA's minimax node).

Spawned by the daemon. Uses the same voice providers as the direct engine (MiniMax or the
offline espeak voices, by the voice's provider) and the same segment cache. A segment that
fails is reported on ``error`` with its line, never dropped.
"""

from __future__ import annotations

import asyncio
import os
import sys

import numpy as np
import pyarrow as pa
from dora import Node

from core.script.model import Chunk
from ports.synthesizer import VoiceSettings


def voice_from_env() -> VoiceSettings:
    """MoFA's variables, rendered into the dataflow YAML for this node."""
    return VoiceSettings(voice_id=os.environ["MINIMAX_VOICE_ID"],
                         speed=float(os.environ["MINIMAX_SPEED"]),
                         pitch=int(float(os.environ["MINIMAX_PITCH"])),
                         vol=float(os.environ["MINIMAX_VOL"]))


def main() -> int:
    speaker = os.environ["PODFORGE_SPEAKER"]
    # Connect first: the daemon holds every node of the flow (the dynamic ones included) until
    # all spawned nodes have connected, so the slow imports below overlap the others' start.
    node = Node()
    from adapters.voices.chunk_source import ChunkSource
    from podforge_mofa_engine.node_voices import open_voices
    from podforge_mofa_engine.protocol import node_settings

    with open_voices(node_settings()) as voices, asyncio.Runner() as runner:
        source = ChunkSource(settings={speaker: voice_from_env()},
                             voices=voices.library.by_id(), synthesizer_for=voices.synthesizers,
                             cache=voices.cache,
                             scope=os.environ.get("PODFORGE_CACHE_SCOPE") or None,
                             task_id=os.environ["PODFORGE_TASK_ID"])
        for event in node:
            if event["type"] != "INPUT" or event["id"] != "text":
                continue
            metadata = event["metadata"]
            chunk = Chunk(turn=int(metadata["turn"]), speaker=speaker,
                          text=str(event["value"][0].as_py()), line=int(metadata["line"]))
            try:
                audio, paid = runner.run(source.fetch(chunk))
            except Exception as error:  # reported with its segment; the engine fails the task
                node.send_output("error", pa.array([str(error)]), {
                    "segment": metadata["segment"], "message": f"line {chunk.line}: {error}"})
                continue
            node.send_output("audio", pa.array(np.frombuffer(audio.samples, dtype="<i2")), {
                "segment": metadata["segment"], "turn": chunk.turn, "line": chunk.line,
                "speaker": speaker, "sample_rate": audio.sample_rate, "paid": paid,
                "chars": len(chunk.text)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
