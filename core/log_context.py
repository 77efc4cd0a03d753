"""What a log line is about (task, user, provider trace), carried through async calls."""

from __future__ import annotations

from contextvars import ContextVar

task_id: ContextVar[str | None] = ContextVar("task_id", default=None)
user_id: ContextVar[str | None] = ContextVar("user_id", default=None)
trace_id: ContextVar[str | None] = ContextVar("trace_id", default=None)


def current() -> dict[str, str]:
    """The fields set in this context, for a structured log line."""
    fields = {"task_id": task_id.get(), "user_id": user_id.get(), "trace_id": trace_id.get()}
    return {key: value for key, value in fields.items() if value}
