"""Liveness and readiness probes."""

from __future__ import annotations

import secrets
from ipaddress import ip_address
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from adapters.settings import MetricsSection
from api.dependencies import (
    ClientAddress,
    ContainerDep,
    QueueDep,
    SessionDep,
    SettingsDep,
    StorageDep,
)

router = APIRouter(tags=["health"])
metrics_token = HTTPBearer(auto_error=False, scheme_name="metrics token",
                           description="[metrics] token, for scrapers outside allow_networks")


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


def may_scrape(config: MetricsSection, address: str, token: str | None) -> bool:
    """From an allowed network (the address the API sees), or with the configured token."""
    expected = config.token.get_secret_value()
    if expected and token and secrets.compare_digest(token.encode(), expected.encode()):
        return True
    try:
        client = ip_address(address)
    except ValueError:  # no address, or not an IP (a Unix socket, a test client)
        return False
    return any(client in network for network in config.allow_networks)


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
    """Tasks by status, render times, queue depth, credits, voice requests, LLM tokens."""
    return Response(generate_latest(container.metrics()), media_type=CONTENT_TYPE_LATEST)
