"""One task's dataflow from start to stop: dynamic nodes, progress, timeouts, failures."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from podforge_mofa_engine.dataflow import DataflowSpec
from podforge_mofa_engine.protocol import DATAFLOW_FILE, EVENTS_FILE, EventLog
from podforge_mofa_engine.services import DoraServices
from podforge_mofa_engine.settings import MofaSettings
from ports.synthesizer import SynthesisError
from ports.tts_engine import SegmentTiming

log = logging.getLogger(__name__)
POLL_SECONDS = 0.1
STATUS_EVERY_SECONDS = 1.0
LOG_TAIL_LINES = 5


class DataflowFailed(SynthesisError):
    """The dataflow could not deliver every segment; the message says which node and why."""


@dataclass(frozen=True)
class WrittenSegment:
    """A segment voice-output put in the WAV."""

    timing: SegmentTiming
    paid: bool
    chars: int


class DataflowRun:
    """Starts the flow, then voice-output (and waits until it is connected), then the
    segmenter; follows the event log and ``dora list`` until every segment is in."""

    def __init__(self, *, spec: DataflowSpec, flow_dir: Path, wav: Path,
                 services: DoraServices, settings: MofaSettings, python: str) -> None:
        self.spec = spec
        self.flow_dir = flow_dir
        self.wav = wav
        self.services = services
        self.settings = settings
        self.python = python
        self.events = EventLog(flow_dir / EVENTS_FILE)
        self.uuid: str | None = None
        self.nodes: dict[str, asyncio.subprocess.Process] = {}
        self._logs: list[IO[bytes]] = []
        self.finished = False

    async def follow(self, progress: Callable[[int, int], None]) -> list[WrittenSegment]:
        """Run the flow to its end; the segments in script order.

        :raises DataflowFailed: a node failed or stopped, a segment is missing, or nothing
            progressed for ``stall_seconds``.
        """
        self.uuid = await self.services.start(self.flow_dir / DATAFLOW_FILE,
                                              f"task-{self.spec.node_suffix}")
        await self._start_node("voice_output", self.spec.output_id,
                               "--wav", str(self.wav), "--task-id", self.spec.task_id)
        await self._wait_until_ready()
        await self._start_node("script_segmenter", self.spec.segmenter_id,
                               "--in-flight", str(self.settings.in_flight),
                               "--resend-seconds", f"{self.settings.resend_seconds:g}")
        segments: list[WrittenSegment] = []
        total: int | None = None
        output_exited = False
        last_change = last_status = time.monotonic()
        while True:
            for event in self.events.read_new():
                kind = event["event"]
                if kind == "plan":
                    total = int(event["segments"])
                elif kind == "segment":
                    segments.append(WrittenSegment(
                        SegmentTiming(event["start"], event["end"], event["speaker"],
                                      event["turn"]), event["paid"], event["chars"]))
                    last_change = time.monotonic()
                    if total:
                        progress(len(segments), total)
                elif kind == "error":
                    raise DataflowFailed(self._explain(event["message"]))
                elif kind == "done":
                    if total is None or len(segments) != total:
                        raise DataflowFailed(f"voice-output wrote {len(segments)} of {total} "
                                             "segments")
                    await self._wait_for_end()
                    return segments
            segmenter = self.nodes[self.spec.segmenter_id]
            if segmenter.returncode not in (None, 0):
                raise DataflowFailed(f"script-segmenter exited with {segmenter.returncode}"
                                     f"{self._log_tail(self.spec.segmenter_id)}")
            output = self.nodes[self.spec.output_id]
            if output.returncode is not None:  # one more look at the log, then it is a crash
                if output_exited:
                    raise DataflowFailed(f"voice-output exited with {output.returncode} before "
                                         f"every segment was in"
                                         f"{self._log_tail(self.spec.output_id)}")
                output_exited = True
            now = time.monotonic()
            if now - last_change > self.settings.stall_seconds:
                waiting_for = len(segments) + 1
                raise DataflowFailed(f"no segment finished within "
                                     f"{self.settings.stall_seconds:g} s (waiting for segment "
                                     f"{waiting_for} of {total if total else '?'})")
            if now - last_status > STATUS_EVERY_SECONDS:
                last_status = now
                await self._check_status()
            await asyncio.sleep(POLL_SECONDS)

    async def _start_node(self, module: str, node_id: str, *args: str) -> None:
        log = (self.flow_dir / f"{node_id}.log").open("ab")
        self._logs.append(log)
        self.nodes[node_id] = await asyncio.create_subprocess_exec(
            self.python, "-m", f"podforge_mofa_engine.nodes.{module}", "--node-id", node_id,
            "--daemon-port", str(self.services.daemon_port), "--work-dir", str(self.flow_dir),
            *args, cwd=self.flow_dir, env=self.services.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=log, stderr=asyncio.subprocess.STDOUT)

    async def _wait_until_ready(self) -> None:
        """Dynamic nodes get no readiness barrier: the producer starts once the consumer
        has said it is connected."""
        deadline = time.monotonic() + self.settings.start_seconds
        output = self.nodes[self.spec.output_id]
        while time.monotonic() < deadline:
            if any(event["event"] == "ready" for event in self.events.read_new()):
                return
            if output.returncode is not None:
                raise DataflowFailed(f"voice-output exited with {output.returncode} before "
                                     f"connecting{self._log_tail(self.spec.output_id)}")
            await asyncio.sleep(POLL_SECONDS)
        raise DataflowFailed(f"voice-output did not connect within "
                             f"{self.settings.start_seconds:g} s")

    async def _check_status(self) -> None:
        assert self.uuid is not None
        status = await self.services.status(self.uuid)
        if status in ("Failed", None):
            raise DataflowFailed(self._explain(f"the dataflow {status or 'vanished'}"))

    async def _wait_for_end(self) -> None:
        """After ``done`` every segment is in the WAV; the flow winds down by itself (the
        dynamic nodes exit, closing the TTS nodes' inputs). One that does not is stopped."""
        assert self.uuid is not None
        deadline = time.monotonic() + 2 * self.settings.stop_grace_seconds
        for node in self.nodes.values():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(node.wait(), max(0.1, deadline - time.monotonic()))
        while time.monotonic() < deadline:
            status = await self.services.status(self.uuid)
            if status in ("Finished", "Failed"):
                self.finished = True
                if status == "Failed":  # after delivering every segment: nothing is lost
                    log.warning("dataflow %s failed after its last segment: %s", self.uuid,
                                self._explain("see its node logs"))
                return
            await asyncio.sleep(POLL_SECONDS)
        log.warning("dataflow %s did not finish by itself; stopping it", self.uuid)

    def _explain(self, message: str) -> str:
        """``message`` with the speaker a ``tts-<n>`` node voices and the end of its log."""
        for index, speaker in enumerate(self.spec.speakers):
            node = f"tts-{index}"
            if f"node {node} " in f"{message} " or message.startswith(f"{node}:"):
                return (f"{message.replace(node, f'{node} (speaker {speaker.speaker_id!r})', 1)}"
                        f"{self._log_tail(node)}")
        return message

    def _log_tail(self, node_id: str) -> str:
        """The last error lines a node wrote, from its own log or the dataflow's."""
        candidates = [self.flow_dir / f"{node_id}.log"]
        if self.uuid:
            candidates.append(self.flow_dir / "out" / self.uuid / f"log_{node_id}.jsonl")
        for path in candidates:
            if path.exists():
                lines = [_log_text(line) for line in
                         path.read_text(encoding="utf-8", errors="replace").splitlines()]
                lines = [line for line in lines if line]
                if lines:
                    return "; its last output: " + " | ".join(lines[-LOG_TAIL_LINES:])
        return ""

    async def clean_up(self) -> None:
        """Stop the flow and the dynamic nodes, whatever state they are in."""
        if self.uuid is not None and not self.finished:
            await self.services.stop(self.uuid, self.settings.stop_grace_seconds)
        for node in self.nodes.values():
            if node.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    node.terminate()
                try:
                    await asyncio.wait_for(node.wait(), self.settings.stop_grace_seconds)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):
                        node.kill()
                    await node.wait()
        for log in self._logs:
            log.close()
        await self.services.forget_finished()


def _log_text(line: str) -> str:
    """A node's log line as text: dora's JSON lines keep only stderr and errors."""
    if not line.startswith("{"):
        return line.strip()
    try:
        entry = json.loads(line)
    except json.JSONDecodeError:
        return line.strip()
    if entry.get("stream") == "stderr" or entry.get("level") == "error":
        return str(entry.get("msg", "")).strip()
    return ""
