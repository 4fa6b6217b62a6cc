"""In activities: ``report_progress(40, "epoch 4 of 10")``.

How it works, for both kinds of activity:

- The plugin's activity interceptor, which runs on the worker's event loop, gives every activity
  execution a progress reporter (a context variable, which the SDK copies into the thread of a
  ``def`` activity run by a ThreadPoolExecutor).
- ``report_progress`` is a plain function. In an ``async def`` activity it runs on the event loop
  and hands the report to the throttle at once. In a ``def`` activity it runs in a worker thread:
  it hands the report to the event loop with ``loop.call_soon_threadsafe`` and returns at once,
  never waiting for the network. Either way the throttle decides on the loop what to send, and
  sends it with the worker's client as the ``taskdeck.progress`` signal.
- When the activity ends (returns, raises or is cancelled), the interceptor sends the last report
  if any of it was not sent and waits until the signal arrived, so the workflow hears the final
  progress before the activity's result. Reports made in a thread are queued on the loop before
  the thread's result is, so none is lost.

A ``def`` activity run by a ProcessPoolExecutor has no way back to the worker's loop:
``report_progress`` does nothing there, as it does outside an activity, in an activity that no
workflow started, or on a worker without the plugin.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
from collections.abc import Awaitable, Callable

from ._throttle import ProgressThrottle, ProgressUpdate

__all__ = ["report_progress"]


class _Reporter:
    """One activity execution's way to its workflow: the throttle, and the loop it lives on."""

    def __init__(self, loop: asyncio.AbstractEventLoop, send: Callable[[ProgressUpdate], Awaitable[None]]) -> None:
        self.loop = loop
        self.throttle = ProgressThrottle(send)

    def report(self, update: ProgressUpdate) -> None:
        try:
            on_loop = asyncio.get_running_loop() is self.loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            self.throttle.report(update)
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.throttle.report, update)


_reporter: contextvars.ContextVar[_Reporter | None] = contextvars.ContextVar("taskdeck_progress_reporter", default=None)


def report_progress(percent: float, message: str | None = None) -> None:
    """Reports how far the running activity got, 0-100, with an optional message. Its workflow
    shows it in Taskdeck (the table, the task page, live events) and in the Temporal Web UI.

    Call it as often as you like, from ``def`` and ``async def`` activities alike (no ``await``):
    a report reaches the workflow only when the whole percentage moves up, at most once a second,
    so a long loop does not fill the workflow's history. A report that cannot be delivered is
    dropped, never failing the activity.
    """
    if isinstance(percent, bool) or not isinstance(percent, (int, float)) or math.isnan(percent):
        raise TypeError(f"report_progress takes a number from 0 to 100, got {percent!r}")
    if message is not None and not isinstance(message, str):
        raise TypeError(f"report_progress takes a message string, got {message!r}")
    reporter = _reporter.get()
    if reporter is None:
        return
    update: ProgressUpdate = {"percent": percent}
    if message is not None:
        update["message"] = message
    reporter.report(update)
