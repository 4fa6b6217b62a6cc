"""One task as its workflow records it. Workflow code only (it calls ``temporalio.workflow``).

The order of the upserts (search attributes, then memo) is the protocol's and the TypeScript
tracker's; workflow histories hold it, so a change needs ``workflow.patched()``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

from ._labels import current_details
from ._protocol import PROGRESS_SIGNAL, SA, STATE_QUERY, is_finished


def iso(moment: datetime) -> str:
    """``2024-05-01T12:00:00.000Z``: JavaScript's ``toISOString``, which the API's contract (and
    the TypeScript plugin) uses for every time in the state query."""
    # A naive time from the SDK is UTC already; astimezone would take it for local time.
    utc = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def whole_percent(percent: Any) -> int | None:
    """0-100, fractions rounded down; None for what is not a number (a malformed signal)."""
    if isinstance(percent, bool) or not isinstance(percent, (int, float)) or math.isnan(percent):
        return None
    return max(0, min(100, math.floor(percent)))


class TaskTracker:
    """The task's state (what the ``taskdeck.state`` query answers) and the one place a status
    change or a progress report is written to the search attributes, the memo and the Temporal
    Web UI's current details. The plugin's interceptor keeps one for every workflow it tracks."""

    def __init__(self, task_type: str, initial: str, input: Any, meta: Mapping[str, Any]) -> None:
        self.state: dict[str, Any] = {
            "task_type": task_type,
            "status": initial,
            "input": input,
            "meta": dict(meta),
            "timeline": [{"status": initial, "at": iso(workflow.info().workflow_start_time)}],
            "progress": 0,
            "message": None,
            "started_at": None,
            "finished_at": None,
            "paused_ms": 0,
            "paused_at": None,
            "error": None,
            "approval": None,
            "result": None,
            "exit_code": None,
        }
        # The query answers the live dict; the data converter copies it into JSON when asked.
        workflow.set_query_handler(STATE_QUERY, lambda: self.state)
        workflow.set_signal_handler(PROGRESS_SIGNAL, self._on_progress_signal)

    def record(
        self,
        status: str,
        *,
        attributes: Sequence[SearchAttributeUpdate] = (),
        memo: Mapping[str, Any] | None = None,
    ) -> None:
        """A status change: the state and its timeline, then the search attributes (the status,
        the time of the change, and ``attributes``) in one upsert, then ``memo``, then the Temporal
        Web UI's details."""
        now = workflow.now()
        if is_finished(status):
            self.state["finished_at"] = iso(now)
        self.state["status"] = status
        self.state["timeline"].append({"status": status, "at": iso(now)})
        workflow.upsert_search_attributes([SA.status.value_set(status), SA.updated_at.value_set(now), *attributes])
        if memo:
            workflow.upsert_memo(memo)
        self.show_in_temporal_ui()

    def waiting_for(self, message: str) -> None:
        """Says what a pending task waits for, in Taskdeck's table as in the Temporal Web UI."""
        self.state["message"] = message
        workflow.upsert_memo({"message": message})
        workflow.upsert_search_attributes([SA.updated_at.value_set(workflow.now())])
        self.show_in_temporal_ui()

    def report(self, percent: Any, message: str | None = None, phase: str | None = None) -> None:
        """A progress report (the ``taskdeck.progress`` signal, already throttled by whoever sent
        it): the whole percentage, which never goes back, and the message, each written when it
        changes. Only while the task runs; a report of another phase is dropped."""
        state = self.state
        active = state["status"]
        if active not in ("initializing", "running"):
            return
        if phase and phase != active:
            return
        whole = whole_percent(percent)
        if whole is None:
            return
        text = message if isinstance(message, str) else None
        # A late signal from an earlier activity attempt must not rewind the bar.
        progressed = whole > state["progress"]
        reworded = text != state["message"]
        if progressed:
            state["progress"] = whole
            workflow.upsert_search_attributes([SA.progress.value_set(whole), SA.updated_at.value_set(workflow.now())])
        if reworded:
            state["message"] = text
            # None removes the key, as null does in the TypeScript SDK's upsertMemo.
            workflow.upsert_memo({"message": text})
        if progressed or reworded:
            self.show_in_temporal_ui()

    def set_progress(self, percent: float, message: str | None = None) -> None:
        """Progress set by workflow code, perhaps in a tight loop: written only when the whole
        percentage moves (at most about 100 times in a task's life), the message with it; the
        state query has the latest message meanwhile."""
        whole = whole_percent(percent)
        if whole is None:
            raise TypeError(f"set_progress takes a number from 0 to 100, got {percent!r}")
        if whole > self.state["progress"]:
            self.report(whole, message)
        elif message is not None:
            self.state["message"] = message

    def show_in_temporal_ui(self) -> None:
        workflow.set_current_details(current_details(self.state))

    def _on_progress_signal(self, update: Any = None) -> None:
        # Anyone may send this signal. A malformed one is dropped: an exception in a signal
        # handler would fail the workflow task (or the workflow), which a progress bar is not worth.
        if not isinstance(update, Mapping):
            return
        message = update.get("message")
        phase = update.get("phase")
        self.report(
            update.get("percent"),
            message if isinstance(message, str) else None,
            phase if isinstance(phase, str) else None,
        )


#: The tracker of each running workflow, by run id, for ``set_progress``. The plugin's modules
#: pass through the sandbox, so this dict is shared by every workflow of the worker: keyed by run,
#: filled when the interceptor starts tracking a run and emptied when that run's code ends (or the
#: run is evicted from the worker's cache, which ends its code too).
_trackers: dict[str, TaskTracker] = {}


def track(tracker: TaskTracker) -> None:
    _trackers[workflow.info().run_id] = tracker


def untrack(tracker: TaskTracker) -> None:
    run_id = workflow.info().run_id
    if _trackers.get(run_id) is tracker:
        del _trackers[run_id]


def current_tracker() -> TaskTracker | None:
    """This workflow run's task, if the plugin tracks it."""
    if not workflow.in_workflow():
        return None
    return _trackers.get(workflow.info().run_id)
