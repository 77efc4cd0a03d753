"""``[engine.mofa]``: where the engine's dora services listen and how long a task may stall."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MofaSettings(BaseModel):
    """Ports are the first worker's; worker N listens on each port + N."""

    coordinator_port: int = Field(53200, ge=1024, le=65000)
    daemon_port: int = Field(53300, ge=1024, le=65000)
    stall_seconds: float = Field(120, gt=0)  # no segment finished for this long: fail the task
    start_seconds: float = Field(30, gt=0)  # services and the voice-output node must be up by then
    in_flight: int = Field(8, ge=1, le=64)  # segments sent ahead of the last one written
    # dora 1.1.0 can lose a message: the oldest unacknowledged segment is sent again after this
    resend_seconds: float = Field(10, gt=0)
    # Inputs drop their oldest message when full (dora's default is 10): room for every message.
    queue_size: int = Field(4096, ge=16)
    stop_grace_seconds: float = Field(2, gt=0)
