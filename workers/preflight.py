"""What ``podforge worker`` checks before it starts: database and schema, queue, storage."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from adapters.container import Container
from adapters.db.health import SchemaNotCurrent, check_schema, first_line, ping


def database_problem(container: Container) -> str | None:
    where = make_url(container.settings().database_url).render_as_string(hide_password=True)
    try:
        engine = container.db_engine()
        ping(engine)
        check_schema(engine)
    except SchemaNotCurrent as outdated:
        return f"the database at {where} {outdated}"
    except Exception as error:
        return f"the database at {where} is unreachable: {first_line(error)}"
    return None


def queue_problem(container: Container) -> str | None:
    try:
        container.queue().check_ready()  # a Redis queue also connects when it is built
    except Exception as error:
        return f"the queue is unreachable: {first_line(error)}"
    return None


def storage_problem(container: Container) -> str | None:
    try:
        container.storage().check_ready()
    except Exception as error:
        return f"the storage is not writable: {first_line(error)}"
    return None


CHECKS: tuple[Callable[[Container], str | None], ...] = (
    database_problem, queue_problem, storage_problem)


def passwords(container: Container) -> list[str]:
    """The passwords in the configured URLs, which no message may show."""
    settings = container.settings()
    found = [make_url(settings.database_url).password, urlsplit(settings.redis.url).password,
             urlsplit(settings.cache_redis_url).password]
    return [str(password) for password in found if password]


def preflight_problems(container: Container) -> list[str]:
    """Why this worker could not do its work, one sentence per dependency; empty when ready.
    The connections it opened are closed again."""
    try:
        problems = [problem for check in CHECKS if (problem := check(container)) is not None]
    finally:
        container.shutdown_resources()
    for secret in passwords(container):
        problems = [problem.replace(secret, "***") for problem in problems]
    return problems
