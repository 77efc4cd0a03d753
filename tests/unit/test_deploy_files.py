"""Deployment files parse and run the commands the product has."""

from __future__ import annotations

import configparser
import shlex

from adapters.resources import project_root

DEPLOY = project_root() / "deploy"


def started(command: str) -> list[str]:
    """The podforge arguments a program runs in the end: after `sh -c "... && exec ..."`."""
    words = shlex.split(command)
    if words[:2] == ["/bin/sh", "-c"]:
        words = shlex.split(words[2].rsplit("&& exec ", 1)[-1])
    return words[1:]


def test_supervisord_runs_migrations_the_api_and_workers() -> None:
    config = configparser.RawConfigParser()
    assert config.read(DEPLOY / "supervisord.conf")
    programs = {section.split(":", 1)[1]: config[section] for section in config.sections()
                if section.startswith("program:")}
    assert set(programs) == {"podforge-migrate", "podforge-api", "podforge-worker"}
    commands = {name: started(section["command"]) for name, section in programs.items()}
    assert commands["podforge-migrate"] == ["db", "upgrade"]
    assert commands["podforge-api"][0] == "serve"
    assert commands["podforge-worker"][:2] == ["worker", "--processes"]
    assert 2 <= int(commands["podforge-worker"][2]) <= 4
    assert programs["podforge-worker"]["stopsignal"] == "TERM"
