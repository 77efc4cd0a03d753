"""PostgreSQL connections really held by an API process under load and by a worker process
rendering, sampled from pg_stat_activity (``python -m bench.connections``, prints JSON)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.deployment import deployment, wrk_meanwhile

WORKER = "podforge-worker"  # application_name of the worker's connections; the API's is empty
LINES = "".join(f"**{('A', 'B')[i % 2]}:** Sentence {i} of an episode about connection pools.\n"
                for i in range(40))


@contextmanager
def peaks(database_url: str) -> Iterator[Counter[str]]:
    """The most connections to the database seen at once, by application_name (every 20 ms)."""
    engine = create_engine(make_url(database_url).set(drivername="postgresql+psycopg2"))
    found: Counter[str] = Counter()
    stop = threading.Event()
    name = make_url(database_url).database

    def sample() -> None:
        with engine.connect() as connection:
            while not stop.is_set():
                rows = connection.execute(text(
                    "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = :db"
                    " AND pid <> pg_backend_pid() GROUP BY 1"), {"db": name}).all()
                for application, count in rows:
                    found[application or "api"] = max(found[application or "api"], count)
                connection.commit()
                time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield found
    finally:
        stop.set()
        sampler.join(timeout=10)
        engine.dispose()


def measure(tasks: int = 6, connections: int = 64) -> dict[str, Any]:
    with deployment() as running:
        database_url = running.env["PODFORGE_DATABASE__URL"]
        headers = running.user(credits=100_000)
        running.env = {**running.env,
                       "PODFORGE_DATABASE__URL": f"{database_url}?application_name={WORKER}"}
        running.start_workers(1)
        voices = {"A": "en-us-sarah", "B": "en-gb-oliver"}
        task_ids = [running.submit(headers, LINES + f"**A:** Part {n}.\n", voices)
                    for n in range(tasks)]
        with peaks(database_url) as rendering:
            running.wait(headers, task_ids, seconds=600)
        load: dict[str, Any] = {}
        with peaks(database_url) as serving, wrk_meanwhile(
                f"{running.base_url}/api/tasks", connections=connections, headers=headers,
                figures=load):
            time.sleep(15)
    return {"worker_process_rendering": rendering[WORKER],
            "api_process_idle_while_rendering": rendering["api"],
            "api_process_under_load": serving["api"],
            "load": {"http_connections": connections, **load}}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
