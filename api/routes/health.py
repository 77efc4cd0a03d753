"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.dependencies import ContainerDep, QueueDep, SessionDep, StorageDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a dependency is unreachable"}})
def readyz(session: SessionDep, queue: QueueDep, storage: StorageDep) -> JSONResponse:
    """Database, queue and storage are reachable; 503 naming each that is not."""
    checks: dict[str, Any] = {}
    for name, probe in (
        ("database", lambda: session.execute(text("SELECT 1"))),
        ("queue", queue.check_ready),
        ("storage", storage.check_ready),
    ):
        try:
            probe()
            checks[name] = "ok"
        except Exception as failure:  # a probe reports any failure; it must not raise
            checks[name] = f"unavailable: {type(failure).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", response_class=Response, responses={200: {
    "content": {"text/plain": {}}, "description": "Prometheus text format"}})
def metrics(container: ContainerDep) -> Response:
    """Tasks by status, render times, queue depth, credits, voice requests, LLM tokens."""
    return Response(generate_latest(container.metrics()), media_type=CONTENT_TYPE_LATEST)
