"""Fixed-window budgets for Monday's minute limit and complexity budget."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class FixedWindow:
    """A budget of ``limit`` units that refills completely every ``window_s`` seconds.

    The window opens at the first consumption after the previous one closed, which is how a
    per-minute quota behaves from a single client's point of view.
    """

    limit: int
    window_s: float
    opened_at: float | None = None
    used: int = 0

    def try_consume(self, now: float, amount: int = 1) -> int | None:
        """Consume ``amount`` units; return ``None`` on success, else whole seconds until the refill."""
        self._roll(now)
        if self.used + amount > self.limit:
            return self.retry_after(now)
        if self.opened_at is None:
            self.opened_at = now
        self.used += amount
        return None

    def retry_after(self, now: float) -> int:
        """Whole seconds (at least 1) until the current window closes."""
        opened = now if self.opened_at is None else self.opened_at
        return max(1, math.ceil(opened + self.window_s - now))

    def remaining(self, now: float) -> int:
        """Units left in the current window."""
        self._roll(now)
        return self.limit - self.used

    def _roll(self, now: float) -> None:
        if self.opened_at is not None and now >= self.opened_at + self.window_s:
            self.opened_at = None
            self.used = 0


def new_window(limit: int | None, window_s: float) -> FixedWindow | None:
    """A window for ``limit`` units, or ``None`` when the limit is disabled."""
    return None if limit is None else FixedWindow(limit=limit, window_s=window_s)
