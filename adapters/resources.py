"""Where PodForge's own files are: beside the code in a checkout, or bundled into an install."""

from __future__ import annotations

from pathlib import Path

BUNDLE = "podforge_data"  # written by hatch_build.py into a wheel, beside the packages


def project_root() -> Path:
    """The checkout (or the site-packages folder) the packages live in."""
    return Path(__file__).resolve().parent.parent


def resource(name: str) -> Path:
    """``name`` (``migrations``, ``prompts``, ``voices.yaml``, ``config.toml``,
    ``frontend/dist``): the installed copy when the package was installed from a wheel, else
    the checkout's."""
    bundled = project_root() / BUNDLE / name
    return bundled if bundled.exists() else project_root() / name
