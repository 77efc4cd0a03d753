"""deploy/nginx.conf run for real in front of the app: security headers on every answer (its
own error pages included) and access logs that never hold a query string."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.container import create_container
from adapters.resources import project_root
from adapters.settings import Settings
from api.app import create_app
from tests.conftest import free_port, serve_in_thread

pytestmark = pytest.mark.slow
SECRET = "secret-download-token-0123456789"


def site_config(tmp_path: Path, upstream: str, http_port: int, https_port: int) -> str:
    """The shipped configuration, listening on this machine's free ports."""
    deploy = project_root() / "deploy"
    site = (deploy / "nginx.conf").read_text()
    (tmp_path / "upstream.conf").write_text((deploy / "nginx" / "upstream-host.conf").read_text()
                                            .replace("127.0.0.1:8000", upstream))
    for shipped, here in (("/etc/nginx/podforge/", f"{tmp_path}/"),
                          ("listen 80 default_server;", f"listen 127.0.0.1:{http_port};"),
                          ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
                          ("/etc/nginx/certs/", f"{tmp_path}/"),
                          ("/var/log/nginx/", f"{tmp_path}/")):
        assert shipped in site, shipped
        site = site.replace(shipped, here)
    return site


@pytest.fixture
def proxied(migrated_settings: Settings, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """nginx with the shipped site configuration in front of the app; ``stop_app()`` leaves
    nginx with no upstream."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run `make system-packages`", pytrace=False)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True)
    server = serve_in_thread(create_app(create_container(migrated_settings)))
    upstream = next(server).removeprefix("http://")
    http_port, https_port = free_port(), free_port()
    (tmp_path / "site.conf").write_text(site_config(tmp_path, upstream, http_port, https_port))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp folders
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/site.conf;\n}}\n")
    process = subprocess.Popen([nginx, "-p", str(tmp_path), "-e", f"{tmp_path}/error.log",
                                "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                               stderr=subprocess.PIPE, text=True)
    base = f"https://127.0.0.1:{https_port}"
    with httpx.Client(base_url=base, verify=False, timeout=10) as client:
        deadline = time.monotonic() + 15
        while True:
            try:
                client.get("/healthz")
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        try:
            yield {"client": client, "log": tmp_path / "access.log",
                   "stop_app": lambda: next(server, None), "http": f"http://127.0.0.1:{http_port}"}
        finally:
            process.send_signal(signal.SIGQUIT)
            process.wait(timeout=15)
            next(server, None)


def test_nginx_logs_paths_without_their_query_strings(proxied: dict[str, Any]) -> None:
    client: httpx.Client = proxied["client"]
    assert client.get(f"/api/audio/some-audio/download?token={SECRET}").status_code == 401
    assert client.get(f"/api/tasks/some-task/events?access_token={SECRET}").status_code == 401
    httpx.get(f"{proxied['http']}/api/voices?ticket={SECRET}", follow_redirects=False)
    log = proxied["log"].read_text()
    assert "/api/audio/some-audio/download" in log and "/api/tasks/some-task/events" in log
    assert " 301 " in log  # the plain-http redirect is logged by the same format
    assert SECRET not in log and "?" not in log, log


def test_nginx_passes_the_apps_headers_and_adds_them_to_its_own_pages(
    proxied: dict[str, Any],
) -> None:
    client: httpx.Client = proxied["client"]
    for path in ("/api/voices", "/", "/assets/missing.js", "/docs"):
        headers = client.get(path).headers
        assert len(headers.get_list("content-security-policy")) == 1, path
        assert len(headers.get_list("strict-transport-security")) == 1, path
        assert headers["x-content-type-options"] == "nosniff", path
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]
    assert client.get("/metrics").status_code == 404  # scraped on the API processes only
    proxied["stop_app"]()
    failed = client.get("/api/voices")
    assert failed.status_code == 502
    for name in ("content-security-policy", "x-content-type-options", "x-frame-options",
                 "referrer-policy", "strict-transport-security"):
        assert len(failed.headers.get_list(name)) == 1, name
    assert "frame-ancestors 'none'" in failed.headers["content-security-policy"]
