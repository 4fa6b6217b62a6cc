"""The progress throttle: the same cases as test/unit/progress.test.ts's ProgressThrottle, on a
fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from taskdeck_temporal._throttle import ProgressThrottle


class FakeTime:
    """A clock and ``call_later`` that move only when told to."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[list[Any]] = []  # [due, callback, cancelled]

    def call_later(self, delay: float, callback: Callable[[], None]) -> Any:
        timer = [self.now + delay, callback, False]
        self.timers.append(timer)

        class Handle:
            def cancel(self) -> None:
                timer[2] = True

        return Handle()

    def advance(self, ms: float) -> None:
        self.now += ms / 1000
        for timer in sorted(self.timers, key=lambda t: t[0]):
            if not timer[2] and timer[0] <= self.now + 1e-9:
                timer[2] = True
                timer[1]()


def run(body: Callable[[list[dict[str, Any]], ProgressThrottle, FakeTime], Any], interval: float = 1.0) -> None:
    """Runs ``body`` on an event loop (sends are tasks), then lets the sends finish."""

    async def main() -> None:
        sent: list[dict[str, Any]] = []

        async def send(update: dict[str, Any]) -> None:
            sent.append(update)

        clock = FakeTime()
        throttle = ProgressThrottle(send, interval, now=lambda: clock.now, call_later=clock.call_later)
        result = body(sent, throttle, clock)
        if asyncio.iscoroutine(result):
            await result

    asyncio.run(main())


async def settle() -> None:
    # Sends are tasks: let them run.
    for _ in range(3):
        await asyncio.sleep(0)


def test_sends_the_first_report_at_once() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 1})
        await settle()
        assert sent == [{"percent": 1}]

    run(body)


def test_coalesces_reports_within_the_interval_and_delivers_the_latest_after_it() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 1})
        clock.advance(100)
        throttle.report({"percent": 2})
        throttle.report({"percent": 3, "message": "three"})
        await settle()
        assert len(sent) == 1
        clock.advance(899)
        await settle()
        assert len(sent) == 1
        clock.advance(1)
        await settle()
        assert sent == [{"percent": 1}, {"percent": 3, "message": "three"}]
        assert throttle.current == {"percent": 3, "message": "three"}

    run(body)


def test_does_not_resend_the_same_whole_percent() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 30.2, "message": "m"})
        clock.advance(5000)
        throttle.report({"percent": 30.9, "message": "m"})
        clock.advance(5000)
        throttle.flush()
        await settle()
        assert sent == [{"percent": 30.2, "message": "m"}]

    run(body)


def test_sends_a_new_message_only_with_the_next_whole_percent_change() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 30, "message": "a"})
        clock.advance(1000)
        throttle.report({"percent": 30, "message": "b"})
        await settle()
        assert [u.get("message") for u in sent] == ["a"]
        assert throttle.current == {"percent": 30, "message": "b"}
        throttle.report({"percent": 31, "message": "c"})
        await settle()
        assert [u.get("message") for u in sent] == ["a", "c"]

    run(body)


def test_progress_never_goes_back() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 50})
        clock.advance(2000)
        throttle.report({"percent": 40})
        clock.advance(2000)
        await settle()
        assert sent == [{"percent": 50}]

    run(body)


def test_ten_thousand_reports_send_at_most_about_a_hundred() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        for n in range(10_000):
            throttle.report({"percent": n / 100, "message": f"step {n}"})
            clock.advance(10)  # 100 s in all
        await throttle.drain()
        assert 1 < len(sent) <= 101
        # Whole percentages only move up (the drain may repeat the last one with its newer message).
        percents = [int(u["percent"]) for u in sent]
        assert percents[:-1] == sorted(set(percents[:-1]))
        assert sent[-1] == {"percent": 99.99, "message": "step 9999"}

    run(body)


def test_drain_sends_the_unsent_last_report_even_when_only_its_message_changed() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 99, "message": "almost"})
        clock.advance(100)
        throttle.report({"percent": 99, "message": "writing the index"})
        await throttle.drain()
        assert sent == [{"percent": 99, "message": "almost"}, {"percent": 99, "message": "writing the index"}]
        # Nothing new: a second drain sends nothing.
        await throttle.drain()
        assert len(sent) == 2

    run(body)


def test_drain_cancels_the_pending_timer_and_sends_the_latest_once() -> None:
    async def body(sent: list[dict[str, Any]], throttle: ProgressThrottle, clock: FakeTime) -> None:
        throttle.report({"percent": 10})
        clock.advance(10)
        throttle.report({"percent": 20})
        await throttle.drain()
        clock.advance(5000)
        await settle()
        assert sent == [{"percent": 10}, {"percent": 20}]

    run(body)


def test_drain_waits_until_what_was_sent_arrived() -> None:
    async def main() -> None:
        arrived: list[dict[str, Any]] = []

        async def slow_send(update: dict[str, Any]) -> None:
            await asyncio.sleep(0.05)
            arrived.append(update)

        throttle = ProgressThrottle(slow_send)
        throttle.report({"percent": 100, "message": "done"})
        await throttle.drain()
        assert arrived == [{"percent": 100, "message": "done"}]

    asyncio.run(main())


def test_sends_one_report_after_another_so_a_slow_one_is_never_overtaken() -> None:
    async def main() -> None:
        arrived: list[dict[str, Any]] = []
        delays = [0.05, 0.0]

        async def send(update: dict[str, Any]) -> None:
            await asyncio.sleep(delays.pop(0))
            arrived.append(update)

        throttle = ProgressThrottle(send, 0.0)
        throttle.report({"percent": 83, "message": "page 5 of 6"})
        throttle.report({"percent": 100, "message": "page 6 of 6"})
        await throttle.drain()
        assert arrived == [{"percent": 83, "message": "page 5 of 6"}, {"percent": 100, "message": "page 6 of 6"}]

    asyncio.run(main())


def test_a_failed_send_never_fails_the_work() -> None:
    async def main() -> None:
        async def broken(update: dict[str, Any]) -> None:
            raise RuntimeError("workflow not found")

        throttle = ProgressThrottle(broken)
        throttle.report({"percent": 5})
        await throttle.drain()

    asyncio.run(main())
