"""script-segmenter: splits the task's script and feeds each TTS node, a few segments ahead.

Dynamic node, started by the engine after voice-output is connected. It sends each segment to
``text-<speaker index>``, keeping at most ``--in-flight`` segments sent but not yet
acknowledged by voice-output. dora 1.1.0 can lose a message now and then, so the oldest
unacknowledged segment is sent again when nothing has been acknowledged for
``--resend-seconds``; the TTS node speaks it once and voice-output keeps the first copy.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
from dora import Node

from core.script import Chunk, renderable_script, rules_from_config
from podforge_mofa_engine.protocol import SCRIPT_FILE, node_settings
from ports.tts_engine import ScriptRejected

MAX_SENDS = 4  # of one segment; after that the engine's stall limit fails the task
POLL_SECONDS = 0.5


class Feeder:
    """What was sent, what came back, and what to send next."""

    def __init__(self, node: Any, chunks: list[Chunk], outputs: dict[str, str],
                 in_flight: int) -> None:
        self.node = node
        self.chunks = chunks
        self.outputs = outputs
        self.in_flight = in_flight
        self.next = 0
        self.unacknowledged: dict[int, float] = {}  # segment: when it was last sent
        self.sends: Counter[int] = Counter()
        self.acknowledged: set[int] = set()
        self.last_ack = time.monotonic()

    def send(self, index: int) -> None:
        chunk = self.chunks[index]
        self.node.send_output(self.outputs[chunk.speaker], pa.array([chunk.text]), {
            "segment": index, "segments": len(self.chunks), "turn": chunk.turn,
            "line": chunk.line})
        self.unacknowledged[index] = time.monotonic()
        self.sends[index] += 1

    def top_up(self) -> None:
        while self.next < len(self.chunks) and len(self.unacknowledged) < self.in_flight:
            self.send(self.next)
            self.next += 1

    def acknowledge(self, index: int) -> None:
        if index not in self.acknowledged:
            self.acknowledged.add(index)
            self.unacknowledged.pop(index, None)
            self.last_ack = time.monotonic()
            self.top_up()

    def resend_overdue(self, after_seconds: float) -> None:
        if not self.unacknowledged:
            return
        head = min(self.unacknowledged)
        waited = time.monotonic() - max(self.unacknowledged[head], self.last_ack)
        if waited > after_seconds and self.sends[head] < MAX_SENDS:
            print(f"segment {head} not acknowledged for {waited:.0f} s: sending it again",
                  file=sys.stderr, flush=True)
            self.send(head)

    @property
    def done(self) -> bool:
        return len(self.acknowledged) == len(self.chunks)


async def feed(node: Any, feeder: Feeder, resend_seconds: float) -> None:
    feeder.top_up()
    receiving = asyncio.ensure_future(node.recv_async())
    while not feeder.done:
        finished, _ = await asyncio.wait({receiving}, timeout=POLL_SECONDS)
        if receiving in finished:
            event = receiving.result()
            if event is None:
                return  # stopped: the stream ended
            if event["type"] == "INPUT" and event["id"] == "segment_complete":
                feeder.acknowledge(int(event["metadata"]["segment"]))
            receiving = asyncio.ensure_future(node.recv_async())
        feeder.resend_overdue(resend_seconds)
    receiving.cancel()  # every segment is in the WAV: closing our outputs ends the flow


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="script-segmenter")
    parser.add_argument("--node-id", required=True)
    parser.add_argument("--daemon-port", type=int, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--resend-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)

    rules, limits = rules_from_config(node_settings().model_dump())
    script = (args.work_dir / SCRIPT_FILE).read_text(encoding="utf-8")
    try:
        report = renderable_script(script, rules, limits)
    except ScriptRejected as rejected:
        print(rejected, file=sys.stderr)
        return 1
    outputs = {speaker: f"text-{index}" for index, speaker in enumerate(report.speakers)}
    node = Node(args.node_id, daemon_port=args.daemon_port)
    feeder = Feeder(node, report.segments, outputs, args.in_flight)
    asyncio.run(feed(node, feeder, args.resend_seconds))
    print(f"{len(feeder.acknowledged)} of {len(feeder.chunks)} segments acknowledged, "
          f"{sum(feeder.sends.values())} sent", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
