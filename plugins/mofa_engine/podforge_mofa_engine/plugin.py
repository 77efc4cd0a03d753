"""Registers the MoFA engine as ``[engine] type = "mofa"``, configured by ``[engine.mofa]``."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.audio.master import AudioOptions
from podforge_mofa_engine.engine import MofaEngine
from podforge_mofa_engine.protocol import NODE_CONFIG_ENV, config_json
from podforge_mofa_engine.services import DoraServices
from podforge_mofa_engine.settings import MofaSettings
from ports import AdapterContext, AdapterSpec, AdapterUnavailable, hookimpl


def dora_cli() -> Path:
    """The ``dora`` command installed beside this interpreter (the dora-rs-cli wheel)."""
    beside = Path(sys.executable).parent / "dora"
    found = beside if beside.is_file() else shutil.which("dora")
    if not found:
        raise AdapterUnavailable("the dora command is not installed (pip install dora-rs-cli)")
    return Path(found)


def create_mofa_engine(settings: MofaSettings, context: AdapterContext) -> MofaEngine:
    """Worker N (``[worker] index``) gets its own services on each configured port + N."""
    from core.script import rules_from_config

    index = int(context.config["worker"]["index"])
    rules, limits = rules_from_config(context.config)
    services = DoraServices(
        dora=dora_cli(), home=context.data_dir / "mofa" / f"worker-{index}",
        coordinator_port=settings.coordinator_port + index,
        daemon_port=settings.daemon_port + index,
        env={NODE_CONFIG_ENV: config_json(context.config, context.data_dir)},
        start_seconds=settings.start_seconds)
    return MofaEngine(voices=context.resources["voices"], rules=rules, limits=limits,
                      audio=AudioOptions.from_config(context.config["audio"]),
                      settings=settings, services=services)


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [
        AdapterSpec(
            port="engine",
            name="mofa",
            factory=create_mofa_engine,
            settings_model=MofaSettings,
            description="MoFA's podcast flow as a dora-rs dataflow per task",
        )
    ]
