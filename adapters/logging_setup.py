"""Logs as one JSON object per line, with the task, user and provider trace they concern."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from core import log_context

# Whatever slips into a message, a bearer token or an API key never reaches the log.
_SECRET = re.compile(r"(?i)(bearer\s+|api[_-]?key[=:]\s*|sk-)[A-Za-z0-9._\-]{6,}")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _SECRET.sub(r"\1[redacted]", record.getMessage()),
            **log_context.current(),
        }
        for key in ("task_id", "user_id", "trace_id"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        if record.exc_info:
            entry["error"] = _SECRET.sub(r"\1[redacted]", self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """Send every logger through one handler, JSON (``[app] log_format = "json"``) or text."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
