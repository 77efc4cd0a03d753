"""Task status caches: a dict for the single-process default, Redis hashes for deployments."""

from __future__ import annotations

import threading
from typing import Any

from ports.status_cache import StatusCache, TaskState

DAY = 24 * 3600


class MemoryStatusCache(StatusCache):
    def __init__(self) -> None:
        self._states: dict[str, TaskState] = {}
        self._lock = threading.Lock()

    def put(self, state: TaskState) -> None:
        with self._lock:
            self._states[state.task_id] = state

    def get(self, task_id: str) -> TaskState | None:
        with self._lock:
            return self._states.get(task_id)


class RedisStatusCache(StatusCache):
    """One hash per task, expiring a day after its last change."""

    def __init__(self, redis: Any, namespace: str = "podforge:task-status") -> None:
        self.redis = redis
        self.namespace = namespace

    def put(self, state: TaskState) -> None:
        key = f"{self.namespace}:{state.task_id}"
        pipe = self.redis.pipeline()
        pipe.hset(key, mapping={"user_id": state.user_id, "status": state.status,
                                "progress": state.progress,
                                "error_message": state.error_message or ""})
        pipe.expire(key, DAY)
        pipe.execute()

    def get(self, task_id: str) -> TaskState | None:
        values = self.redis.hgetall(f"{self.namespace}:{task_id}")
        if not values:
            return None
        text = {k.decode(): v.decode() for k, v in values.items()}
        return TaskState(task_id, text["user_id"], text["status"], int(text["progress"]),
                         text["error_message"] or None)
