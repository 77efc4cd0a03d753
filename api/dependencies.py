"""FastAPI dependencies as Annotated aliases, all resolved from the app's container."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from adapters.container import Container
from adapters.settings import Settings
from adapters.voices.library import VoiceLibrary
from ports.queue import Queue
from ports.storage import Storage


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_settings(container: ContainerDep) -> Settings:
    settings: Settings = container.settings()
    return settings


def get_session(container: ContainerDep) -> Iterator[Session]:
    with container.session_factory()() as session:
        yield session


def get_storage(container: ContainerDep) -> Storage:
    storage: Storage = container.storage()
    return storage


def get_queue(container: ContainerDep) -> Queue:
    queue: Queue = container.queue()
    return queue


def get_voice_library(container: ContainerDep) -> VoiceLibrary:
    library: VoiceLibrary = container.voice_library()
    return library


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
QueueDep = Annotated[Queue, Depends(get_queue)]
VoiceLibraryDep = Annotated[VoiceLibrary, Depends(get_voice_library)]
