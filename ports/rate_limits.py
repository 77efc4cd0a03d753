"""Named request limits, counted where every API process sees the same numbers."""

from __future__ import annotations

import abc


class RateLimits(abc.ABC):
    """The limits of ``[limits]``, by name; ``keys`` say whose requests a count is for."""

    @abc.abstractmethod
    def hit(self, name: str, *keys: str) -> None:
        """Count one request against limit ``name``, in one atomic step with the check, so
        concurrent requests can never pass more than the limit.

        :raises core.errors.RateLimited: the limit is reached; this request was not counted.
        """

    @abc.abstractmethod
    def clear(self, name: str, *keys: str) -> None:
        """Forget what limit ``name`` counted for ``keys``."""
