"""voice-output: writes every segment to the WAV in script order and acknowledges each one.

Dynamic node, started by the engine before anything else; it logs ``ready`` once connected.
Everything the engine needs to follow the task goes to the event log: the plan, each segment
written (with its timing), the first error, and ``done`` only when every planned segment is in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
from dora import Node

from adapters.audio.assembler import WavAssembler
from core.script.model import Chunk
from podforge_mofa_engine.protocol import EVENTS_FILE, EventLog, node_settings
from ports.synthesizer import PcmAudio

MIN_RATE, MAX_RATE = 8000, 192000


def decode(event: dict[str, Any]) -> tuple[PcmAudio, Chunk]:
    """The audio and chunk one ``audio-<n>`` input carries, checked.

    :raises ValueError: no usable sample rate, not 16-bit PCM, or no samples.
    """
    metadata = event["metadata"]
    rate = metadata.get("sample_rate")
    if not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"segment {metadata.get('segment')} came with sample rate {rate!r}")
    values = event["value"]
    if values.type != pa.int16():
        raise ValueError(f"segment {metadata['segment']} is {values.type}, not 16-bit PCM")
    if len(values) == 0:
        raise ValueError(f"segment {metadata['segment']} (line {metadata['line']}) has no audio")
    samples = values.to_numpy(zero_copy_only=False).astype("<i2", copy=False)
    chunk = Chunk(turn=int(metadata["turn"]), speaker=str(metadata["speaker"]), text="",
                  line=int(metadata["line"]))
    return PcmAudio(samples.tobytes(), rate), chunk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="voice-output")
    parser.add_argument("--node-id", required=True)
    parser.add_argument("--daemon-port", type=int, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--wav", type=Path, required=True)
    parser.add_argument("--task-id", required=True)
    args = parser.parse_args(argv)

    audio = node_settings().audio
    log = EventLog(args.work_dir / EVENTS_FILE)
    wav = args.wav
    node = Node(args.node_id, daemon_port=args.daemon_port)
    log.write("ready")
    expected: int | None = None
    waiting: dict[int, tuple[PcmAudio, Chunk, dict[str, Any]]] = {}
    written = 0
    failure: str | None = None

    def fail(message: str) -> None:
        nonlocal failure
        if failure is None:
            failure = message
            log.write("error", message=message)

    # The pauses are drawn from the task id, exactly as the direct engine draws them.
    with WavAssembler(wav, sample_rate=audio.sample_rate, seed=args.task_id,
                      silence_min=audio.silence_min, silence_max=audio.silence_max) as assembler:
        for event in node:  # control events overtake queued inputs: never break on one
            kind, input_id = event["type"], event.get("id", "")
            if kind == "NODE_FAILED":
                fail(f"node {input_id} stopped unexpectedly")
            elif kind == "ERROR":
                fail(f"dora reported: {event.get('error', event)}")
            elif kind != "INPUT" or failure is not None:
                continue
            elif input_id == "plan":
                expected = int(event["metadata"]["segments"])
                log.write("plan", segments=expected)
            elif input_id.startswith("error-"):
                fail(f"tts-{input_id.removeprefix('error-')}: {event['metadata']['message']}")
            elif input_id.startswith("audio-"):
                try:
                    pcm, chunk = decode(event)
                except ValueError as error:
                    fail(f"tts-{input_id.removeprefix('audio-')}: {error}")
                    continue
                waiting[int(event["metadata"]["segment"])] = (pcm, chunk, event["metadata"])
                while written in waiting:
                    pcm, chunk, metadata = waiting.pop(written)
                    assembler.add(pcm, chunk)
                    timing = assembler.timings[-1]
                    log.write("segment", segment=written, start=timing.start, end=timing.end,
                              speaker=chunk.speaker, turn=chunk.turn,
                              paid=bool(metadata["paid"]), chars=int(metadata["chars"]))
                    node.send_output("segment_complete", pa.array([written], type=pa.int64()),
                                     {"segment": written})
                    written += 1
                if written == expected:
                    break  # every planned segment is in: our own end, not a control event
        duration = assembler.duration
    if failure is None and (expected is None or written != expected):
        fail(f"the dataflow ended after {written} of {expected if expected is not None else '?'}"
             " segments: a node stopped without reporting an error")
    if failure is not None:
        wav.unlink(missing_ok=True)
        return 1
    log.write("done", segments=written, duration=duration)
    return 0


if __name__ == "__main__":
    sys.exit(main())
