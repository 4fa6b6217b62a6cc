"""The workflow-side tracker against a recording stand-in for temporalio.workflow: what it writes,
in which order, and what it leaves alone."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from taskdeck_temporal import workflow as public_workflow
from taskdeck_temporal._protocol import SA
from taskdeck_temporal._tracker import TaskTracker, current_tracker, iso, track, untrack


def running(fake: Any) -> TaskTracker:
    tracker = TaskTracker("ExportArchive", "pending", {"pages": 3}, {"name": "ACME"})
    tracker.record("running", attributes=[SA.type.value_set("ExportArchive"), SA.progress.value_set(0)])
    fake.commands.clear()
    return tracker


def test_iso_times_are_javascripts() -> None:
    assert iso(datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)) == "2024-05-01T12:00:00.123Z"
    assert iso(datetime(2024, 5, 1, 12, 0, 0)) == "2024-05-01T12:00:00.000Z"


def test_record_writes_attributes_then_memo_then_details(fake_workflow: Any) -> None:
    tracker = TaskTracker("ExportArchive", "pending", {"pages": 3}, {"name": "ACME"})
    assert tracker.state["timeline"] == [{"status": "pending", "at": "2024-05-01T12:00:00.123Z"}]
    tracker.record("failed", memo={"error": "boom", "failed_step": "running"})
    kind, written = fake_workflow.commands[0]
    assert kind == "attributes" and written["TaskdeckStatus"] == "failed" and "TaskdeckUpdatedAt" in written
    assert fake_workflow.commands[1] == ("memo", {"error": "boom", "failed_step": "running"})
    assert tracker.state["finished_at"] is not None
    assert [entry["status"] for entry in tracker.state["timeline"]] == ["pending", "failed"]
    assert fake_workflow.details == "**Failed** · 0%"


def test_progress_is_written_when_the_whole_percent_moves_up_and_never_goes_back(fake_workflow: Any) -> None:
    tracker = running(fake_workflow)
    tracker.report(40.7, "page 2 of 5")
    assert fake_workflow.commands[0][0] == "attributes" and fake_workflow.commands[0][1]["TaskdeckProgress"] == 40
    assert fake_workflow.commands[1] == ("memo", {"message": "page 2 of 5"})
    assert fake_workflow.details == "**Running** · 40% · page 2 of 5"
    fake_workflow.commands.clear()
    tracker.report(40.9, "page 2 of 5")  # nothing new
    tracker.report(30, "page 2 of 5")  # a late report of an earlier attempt
    assert fake_workflow.commands == []
    tracker.report(30, "page 3 of 5")  # only the message is new
    assert fake_workflow.commands == [("memo", {"message": "page 3 of 5"})]
    assert tracker.state["progress"] == 40


def test_reports_count_only_while_running_and_in_their_phase(fake_workflow: Any) -> None:
    tracker = TaskTracker("ExportArchive", "pending", None, {})
    tracker.report(50)
    assert fake_workflow.commands == [] and tracker.state["progress"] == 0
    tracker = running(fake_workflow)
    tracker.report(50, phase="initializing")
    assert fake_workflow.commands == []
    tracker.report(50, phase="running")
    assert tracker.state["progress"] == 50


def test_a_malformed_progress_signal_is_dropped(fake_workflow: Any) -> None:
    tracker = running(fake_workflow)
    handler = fake_workflow.signals["taskdeck.progress"]
    for update in [None, "50", {"percent": "50"}, {"percent": True}, {"percent": float("nan")}, {}]:
        handler(update)
    assert fake_workflow.commands == [] and tracker.state["progress"] == 0
    handler({"percent": 120, "message": 7})
    assert tracker.state["progress"] == 100 and tracker.state["message"] is None


def test_set_progress_writes_only_moves_and_keeps_the_latest_message_for_the_query(fake_workflow: Any) -> None:
    tracker = running(fake_workflow)
    track(tracker)
    try:
        assert current_tracker() is tracker
        for n in range(1000):
            public_workflow.set_progress(n / 10, f"item {n}")
        progress_writes = [c for c in fake_workflow.commands if c[0] == "attributes"]
        assert len(progress_writes) == 99  # 1% .. 99%
        assert tracker.state["progress"] == 99
        assert tracker.state["message"] == "item 999"
        with pytest.raises(TypeError):
            public_workflow.set_progress("half")  # type: ignore[arg-type]
    finally:
        untrack(tracker)
    assert current_tracker() is None
    public_workflow.set_progress(100)  # untracked: nothing
    assert tracker.state["progress"] == 99


def test_waiting_for_says_it_in_the_memo_and_bumps_the_update_time(fake_workflow: Any) -> None:
    tracker = TaskTracker("ExportArchive", "pending", None, {})
    tracker.waiting_for("Waiting for upstream task: A")
    assert fake_workflow.commands[0] == ("memo", {"message": "Waiting for upstream task: A"})
    assert list(fake_workflow.commands[1][1]) == ["TaskdeckUpdatedAt"]
    assert fake_workflow.details == "**Pending** · 0% · Waiting for upstream task: A"
