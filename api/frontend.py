"""Serves the built web app at ``/`` with history-mode fallback that never swallows ``/api``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

# Paths the API owns: an unknown one is a JSON 404, never the web app's page.
API_PREFIXES = ("api/", "api", "healthz", "readyz", "metrics", "docs", "redoc", "openapi.json")


class WebAppRoute(APIRoute):
    """Matches no API path at all: an unknown one stays a 404, and a known one asked with the
    wrong method gets the router's 405 with ``Allow``."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["path"].lstrip("/").startswith(API_PREFIXES):
            return Match.NONE, {}
        return super().matches(scope)


def mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve files from ``dist`` and ``index.html`` for any other non-API path."""
    root = dist.resolve()
    index = root / "index.html"

    def web_app(path: str) -> Response:
        candidate = (root / path).resolve()
        if path and candidate.is_relative_to(root) and candidate.is_file():
            return FileResponse(candidate)
        if not index.is_file():
            raise HTTPException(404, "the web app is not built: run `make setup`")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.router.add_api_route("/{path:path}", web_app, methods=["GET", "HEAD"],
                             include_in_schema=False, route_class_override=WebAppRoute)
