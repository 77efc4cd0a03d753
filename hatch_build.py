"""Build hook: a wheel (not an editable install) carries PodForge's own files beside its code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = "podforge_data"  # the folder in site-packages; adapters/resources.py looks there
FILES = ["migrations", "prompts", "voices.yaml", "config.toml"]
WEB_APP = "frontend/dist"  # built by `npm run build`; a wheel built without it serves no web app


class BundleHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # an editable install reads them from the checkout
            return
        root = Path(self.root)
        for name in [*FILES, WEB_APP]:
            if (root / name).exists():
                build_data["force_include"][str(root / name)] = f"{BUNDLE}/{name}"
