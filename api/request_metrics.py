"""Request latency and status classes by route template, as pure ASGI middleware: event
streams and downloads pass straight through, and are timed until their headers left."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Recorder = Callable[[str, str, int, float], None]
"""Called with the route template, the method, the status and the seconds to the headers."""
UNMATCHED = "unmatched"  # any path no route knows, so probing random paths adds no series


def route_template(scope: Scope) -> str:
    """``/api/tasks/{task_id}``, never the path with its ids."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path is None:
        return UNMATCHED
    return str(path) or "/"


class RequestMetrics:
    def __init__(self, app: ASGIApp, record: Recorder) -> None:
        self.app, self.record = app, record

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered = False

        def record(status: int) -> None:
            self.record(route_template(scope), scope["method"], status,
                        time.perf_counter() - started)

        async def timed_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start":
                answered = True
                record(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        except BaseException:
            if not answered:  # becomes a 500 further out
                record(500)
            raise
