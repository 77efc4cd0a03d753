"""Prompt templates: one Jinja2 file per conversation style in ``prompts/``."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined


class PromptLibrary:
    """``prompts/<style>.md.j2``; adding a style is adding a file (and a database value)."""

    SUFFIX = ".md.j2"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.environment = Environment(loader=FileSystemLoader(folder), autoescape=False,
                                       undefined=StrictUndefined, keep_trailing_newline=True)

    def styles(self) -> list[str]:
        """The styles there are a template for; ``_name`` files are partials they include."""
        return sorted(p.name.removesuffix(self.SUFFIX) for p in self.folder.glob(f"*{self.SUFFIX}")
                      if not p.name.startswith("_"))

    def render(self, style: str, **values: object) -> str:
        return self.environment.get_template(f"{style}{self.SUFFIX}").render(**values)
