"""The shipped nginx site, as it is, in front of an API on one machine and in docker compose:
`nginx -t` accepts it with either upstream file, and a running nginx answers as default
server, passes the client's address and scheme, adds security headers and logs no query
strings.

Each nginx runs in private namespaces (``unshare``): a network of its own, so it can listen on
80 and 443 beside anything else on this machine, and an /etc/hosts of its own in which the
compose service name ``api`` resolves, without touching the machine's."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from adapters.resources import project_root

DEPLOY = project_root() / "deploy"
UPSTREAMS = {"compose": DEPLOY / "nginx" / "upstream-compose.conf",
             "host": DEPLOY / "nginx" / "upstream-host.conf"}
INCLUDE = re.compile(r"^\s*include\s+(\S+);", re.MULTILINE)

# Inside the namespaces: an API stand-in on 127.0.0.1:8000 that echoes what reached it, nginx
# started on the site, and the answers to a few requests, printed as JSON.
PROBE = r'''
import json, ssl, subprocess, sys, threading, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

nginx, prefix, config = sys.argv[1:4]

class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 8000), Echo)
threading.Thread(target=server.serve_forever, daemon=True).start()
subprocess.run([nginx, "-p", prefix, "-c", config], check=True)

class Keep(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None

opener = urllib.request.build_opener(Keep, urllib.request.HTTPSHandler(
    context=ssl._create_unverified_context()))
answers = {}
for name, url in (("echo", "https://127.0.0.1/api/echo?ticket=secret-ticket-value"),
                  ("plain", "http://127.0.0.1/api/echo"),
                  ("metrics", "https://127.0.0.1/metrics")):
    request = urllib.request.Request(url, headers={"Host": "podforge.example.org",
                                                   "X-Forwarded-For": "203.0.113.7"})
    try:
        answer = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        answer = error
    answers[name] = {"status": answer.status, "headers": dict(answer.headers),
                     "body": answer.read().decode(errors="replace")}
subprocess.run([nginx, "-p", prefix, "-c", config, "-s", "stop"], check=True)
print(json.dumps(answers))
'''


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run `make system-packages`", pytrace=False)
    return nginx


def install_site(folder: Path, upstream: Path) -> Path:
    """The shipped site and ``upstream`` under ``folder``, changed in nothing but the paths of
    the files nginx reads and writes; returns the nginx.conf that includes the site."""
    certs = folder / "etc" / "certs"
    certs.mkdir(parents=True)
    (folder / "log").mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(certs / "privkey.pem"),
                    "-out", str(certs / "fullchain.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx.conf").read_text()
    moved = site.replace("/etc/nginx/", f"{folder}/etc/").replace("/var/log/nginx/",
                                                                    f"{folder}/log/")
    (folder / "site.conf").write_text(moved)
    for included in INCLUDE.findall(site):  # the upstream file
        target = Path(included.replace("/etc/nginx/", f"{folder}/etc/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(upstream, target)
    config = folder / "nginx.conf"
    config.write_text(
        f"user root;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
        f"  include {folder}/site.conf;\n}}\n")
    return config  # as root (unshare needs it), nginx's workers must reach the temp folders


def in_namespaces(folder: Path, deployment: str,
                  command: list[str]) -> subprocess.CompletedProcess[str]:
    """``command`` with a private network (loopback up) and an /etc/hosts of its own, which
    names ``api`` only for compose: on one machine no such name exists."""
    if shutil.which("unshare") is None:
        pytest.fail("unshare (util-linux) is missing", pytrace=False)
    hosts = folder / "hosts"
    hosts.write_text("127.0.0.1 localhost\n" + ("127.0.0.1 api\n" if deployment == "compose"
                                                else ""))
    script = f"ip link set lo up && mount --bind {hosts} /etc/hosts && exec \"$@\""
    return subprocess.run(["unshare", "--net", "--mount", "sh", "-c", script, "sh", *command],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("deployment", sorted(UPSTREAMS))
def test_nginx_accepts_the_shipped_site_as_it_is(tmp_path: Path, deployment: str) -> None:
    config = install_site(tmp_path, UPSTREAMS[deployment])
    result = in_namespaces(tmp_path, deployment, [nginx_binary(), "-t", "-p", str(tmp_path),
                                      "-c", str(config)])
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.parametrize("deployment", sorted(UPSTREAMS))
def test_nginx_passes_client_and_scheme_as_default_server_without_logging_query_strings(
    tmp_path: Path, deployment: str
) -> None:
    config = install_site(tmp_path, UPSTREAMS[deployment])
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    result = in_namespaces(tmp_path, deployment, [sys.executable, str(probe), nginx_binary(),
                                      str(tmp_path), str(config)])
    error_log = tmp_path / "error.log"
    assert result.returncode == 0, result.stderr + (
        error_log.read_text() if error_log.exists() else "")
    answers = json.loads(result.stdout)
    echo = answers["echo"]
    assert echo["status"] == 200, echo
    seen = {key.lower(): value for key, value in json.loads(echo["body"])["headers"].items()}
    # A host name nginx was never told about still reaches the API: default_server.
    assert seen["host"] == "podforge.example.org"
    assert seen["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"
    assert seen["x-forwarded-proto"] == "https"
    headers = {key.lower(): value for key, value in echo["headers"].items()}
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert answers["plain"]["status"] == 301
    assert answers["plain"]["headers"]["Location"].startswith("https://podforge.example.org/")
    assert answers["metrics"]["status"] == 404
    access_log = (tmp_path / "log" / "access.log").read_text()
    assert "/api/echo" in access_log and "secret-ticket-value" not in access_log


def test_the_deployments_differ_only_in_the_upstream_file_compose_mounts() -> None:
    site = (DEPLOY / "nginx.conf").read_text()
    (included,) = INCLUDE.findall(site)
    assert "upstream " not in site.replace("upstream.conf", "")  # only in the included file
    nginx = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]["nginx"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert f"./nginx/upstream-compose.conf:{included}:ro" in nginx["volumes"]
    servers = {name: re.findall(r"^\s*server\s+(\S+);", path.read_text(), re.MULTILINE)
               for name, path in UPSTREAMS.items()}
    assert servers == {"compose": ["api:8000"], "host": ["127.0.0.1:8000"]}
    for path in UPSTREAMS.values():
        assert re.search(r"upstream podforge_api \{", path.read_text()), path


def test_the_site_is_the_default_server_on_80_and_443() -> None:
    listens = re.findall(r"^\s*listen\s+([^;]+);", (DEPLOY / "nginx.conf").read_text(),
                         re.MULTILINE)
    assert sorted(listens) == ["443 ssl http2 default_server", "80 default_server"]


def test_no_location_drops_the_forwarded_headers() -> None:
    site = (DEPLOY / "nginx.conf").read_text()
    locations = re.findall(r"location [^{]*\{([^}]*)\}", site)
    assert locations and not [body for body in locations if "proxy_set_header" in body]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
