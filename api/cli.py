"""The ``podforge`` command: serve the API, run workers, migrate, inspect plugins."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from adapters.plugin_manager import PluginError
from adapters.settings import describe
from api.users_command import app as users_app

app = typer.Typer(help="PodForge: an AI podcast studio.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
dev_app = typer.Typer(help="Local stand-ins for paid services, for tests and demos.",
                      no_args_is_help=True)
app.add_typer(dev_app, name="dev")


def fail(message: str) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the API and the web app."""
    import uvicorn

    from adapters.container import create_container
    from adapters.logging_setup import configure_logging
    from api.app import create_app

    try:
        container = create_container()
    except PluginError as problem:
        raise fail(str(problem)) from None
    settings = container.settings()
    configure_logging(settings.app.log_format, settings.app.log_level)
    # The app believes X-Forwarded-For only from [http] trusted_proxies (api/app.py).
    uvicorn.run(create_app(container), host=host, port=port, log_config=None,
                proxy_headers=False)


@app.command()
def worker(
    processes: Annotated[int | None, typer.Option(
        min=1, max=64, help="Worker processes; default [worker] processes.")] = None,
) -> None:
    """Run worker processes that render queued tasks (for [queue] type = "redis")."""
    from adapters.container import create_container
    from adapters.logging_setup import configure_logging
    from workers.metrics_server import start_worker_metrics
    from workers.preflight import preflight_problems
    from workers.supervisor import run_workers

    try:
        container = create_container()
    except PluginError as problem:
        raise fail(str(problem)) from None
    settings = container.settings()
    if settings.queue.type == "memory":
        raise fail('[queue] type = "memory" lives inside `podforge serve`, which runs its own '
                   'workers; set [queue] type = "redis" for separate worker processes')
    configure_logging(settings.app.log_format, settings.app.log_level)  # the supervisor's too
    start_worker_metrics(settings, container.session_factory(), os.environ)
    problems = preflight_problems(container)
    if problems:  # a worker that cannot record its work must not take any
        raise fail("the worker cannot start:\n  " + "\n  ".join(problems))
    run_workers(processes or settings.worker.processes)


@app.command()
def plugins() -> None:
    """List the installed adapters per port and which one the configuration selects."""
    from adapters.container import SELECTED_PORTS, Container, selected_name
    from adapters.settings import load_settings
    from ports.plugins import PORTS

    settings = load_settings()
    container = Container(settings=settings)
    try:
        registry = container.adapter_registry()
    except PluginError as problem:
        raise fail(str(problem)) from None
    for port in PORTS:
        chosen = selected_name(settings, port) if port in SELECTED_PORTS else None
        typer.echo(f"{port}:")
        for adapter in registry.all():
            if adapter.spec.port != port:
                continue
            mark = "*" if adapter.spec.name == chosen else " "
            typer.echo(f"  {mark} {adapter.spec.name:<12} {adapter.spec.description} "
                       f"[{adapter.plugin}]")
    problems = []
    for port in SELECTED_PORTS:
        try:
            registry.select(port, selected_name(settings, port))
        except PluginError as problem:
            problems.append(str(problem))
    if problems:
        raise fail("\n".join(problems))


@app.command()
def render(
    script: Annotated[Path, typer.Argument(help="A Markdown script with speaker tags.")],
    voice: Annotated[list[str] | None, typer.Option(
        help="SPEAKER_ID=VOICE_ID; repeat per speaker. Default: distinct voices in the "
             "script's language.")] = None,
    out: Annotated[Path, typer.Option(
        help="Folder for <stem>.wav, .mp3, .srt, .vtt and .chapters.json.")] = Path("."),
) -> None:
    """Render a script to WAV and MP3 with the configured engine (no task, no credits)."""
    from adapters.container import create_container
    from api.render_command import RenderError, render_file
    from ports.tts_engine import VoiceConfigError

    try:
        container = create_container()
    except PluginError as problem:
        raise fail(str(problem)) from None
    try:
        wav, mp3, result = render_file(container, script, voice or [], out)
    except (RenderError, VoiceConfigError, PluginError) as problem:
        raise fail(str(problem)) from None
    except Exception as problem:  # an engine failure: say what failed, exit non-zero
        raise fail(f"render failed: {problem}") from None
    finally:
        container.shutdown_resources()  # voice helpers, and the MoFA engine's dora services
    typer.echo(f"{wav} and {mp3}: {result.duration:.2f} s, {result.chars_processed} characters")


@dev_app.command("minimax-server")
def minimax_server(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8090,
    api_key: Annotated[list[str] | None, typer.Option(
        help="Accepted bearer key; repeat for several.")] = None,
    latency_ms: Annotated[float, typer.Option(help="Delay before every answer.")] = 0.0,
    fail_rate: Annotated[float, typer.Option(help="Share of requests failing.")] = 0.0,
    fail_code: Annotated[int, typer.Option(help="MiniMax code of those failures.")] = 1002,
    fail_count: Annotated[int, typer.Option(help="Fail the first N requests.")] = 0,
    http_error_rate: Annotated[float, typer.Option(help="Share answered HTTP 502.")] = 0.0,
    timeout_rate: Annotated[float, typer.Option(help="Share never answered.")] = 0.0,
    malformed_rate: Annotated[float, typer.Option(help="Share with a broken body.")] = 0.0,
) -> None:
    """Serve MiniMax's T2A v2 protocol locally with deterministic audio and injected faults."""
    import uvicorn

    from api.dev.minimax_server import Faults, MiniMaxServer

    faults = Faults(latency_ms=latency_ms, fail_rate=fail_rate, fail_code=fail_code,
                    fail_count=fail_count, http_error_rate=http_error_rate,
                    timeout_rate=timeout_rate, malformed_rate=malformed_rate)
    server = MiniMaxServer(api_keys=set(api_key or ["test-key"]), faults=faults)
    uvicorn.run(server.app(), host="127.0.0.1", port=port, log_level="warning")


@dev_app.command("llm-server")
def llm_server(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8091,
    latency_ms: Annotated[float, typer.Option(help="Delay before every answer.")] = 0.0,
) -> None:
    """Serve an OpenAI-compatible chat API locally that writes scripts on request; point
    [llm] model = "openai/local" and api_base = "http://127.0.0.1:PORT/v1" at it."""
    import uvicorn

    from api.dev.llm_server import LlmFaults, LlmServer

    server = LlmServer(LlmFaults(latency_ms=latency_ms))
    uvicorn.run(server.app(), host="127.0.0.1", port=port, log_level="warning")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from adapters.db import migrate
    from adapters.settings import load_settings

    migrate.upgrade(load_settings().database_url, revision)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. base or -1")]) -> None:
    """Revert migrations down to REVISION."""
    from adapters.db import migrate
    from adapters.settings import load_settings

    migrate.downgrade(load_settings().database_url, revision)


@db_app.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    from adapters.db import migrate
    from adapters.settings import load_settings

    migrate.current(load_settings().database_url)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except ValidationError as invalid:  # bad settings: name the keys, never echo their values
        typer.secho(f"error: invalid configuration: {describe(invalid)}", fg="red", err=True)
        sys.exit(1)
