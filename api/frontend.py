"""Serves the built web app at ``/`` with history-mode fallback that never swallows ``/api``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response

# Paths the API owns: an unknown one is a JSON 404, never the web app's page.
API_PREFIXES = ("api/", "api", "healthz", "readyz", "metrics", "docs", "redoc", "openapi.json")


def mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve files from ``dist`` and ``index.html`` for any other non-API path."""
    root = dist.resolve()
    index = root / "index.html"

    @app.api_route("/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    def web_app(path: str, request: Request) -> Response:
        if path.startswith(API_PREFIXES):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        if request.method not in ("GET", "HEAD"):
            return JSONResponse({"detail": "Method Not Allowed"}, status_code=405)
        candidate = (root / path).resolve()
        if path and candidate.is_relative_to(root) and candidate.is_file():
            return FileResponse(candidate)
        if not index.is_file():
            raise HTTPException(404, "the web app is not built: run `make setup`")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
