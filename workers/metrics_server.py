"""``podforge worker``'s metrics port: the numbers of all its worker processes, summed, on one
port per machine or pod, behind the same ``[metrics]`` access rules as the API's /metrics.

The worker processes are separate (spawned) processes, so they write their counters and
histograms to files in a folder of their own (prometheus_client's multiprocess mode, switched
on by ``PROMETHEUS_MULTIPROC_DIR`` before they start), and the supervisor serves the sum. A
child that is restarted keeps adding to the same totals, and Prometheus scrapes one target per
pod however many processes it runs.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app, multiprocess
from prometheus_client.exposition import ThreadingWSGIServer
from sqlalchemy.orm import Session

from adapters.metrics import DiskCollector, WaitingCollector, may_scrape
from adapters.settings import MetricsSection, Settings

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class QuietHandler(WSGIRequestHandler):
    """No line on stderr per scrape: the logs are JSON, and scrapes are not news."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def bearer_token(environ: dict[str, Any]) -> str | None:
    scheme, _, token = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def guarded(app: WsgiApp, config: MetricsSection) -> WsgiApp:
    """``app`` for scrapers ``[metrics]`` lets in (by network or token); 403 for the rest."""

    def guarded_app(environ: dict[str, Any], start_response: Callable[..., Any]
                    ) -> Iterable[bytes]:
        if may_scrape(config, str(environ.get("REMOTE_ADDR", "")), bearer_token(environ)):
            return app(environ, start_response)
        start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"metrics are served only to [metrics] allow_networks or with the "
                b"[metrics] token\n"]

    return guarded_app


def workers_registry(folder: Path, sessions: Callable[[], Session], data_dir: Path
                     ) -> CollectorRegistry:
    """Every worker process's metrics from ``folder``, the age of the oldest waiting task and
    the disk the work folders are on."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(folder))
    registry.register(WaitingCollector(sessions))
    registry.register(DiskCollector(data_dir))
    return registry


def start_worker_metrics(settings: Settings, sessions: Callable[[], Session],
                         environ: MutableMapping[str, str]) -> int | None:
    """Serve the workers' metrics on ``[worker] metrics_port`` (0: not at all) for the rest of
    this process's life; returns the port. Sets the multiprocess folder in ``environ`` (the
    environment the worker processes inherit), so call it before they start."""
    port = settings.worker.metrics_port
    if port == 0:
        return None
    folder = Path(tempfile.mkdtemp(prefix="podforge-metrics-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    environ[MULTIPROCESS_VARIABLE] = str(folder)
    registry = workers_registry(folder, sessions, settings.data_dir)
    server = make_server("0.0.0.0", port, guarded(make_wsgi_app(registry), settings.metrics),
                         ThreadingWSGIServer, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True).start()
    return int(server.server_port)
