"""Waiting for the database to answer at the current schema, as a pod waits for its migration."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from adapters.db.health import SchemaNotCurrent, check_schema, first_line


def schema_problem(engine: Engine) -> str | None:
    """Why ``engine``'s database is not ready for this code, in one sentence; None when it is."""
    where = make_url(engine.url).render_as_string(hide_password=True)
    try:
        check_schema(engine)
    except SchemaNotCurrent as outdated:
        return f"the database at {where} {outdated}"
    except Exception as error:  # not up yet, or refusing us: both may pass while we wait
        return f"the database at {where} is unreachable: {first_line(error)}"
    return None


def wait_for_schema(engine: Engine, *, timeout_seconds: float, poll_seconds: float = 1.0,
                    clock: Callable[[], float] = time.monotonic,
                    sleep: Callable[[float], None] = time.sleep) -> str | None:
    """Ask until the database is at the current schema; the last problem if time runs out."""
    deadline = clock() + timeout_seconds
    while (problem := schema_problem(engine)) is not None:
        left = deadline - clock()
        if left <= 0:
            return problem
        sleep(min(poll_seconds, left))
    return None
