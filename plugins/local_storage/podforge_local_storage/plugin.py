"""Registers the local-disk storage adapter as ``[storage] type = "local"``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel

from podforge_local_storage.storage import LocalStorage
from ports import AdapterContext, AdapterSpec, hookimpl


class LocalStorageSettings(BaseModel):
    """``[storage.local]``: where the files go (empty: ``<data_dir>/storage``)."""

    root: str = ""


def create_local_storage(settings: LocalStorageSettings, context: AdapterContext) -> LocalStorage:
    """Build the adapter rooted at the configured folder."""
    root = Path(settings.root) if settings.root else context.data_dir / "storage"
    return LocalStorage(root)


@hookimpl
def podforge_register_adapters() -> Sequence[AdapterSpec]:
    return [
        AdapterSpec(
            port="storage",
            name="local",
            factory=create_local_storage,
            settings_model=LocalStorageSettings,
            description="files on local disk, laid out by date",
        )
    ]
