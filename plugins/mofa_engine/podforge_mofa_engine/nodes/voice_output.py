"""voice-output: writes every segment to the WAV in script order and acknowledges each one.

Each ``audio-<n>`` input announces a segment whose samples a TTS node left as a file; its
length is checked against the announcement before it is written.

Dynamic node, started by the engine before anything else; it logs ``ready`` once connected.
Everything the engine needs to follow the task goes to the event log: the plan (every segment
carries the count), each segment written (with its timing), the first error, and ``done`` only
when every planned segment is in. A segment sent again is written once; if it was already
written, its acknowledgement is repeated.
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
from podforge_mofa_engine.protocol import EVENTS_FILE, EventLog, node_settings, segment_file
from ports.synthesizer import PcmAudio

MIN_RATE, MAX_RATE = 8000, 192000


def decode(event: dict[str, Any], work_dir: Path) -> tuple[PcmAudio, Chunk]:
    """The audio and chunk one ``audio-<n>`` input announces, checked against its file.

    :raises ValueError: no usable sample rate, no samples, or a file of another length.
    """
    metadata = event["metadata"]
    segment = int(metadata["segment"])
    rate = metadata.get("sample_rate")
    if not isinstance(rate, int) or not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"segment {segment} came with sample rate {rate!r}")
    samples = int(metadata["samples"])
    if samples <= 0:
        raise ValueError(f"segment {segment} (line {metadata['line']}) has no audio")
    path = segment_file(work_dir, segment)
    try:
        pcm = path.read_bytes()
    except OSError as missing:
        raise ValueError(f"segment {segment}'s audio is missing: {missing}") from None
    if len(pcm) != 2 * samples:
        raise ValueError(f"segment {segment} has {len(pcm) // 2} samples, not {samples}")
    chunk = Chunk(turn=int(metadata["turn"]), speaker=str(metadata["speaker"]), text="",
                  line=int(metadata["line"]))
    return PcmAudio(pcm, rate), chunk


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

    def acknowledge(segment: int) -> None:
        node.send_output("segment_complete", pa.array([segment], type=pa.int64()),
                         {"segment": segment})

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
            elif input_id.startswith("error-"):
                fail(f"tts-{input_id.removeprefix('error-')}: {event['metadata']['message']}")
            elif input_id.startswith("audio-"):
                segment = int(event["metadata"]["segment"])
                if expected is None:  # every segment carries the plan
                    expected = int(event["metadata"]["segments"])
                    log.write("plan", segments=expected)
                if segment < written:  # sent again: its acknowledgement was lost
                    segment_file(args.work_dir, segment).unlink(missing_ok=True)
                    acknowledge(segment)
                    continue
                if segment in waiting:  # sent again while the first copy waits its turn
                    continue
                try:
                    pcm, chunk = decode(event, args.work_dir)
                except ValueError as error:
                    fail(f"tts-{input_id.removeprefix('audio-')}: {error}")
                    continue
                waiting[segment] = (pcm, chunk, event["metadata"])
                while written in waiting:
                    pcm, chunk, metadata = waiting.pop(written)
                    assembler.add(pcm, chunk)
                    segment_file(args.work_dir, written).unlink(missing_ok=True)
                    timing = assembler.timings[-1]
                    log.write("segment", segment=written, start=timing.start, end=timing.end,
                              speaker=chunk.speaker, turn=chunk.turn,
                              paid=bool(metadata["paid"]), chars=int(metadata["chars"]))
                    acknowledge(written)
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
