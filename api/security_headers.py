"""Security headers on every answer: a content security policy, no framing, no sniffing, no
referrer, and HSTS when the request came over TLS."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Collection

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The built web app loads only its own files. Styles may be inline: Element Plus positions
# popups with style attributes, and a style cannot run code. Audio may come from the storage's
# presigned URLs (another origin, over https).
APP_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
              "img-src 'self' data:; media-src 'self' https: blob:; font-src 'self' data:; "
              "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
              "frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from their CDN (and ReDoc its
# fonts); their inline scripts are allowed by hash, never wholesale.
DOCS_SOURCES = "https://cdn.jsdelivr.net"
DOCS_POLICY = ("default-src 'self'; script-src 'self' " + DOCS_SOURCES + " {hashes}; "
               "style-src 'self' 'unsafe-inline' " + DOCS_SOURCES
               + " https://fonts.googleapis.com; font-src 'self' https://fonts.gstatic.com; "
               "img-src 'self' data: https://fastapi.tiangolo.com " + DOCS_SOURCES + "; "
               "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
               "base-uri 'self'; frame-ancestors 'none'")
ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
          "Referrer-Policy": "no-referrer"}
HSTS = "max-age=31536000; includeSubDomains"
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def script_hashes(page: bytes) -> str:
    """CSP source expressions allowing exactly the inline scripts of ``page``."""
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(page))


def over_tls(scope: Scope) -> bool:
    """Whether the browser reached us over https, directly or through a TLS proxy. (A
    client that forges the proxy header only gets HSTS for itself.)"""
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    return scope.get("scheme") == "https" or forwarded.split(",")[0].strip() == "https"


class SecurityHeaders:
    """Pure ASGI middleware (streams such as Server-Sent Events pass straight through)."""

    def __init__(self, app: ASGIApp, docs_paths: Collection[str]) -> None:
        self.app, self.docs_paths = app, frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["path"] in self.docs_paths:
            await self.docs_page(scope, receive, send)
        else:
            await self.app(scope, receive, self.adding(scope, send, APP_POLICY))

    def adding(self, scope: Scope, send: Send, policy: str) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in {**ALWAYS, "Content-Security-Policy": policy}.items():
                    headers.setdefault(name, value)
                if over_tls(scope):
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        return send_with_headers

    async def docs_page(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A small HTML page, held whole so its inline scripts can be hashed."""
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, hold)
        page = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        forward = self.adding(scope, send, DOCS_POLICY.format(hashes=script_hashes(page)))
        for message in messages:
            await forward(message)
