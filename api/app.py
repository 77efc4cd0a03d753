"""The FastAPI application, built around a container from the composition root."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from adapters.container import Container, create_container
from adapters.resources import resource
from api.dependencies import storable_path_parameters
from api.errors import install_error_handlers
from api.frontend import mount_frontend
from api.request_metrics import RequestMetrics
from api.routes import (
    audio,
    auth,
    conversations,
    credits,
    health,
    scripts,
    tasks,
    templates,
    voices,
)
from api.security_headers import SecurityHeaders
from workers.in_process import InProcessWorkers


def create_app(container: Container | None = None) -> FastAPI:
    """An app whose long-lived clients open and close with its lifespan."""
    container = container or create_container()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        container.init_resources()
        settings = container.settings()
        # The in-process queue is reachable only from this process: its workers live here.
        workers = (InProcessWorkers.start(container, settings.worker.processes)
                   if settings.queue.type == "memory" else None)
        try:
            yield
        finally:
            if workers is not None:
                workers.stop()
            await container.status_cache().aclose()
            await container.credentials().aclose()
            container.shutdown_resources()

    app = FastAPI(
        title="PodForge",
        summary="Turn a topic into a finished multi-host podcast.",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(storable_path_parameters)],
    )
    app.state.container = container
    app.add_middleware(SecurityHeaders, docs_paths=[
        path for path in (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url) if path])
    trusted_proxies = container.settings().http.trusted_proxies
    if trusted_proxies:
        # Only these peers may name the client in X-Forwarded-For; `podforge serve` turns
        # uvicorn's own handling off, which would believe 127.0.0.1.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted_proxies)
    # Outermost of ours, so the time and status include the other middleware's work.
    app.add_middleware(RequestMetrics, record=container.http_metrics().record)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(credits.router)
    app.include_router(scripts.router)
    app.include_router(tasks.router)
    app.include_router(audio.router)
    app.include_router(conversations.router)
    app.include_router(templates.router)
    app.include_router(voices.router)
    mount_frontend(app, resource("frontend/dist"))
    return app
