"""Liveness and readiness probes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.orm import Session

from adapters.container import Container
from adapters.metrics import may_scrape
from api.dependencies import (
    ClientAddress,
    ContainerDep,
    SessionDep,
    SettingsDep,
)

router = APIRouter(tags=["health"])
metrics_token = HTTPBearer(auto_error=False, scheme_name="metrics token",
                           description="[metrics] token, for scrapers outside allow_networks")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


def readiness_probes(session: Session, container: Container) -> dict[str, Callable[[], Any]]:
    """What this process needs, by the name an operator knows it by. Redis carries the queue,
    the rate limits, revoked tokens and task status when the deployment uses it, so it is
    probed by name rather than hidden behind the queue."""
    probes: dict[str, Callable[[], Any]] = {
        "database": lambda: session.execute(text("SELECT 1"))}
    if container.settings().queue.type == "redis":
        probes["redis"] = lambda: container.redis().ping()
    probes["queue"] = lambda: container.queue().check_ready()
    probes["storage"] = lambda: container.storage().check_ready()
    return probes


@router.get("/readyz", responses={503: {"description": "a dependency is unreachable"}})
def readyz(session: SessionDep, container: ContainerDep) -> JSONResponse:
    """Database, Redis, queue and storage are reachable; 503 naming each that is not."""
    checks: dict[str, str] = {}
    for name, probe in readiness_probes(session, container).items():
        try:
            probe()
            checks[name] = "ok"
        except Exception as failure:  # a probe reports any failure; it must not raise
            checks[name] = f"unavailable: {type(failure).__name__}"
    failing = [name for name, value in checks.items() if value != "ok"]
    return JSONResponse(
        {"status": "unavailable" if failing else "ready", "unavailable": failing,
         "checks": checks},
        status_code=503 if failing else 200,
    )


def require_scraper(address: ClientAddress, settings: SettingsDep,
                    credentials: Annotated[HTTPAuthorizationCredentials | None,
                                           Depends(metrics_token)]) -> None:
    """403 for anyone [metrics] does not let in: the numbers describe the whole business."""
    token = credentials.credentials if credentials else None
    if not may_scrape(settings.metrics, address, token):
        raise HTTPException(403, "metrics are served only to [metrics] allow_networks or with "
                                 "the [metrics] token")


@router.get("/metrics", response_class=Response, dependencies=[Depends(require_scraper)],
            responses={200: {"content": {"text/plain": {}},
                             "description": "Prometheus text format"},
                       403: {"description": "not from an allowed network, and no valid token"}})
def metrics(container: ContainerDep) -> Response:
    """Tasks by status, queue depth and oldest waiting task, credits, LLM tokens, HTTP
    requests, disk; renders and voice requests of this process's own workers."""
    return Response(generate_latest(container.metrics()), media_type=CONTENT_TYPE_LATEST)
