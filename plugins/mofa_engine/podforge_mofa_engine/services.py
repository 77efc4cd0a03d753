"""The dora coordinator and daemon one worker's engine owns, and the dora CLI calls it makes."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)
CLI_TIMEOUT_SECONDS = 30.0


class DoraError(RuntimeError):
    """A dora command failed, or the services did not come up."""


# What the dora services and their nodes inherit of the worker's environment: how to run
# programs, locale, temporary files, certificates and proxies, thread settings. Everything
# else (PODFORGE_* overrides with the database URL and keys, cloud credentials) stays out.
INHERITED = {"PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH",
             "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY",
             "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "RUST_LOG"}
INHERITED_PREFIXES = ("LC_", "OPENBLAS_", "OMP_", "MKL_")


def inherited_environment() -> dict[str, str]:
    """The part of this process's environment the dora services may see."""
    return {name: value for name, value in os.environ.items()
            if name in INHERITED or name.startswith(INHERITED_PREFIXES)}


class DoraServices:
    """Starts a coordinator and a daemon on first use, on this worker's own ports.

    They run with ``home`` as HOME and working directory (dora writes ``~/.dora``), and the
    environment given, which daemon-spawned nodes inherit. Their process ids are kept in
    ``home/pids`` so that services left by a worker that was killed are stopped next time.
    """

    def __init__(self, *, dora: Path, home: Path, coordinator_port: int, daemon_port: int,
                 env: Mapping[str, str], start_seconds: float) -> None:
        self.dora = dora
        self.home = home
        self.coordinator_port = coordinator_port
        self.daemon_port = daemon_port
        self.env = {**inherited_environment(), **env, "HOME": str(home), "RUST_BACKTRACE": "0"}
        self.start_seconds = start_seconds
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()

    @property
    def pid_file(self) -> Path:
        return self.home / "pids"

    def ensure_running(self) -> None:
        """Start the coordinator and daemon unless both of ours are alive and connected."""
        with self._lock:
            if self._processes and all(p.poll() is None for p in self._processes.values()):
                return
            self._stop_processes()
            self.home.mkdir(parents=True, exist_ok=True)
            self._stop_leftovers()
            port = str(self.coordinator_port)
            self._spawn("coordinator", "--port", port, "--store", "memory", "--quiet")
            self._spawn("daemon", "--coordinator-port", port,
                        "--local-listen-port", str(self.daemon_port))
            self.pid_file.write_text(" ".join(str(p.pid) for p in self._processes.values()))
            self._wait_until_connected()

    def _spawn(self, *args: str) -> None:
        with (self.home / f"{args[0]}.log").open("ab") as output:
            # A session of their own: a Ctrl-C meant for the worker does not stop them
            # mid-task; the worker stops them when it shuts down.
            self._processes[args[0]] = subprocess.Popen(
                [str(self.dora), *args], cwd=self.home, env=self.env, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)

    def _wait_until_connected(self) -> None:
        deadline = time.monotonic() + self.start_seconds
        while time.monotonic() < deadline:
            for name, process in self._processes.items():
                if process.poll() is not None:
                    raise DoraError(
                        f"dora {name} exited with {process.returncode} at start "
                        f"(ports {self.coordinator_port}/{self.daemon_port} taken?); "
                        f"see {self.home}")
            status = self._run_sync("status", "-f", "json")
            try:
                state = json.loads(status)
            except json.JSONDecodeError:
                state = {}
            if (state.get("coordinator", {}).get("status") == "running"
                    and state.get("daemon", {}).get("status") == "running"):
                return
            time.sleep(0.1)
        raise DoraError(f"the dora coordinator and daemon did not come up within "
                        f"{self.start_seconds:g} s; see {self.home}")

    def _run_sync(self, *args: str) -> str:
        result = subprocess.run(
            [str(self.dora), *args, "--coordinator-port", str(self.coordinator_port)],
            cwd=self.home, env=self.env, capture_output=True, timeout=CLI_TIMEOUT_SECONDS,
            check=False)
        return result.stdout.decode(errors="replace")

    async def run(self, *args: str, cwd: Path | None = None) -> str:
        """Run a dora CLI command against this coordinator; its stdout.

        :raises DoraError: the command exited with an error (its output is in the message).
        """
        process = await asyncio.create_subprocess_exec(
            str(self.dora), *args, "--coordinator-port", str(self.coordinator_port),
            cwd=cwd or self.home, env=self.env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), CLI_TIMEOUT_SECONDS)
        except BaseException:
            process.kill()
            await process.wait()
            raise
        if process.returncode != 0:
            detail = (stderr or stdout).decode(errors="replace").strip()
            raise DoraError(f"dora {args[0]} failed: {detail[-800:]}")
        return stdout.decode(errors="replace")

    async def start(self, dataflow: Path, name: str) -> str:
        """Start ``dataflow`` detached; its UUID (names are not unique: track the UUID)."""
        output = await self.run("start", str(dataflow), "--name", name, "--detach",
                                cwd=dataflow.parent)
        for line in output.splitlines():
            if line.startswith("dataflow started:"):
                return line.split(":", 1)[1].strip()
        raise DoraError(f"dora start printed no dataflow id: {output.strip()[-400:]}")

    async def status(self, uuid: str) -> str | None:
        """``Running``, ``Finished`` or ``Failed``; None when the coordinator has no such flow."""
        output = await self.run("list", "-f", "json")
        for line in output.splitlines():
            if line.strip():
                entry = json.loads(line)
                if entry.get("uuid") == uuid:
                    return str(entry.get("status"))
        return None

    async def forget_finished(self) -> None:
        """Drop finished and failed flows from the coordinator, which otherwise keeps every
        flow it ran (and lists them all at every poll) for the life of the worker."""
        try:
            await self.run("clean")
        except (DoraError, TimeoutError) as problem:  # tidying up; the task's outcome stands
            log.warning("could not clean finished dataflows: %s", problem)

    async def stop(self, uuid: str, grace_seconds: float) -> None:
        """Stop the flow: STOP to every node, then SIGTERM, then SIGKILL after the grace."""
        try:
            await self.run("stop", uuid, "--grace-duration", f"{grace_seconds:g}s")
        except DoraError as error:
            # Stopping a flow that had just failed or finished reports that; nothing is left.
            log.info("%s", error)

    def close(self) -> None:
        """Stop every dataflow, then the daemon and the coordinator."""
        with self._lock:
            if self._processes and all(p.poll() is None for p in self._processes.values()):
                self._run_sync("down", "--force")
            self._stop_processes()
            self.pid_file.unlink(missing_ok=True)

    def _stop_processes(self) -> None:
        for process in reversed(self._processes.values()):  # the daemon, then the coordinator
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self._processes.clear()

    def _stop_leftovers(self) -> None:
        """Stop services a killed worker left behind, found by the pids it recorded."""
        if not self.pid_file.exists():
            return
        for pid in (int(word) for word in self.pid_file.read_text().split() if word.isdigit()):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"dora" in command and str(self.coordinator_port).encode() in command:
                log.warning("stopping dora process %d left by an earlier worker", pid)
                os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
