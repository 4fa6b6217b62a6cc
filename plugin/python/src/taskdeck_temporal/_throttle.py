"""Throttles the progress an activity sends to its workflow.

Every send is a signal and a search-attribute upsert, about six history events, and a history
holds at most 51,200. So a send happens only when the whole percentage moved, at most once per
interval: at most about 100 sends in a task's life, however long it runs. A message rides along
with the next percentage change, and the last report goes out when the activity ends.

The same rules as the TypeScript ``ProgressThrottle`` (plugin/src/progressThrottle.ts). It lives
on the worker's event loop: every method is called there (``report_progress`` hands reports made
in an activity thread over to the loop first).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ._protocol import PROGRESS_THROTTLE_MS

ProgressUpdate = dict[str, Any]
"""``{"percent": float, "message"?: str, "phase"?: str}``: the ``taskdeck.progress`` argument."""


class _Timer(Protocol):
    def cancel(self) -> Any: ...


def _call_later(delay: float, callback: Callable[[], None]) -> _Timer:
    return asyncio.get_running_loop().call_later(delay, callback)


class ProgressThrottle:
    def __init__(
        self,
        send: Callable[[ProgressUpdate], Awaitable[None]],
        interval: float = PROGRESS_THROTTLE_MS / 1000,
        now: Callable[[], float] = time.monotonic,
        call_later: Callable[[float, Callable[[], None]], _Timer] = _call_later,
    ) -> None:
        self._send = send
        self._interval = interval
        self._now = now
        self._call_later = call_later
        self._latest: ProgressUpdate | None = None
        self._sent: ProgressUpdate | None = None
        self._last_sent_at = -math.inf
        self._timer: _Timer | None = None
        self._in_flight: set[asyncio.Task[None]] = set()
        self._last_send: asyncio.Task[None] | None = None

    @property
    def current(self) -> ProgressUpdate | None:
        """The latest report, sent or not."""
        return self._latest

    def report(self, update: ProgressUpdate) -> None:
        self._latest = update
        if not self._is_news(update):
            return
        wait = self._last_sent_at + self._interval - self._now()
        if wait <= 0:
            self.flush()
        elif self._timer is None:
            self._timer = self._call_later(wait, self.flush)

    def flush(self) -> None:
        """Sends the latest report now if it is news."""
        self.stop()
        update = self._latest
        if update is None or not self._is_news(update):
            return
        self._deliver(update)

    async def drain(self) -> None:
        """At the end of the work: sends the latest report if anything of it (its message too) was
        not sent, and waits until everything sent has arrived, so the workflow hears it before the
        activity's result."""
        self.stop()
        update = self._latest
        sent_message = self._sent.get("message") if self._sent else None
        if update is not None and (self._is_news(update) or update.get("message") != sent_message):
            self._deliver(update)
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None

    def _deliver(self, update: ProgressUpdate) -> None:
        self._sent = update
        self._last_sent_at = self._now()
        # One after another: two signals in flight at once can arrive in either order, and the
        # workflow would keep the older one's message (the last page overtaken by the one before).
        task = asyncio.get_running_loop().create_task(self._send_quietly(update, self._last_send))
        self._last_send = task
        # Held until done: the loop keeps only weak references to tasks.
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    async def _send_quietly(self, update: ProgressUpdate, after: asyncio.Task[None] | None) -> None:
        # A lost progress report is harmless (the next one supersedes it): it never fails the work.
        try:
            if after is not None and not after.done():
                await asyncio.wait([after])
            await self._send(update)
        except Exception:
            pass

    def _is_news(self, update: ProgressUpdate) -> bool:
        if self._sent is None:
            return True
        return math.floor(update["percent"]) > math.floor(self._sent["percent"])
