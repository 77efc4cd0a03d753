"""Status caches: a dict for the single-process default, Redis for deployments."""

from __future__ import annotations

import threading
from typing import Any

from adapters.async_redis import LoopClients
from ports.status_cache import StatusCache, TaskState

DAY = 24 * 3600
ACCOUNT_SECONDS = 60  # how stale an account's status may be if a change's write was lost


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

    # Accounts are not cached here: other processes (`podforge users suspend`) change them,
    # and this dict would never hear of it.
    def put_account(self, user_id: str, status: str, *, changed: bool) -> None:
        pass

    def account(self, user_id: str) -> str | None:
        return None


class RedisStatusCache(StatusCache):
    """One hash per task, expiring a day after its last change; one key per account, expiring
    after ``ACCOUNT_SECONDS``."""

    def __init__(self, redis: Any, url: str, prefix: str = "podforge") -> None:
        """``redis`` serves the blocking calls; :meth:`poll` opens its own clients to ``url``.
        Keys: ``<prefix>:task-status:<id>`` and ``<prefix>:account-status:<id>``."""
        self.redis = redis
        self.url = url
        self.namespace = f"{prefix}:task-status"
        self.accounts = f"{prefix}:account-status"
        self._async = LoopClients(url)  # poll()'s clients

    def put(self, state: TaskState) -> None:
        key = f"{self.namespace}:{state.task_id}"
        pipe = self.redis.pipeline()
        pipe.hset(key, mapping={"user_id": state.user_id, "status": state.status,
                                "progress": state.progress,
                                "error_message": state.error_message or ""})
        pipe.expire(key, DAY)
        pipe.execute()

    def get(self, task_id: str) -> TaskState | None:
        return self._state(task_id, self.redis.hgetall(f"{self.namespace}:{task_id}"))

    @staticmethod
    def _state(task_id: str, values: dict[bytes, bytes]) -> TaskState | None:
        if not values:
            return None
        text = {k.decode(): v.decode() for k, v in values.items()}
        return TaskState(task_id, text["user_id"], text["status"], int(text["progress"]),
                         text["error_message"] or None)

    def put_account(self, user_id: str, status: str, *, changed: bool) -> None:
        self.redis.set(f"{self.accounts}:{user_id}", status, ex=ACCOUNT_SECONDS,
                       nx=not changed)

    def account(self, user_id: str) -> str | None:
        value = self.redis.get(f"{self.accounts}:{user_id}")
        return value.decode() if value is not None else None

    async def poll(self, task_id: str, user_id: str) -> tuple[TaskState | None, str | None]:
        """One round trip for both keys."""
        async with self._async.current().pipeline(transaction=False) as pipe:
            pipe.hgetall(f"{self.namespace}:{task_id}")
            pipe.get(f"{self.accounts}:{user_id}")
            values, account = await pipe.execute()
        return self._state(task_id, values), account.decode() if account is not None else None

    async def aclose(self) -> None:
        await self._async.aclose()
