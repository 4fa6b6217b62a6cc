"""report_progress from async and from thread-run activities, through the reporter the plugin's
activity interceptor sets."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

import pytest

from taskdeck_temporal import activity as progress
from taskdeck_temporal.activity import report_progress


def test_outside_an_activity_it_does_nothing() -> None:
    report_progress(50, "nothing to tell")


@pytest.mark.parametrize(("percent", "message"), [("50", None), (True, None), (float("nan"), None), (50, 3)])
def test_it_refuses_what_is_not_progress(percent: Any, message: Any) -> None:
    with pytest.raises(TypeError):
        report_progress(percent, message)


def with_reporter(sent: list[dict[str, Any]]) -> tuple[progress._Reporter, contextvars.Token]:
    async def send(update: dict[str, Any]) -> None:
        sent.append(update)

    reporter = progress._Reporter(asyncio.get_running_loop(), send)
    return reporter, progress._reporter.set(reporter)


def test_from_an_async_activity_the_report_goes_to_the_throttle_at_once() -> None:
    async def main() -> None:
        sent: list[dict[str, Any]] = []
        reporter, token = with_reporter(sent)
        try:
            report_progress(10, "first")
            report_progress(20)  # within the interval: held
            await reporter.throttle.drain()
        finally:
            progress._reporter.reset(token)
        assert sent == [{"percent": 10, "message": "first"}, {"percent": 20}]

    asyncio.run(main())


def test_from_a_thread_the_report_is_handed_to_the_loop_and_none_is_lost() -> None:
    async def main() -> None:
        sent: list[dict[str, Any]] = []
        reporter, token = with_reporter(sent)
        loop_thread = threading.get_ident()
        calls: list[int] = []
        original = reporter.throttle.report

        def on_loop(update: dict[str, Any]) -> None:
            calls.append(threading.get_ident())
            original(update)

        reporter.throttle.report = on_loop  # type: ignore[method-assign]

        def sync_activity() -> None:
            # What the SDK does for a `def` activity: the context (and so the reporter) goes along.
            for n in range(1, 101):
                report_progress(n, f"item {n}")

        try:
            await asyncio.get_running_loop().run_in_executor(None, contextvars.copy_context().run, sync_activity)
            # As the interceptor does when the activity returns.
            await reporter.throttle.drain()
        finally:
            progress._reporter.reset(token)
        assert calls and all(ident == loop_thread for ident in calls)
        assert len(calls) == 100
        assert sent[0] == {"percent": 1, "message": "item 1"}
        assert sent[-1] == {"percent": 100, "message": "item 100"}

    asyncio.run(main())
