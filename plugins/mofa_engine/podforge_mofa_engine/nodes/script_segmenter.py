"""script-segmenter: splits the task's script and feeds each TTS node, a few segments ahead.

Dynamic node, started by the engine after voice-output is connected. It first sends the plan
(how many segments to expect), then each segment to ``text-<speaker index>``, keeping at most
``--in-flight`` segments sent but not yet acknowledged by voice-output.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow as pa
from dora import Node

from core.script import renderable_script, rules_from_config
from podforge_mofa_engine.protocol import SCRIPT_FILE, node_settings
from ports.tts_engine import ScriptRejected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="script-segmenter")
    parser.add_argument("--node-id", required=True)
    parser.add_argument("--daemon-port", type=int, required=True)
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--in-flight", type=int, default=4)
    args = parser.parse_args(argv)

    rules, limits = rules_from_config(node_settings().model_dump())
    script = (args.work_dir / SCRIPT_FILE).read_text(encoding="utf-8")
    try:
        report = renderable_script(script, rules, limits)
    except ScriptRejected as rejected:
        print(rejected, file=sys.stderr)
        return 1
    chunks = report.segments
    tts_output = {speaker: f"text-{index}" for index, speaker in enumerate(report.speakers)}

    node = Node(args.node_id, daemon_port=args.daemon_port)
    node.send_output("plan", pa.array([len(chunks)], type=pa.int64()), {"segments": len(chunks)})

    def send(index: int) -> None:
        chunk = chunks[index]
        node.send_output(tts_output[chunk.speaker], pa.array([chunk.text]),
                         {"segment": index, "turn": chunk.turn, "line": chunk.line})

    sent = min(args.in_flight, len(chunks))
    for index in range(sent):
        send(index)
    acknowledged = 0
    for event in node:  # ends by itself when stopped; never on a control event (they overtake)
        if event["type"] == "INPUT" and event["id"] == "segment_complete":
            acknowledged += 1
            if sent < len(chunks):
                send(sent)
                sent += 1
            if acknowledged == len(chunks):
                break  # every segment is in the WAV: closing our outputs ends the flow
    print(f"sent {sent} of {len(chunks)} segments; {acknowledged} acknowledged", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
