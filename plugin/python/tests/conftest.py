"""Shared test helpers. No test here needs a Temporal server: the workflow-side code runs against
a stand-in for ``temporalio.workflow`` that records what it was asked to do."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

#: plugin/protocol.json: the protocol as data, which the TypeScript plugin's tests read too.
PROTOCOL_FILE = Path(__file__).resolve().parents[2] / "protocol.json"


@pytest.fixture(scope="session")
def protocol() -> dict[str, Any]:
    return json.loads(PROTOCOL_FILE.read_text(encoding="utf-8"))


class FakeInfo:
    def __init__(self) -> None:
        self.workflow_id = "wf-1"
        self.run_id = "run-1"
        self.workflow_type = "ProcessInvoices"
        self.workflow_start_time = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


class FakeWorkflow:
    """Stands in for the ``temporalio.workflow`` module inside the plugin's workflow-side code:
    records every command in order, with a clock that moves a second per call of ``now()``."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, Any]] = []
        self.queries: dict[str, Any] = {}
        self.signals: dict[str, Any] = {}
        self.details = ""
        self._info = FakeInfo()
        self._now = datetime(2024, 5, 1, 12, 0, 1, tzinfo=timezone.utc)

    def info(self) -> FakeInfo:
        return self._info

    def in_workflow(self) -> bool:
        return True

    def now(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now

    def set_query_handler(self, name: str, handler: Any) -> None:
        self.queries[name] = handler

    def set_signal_handler(self, name: str, handler: Any) -> None:
        self.signals[name] = handler

    def upsert_search_attributes(self, updates: Any) -> None:
        self.commands.append(("attributes", {update.key.name: update.value for update in updates}))

    def upsert_memo(self, memo: Any) -> None:
        self.commands.append(("memo", dict(memo)))

    def set_current_details(self, details: str) -> None:
        self.details = details


@pytest.fixture
def fake_workflow(monkeypatch: pytest.MonkeyPatch) -> FakeWorkflow:
    from taskdeck_temporal import _tracker

    fake = FakeWorkflow()
    monkeypatch.setattr(_tracker, "workflow", fake)
    return fake
