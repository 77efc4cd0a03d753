"""Logs as one JSON object per line, with the task, user and provider trace they concern."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from core import log_context

# Whatever slips into a message, a bearer token, an API key or a credential in a query string
# never reaches the log.
_SECRET = re.compile(r"(?i)(bearer\s+|api[_-]?key[=:]\s*|sk-|(?:access_token|token|ticket)=)"
                     r"[A-Za-z0-9._~%+/\-]{6,}")
# PostgreSQL's own error detail quotes the values of a violated key (an email, say).
_KEY_VALUES = re.compile(r"(Key \([^)]*\)=)\((?:[^()]|\([^()]*\))*\)")


def redact(text: str) -> str:
    """``text`` without the credentials and key values it may quote."""
    return _KEY_VALUES.sub(r"\1([redacted])", _SECRET.sub(r"\1[redacted]", text))


class NoQueryString(logging.Filter):
    """Drops the query string from uvicorn's access log lines: signed download links and
    stream tickets carry their credential there, and a log is read by more people."""

    PATH_ARGUMENT = 2  # uvicorn logs (client, method, path with query, HTTP version, status)

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > self.PATH_ARGUMENT:
            path = str(args[self.PATH_ARGUMENT])
            if "?" in path:
                record.args = (*args[:self.PATH_ARGUMENT], path.split("?", 1)[0] + "?[redacted]",
                               *args[self.PATH_ARGUMENT + 1:])
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
            **log_context.current(),
        }
        for key in ("task_id", "user_id", "trace_id"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Plain lines, redacted as the JSON ones are."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """Send every logger through one handler, JSON (``[app] log_format = "json"``) or text."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(known, NoQueryString) for known in access.filters):
        access.addFilter(NoQueryString())
