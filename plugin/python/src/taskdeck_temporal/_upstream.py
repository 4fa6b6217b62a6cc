"""Dependencies between tasks, workflow side: waiting for upstream tasks, and telling the tasks
that wait for this one how it ended. Workflow code only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

from ._protocol import INSPECT_UPSTREAM_ACTIVITY, UPSTREAM_DONE_SIGNAL, UPSTREAM_WATCH_SIGNAL, is_finished

# Upstream tasks say when they end (a signal), so a waiting task costs nothing while it waits. It
# still looks for itself now and then, with a growing pause: a task terminated from outside never
# gets to say it ended. Each look is a describe per upstream task, so the pauses are long and
# spread out (workflow.random() is deterministic).
FIRST_RECHECK_S = 30.0
MAX_RECHECK_S = 5 * 60.0


def _jittered(seconds: float) -> float:
    return seconds * (0.8 + 0.4 * workflow.random().random())


async def inspect_upstream(ids: list[str]) -> list[dict[str, Any]]:
    """The ``taskdeckInspectUpstream`` activity, as the TypeScript workflow interceptor proxies it."""
    return await workflow.execute_activity(
        INSPECT_UPSTREAM_ACTIVITY,
        ids,
        start_to_close_timeout=timedelta(minutes=1),
        retry_policy=RetryPolicy(maximum_attempts=10),
        result_type=list,
    )


async def wait_for_upstream(
    ids: Sequence[str],
    say: Callable[[str], None],
    inspect: Callable[[list[str]], Any] = inspect_upstream,
) -> dict[str, str] | None:
    """Waits until every task in ``ids`` completed, saying through ``say`` which ones it still
    waits for. Returns the first upstream task found to have ended otherwise (``{id, label,
    status}``), or None when all completed."""
    me = workflow.info().workflow_id
    wanted = list(dict.fromkeys(ids))
    ended: dict[str, str] = {}
    labels: dict[str, str] = {}

    def on_done(outcome: Any = None) -> None:
        if isinstance(outcome, Mapping) and outcome.get("task_id") in wanted and isinstance(outcome.get("status"), str):
            ended[outcome["task_id"]] = outcome["status"]

    workflow.set_signal_handler(UPSTREAM_DONE_SIGNAL, on_done)
    # Ask first, look second: a task that ends in between has either seen the request (and will
    # tell) or is already seen as ended by the look. A missing task cannot be signalled; the look
    # finds it missing.
    await asyncio.gather(
        *(workflow.get_external_workflow_handle(task_id).signal(UPSTREAM_WATCH_SIGNAL, {"task_id": me}) for task_id in wanted),
        return_exceptions=True,
    )
    recheck = FIRST_RECHECK_S
    to_inspect = list(wanted)
    while True:
        for task in await inspect(to_inspect):
            labels[task["id"]] = task["label"]
            if task["status"] == "missing" or is_finished(task["status"]):
                ended[task["id"]] = task["status"]
        while True:
            failed = next(((task_id, status) for task_id, status in ended.items() if status != "completed"), None)
            if failed:
                return {"id": failed[0], "label": labels.get(failed[0], failed[0]), "status": failed[1]}
            waiting = [task_id for task_id in wanted if task_id not in ended]
            if not waiting:
                return None
            say(_waiting_message([labels.get(task_id, task_id) for task_id in waiting]))
            before = len(ended)
            try:
                await workflow.wait_condition(lambda: len(ended) > before, timeout=_jittered(recheck))
            except asyncio.TimeoutError:
                recheck = min(recheck * 2, MAX_RECHECK_S)
                to_inspect = waiting
                break


def _waiting_message(labels: list[str]) -> str:
    shown = ", ".join(labels[:3])
    more = f" and {len(labels) - 3} more" if len(labels) > 3 else ""
    what = "upstream task" if len(labels) == 1 else f"{len(labels)} upstream tasks"
    return f"Waiting for {what}: {shown}{more}"


_ENDED_HOW = {
    "missing": "does not exist",
    "pending": "is pending",
    "pending_approval": "is pending approval",
    "assigning": "is waiting for a node",
    "initializing": "is initializing",
    "running": "is running",
    "paused": "is paused",
    "completed": "completed",
    "failed": "failed",
    "aborted": "was aborted",
    "rejected": "was rejected",
    "upstream_failed": "could not run: a task it depends on did not complete",
    "terminated": "was terminated",
    "timed_out": "timed out",
}


def upstream_failure_message(failure: Mapping[str, str]) -> str:
    """The error of a task that will not run because of ``failure``."""
    return f"Upstream task {failure['label']} {_ENDED_HOW.get(failure['status'], failure['status'])}"


async def _tell(task_id: str, status: str) -> None:
    # A lost answer is not this task's failure: the waiting task looks again later.
    try:
        await workflow.get_external_workflow_handle(task_id).signal(
            UPSTREAM_DONE_SIGNAL, {"task_id": workflow.info().workflow_id, "status": status}
        )
    except Exception:
        pass


class Dependants:
    """The tasks that wait for this one. Every task accepts the request, since any task can be
    depended on, and tells each waiting task how it ended, however late the request arrives."""

    def __init__(self) -> None:
        self._waiting: dict[str, None] = {}
        self._outcome: str | None = None
        #: Late requests being answered now.
        self._answering = 0
        workflow.set_signal_handler(UPSTREAM_WATCH_SIGNAL, self._on_watch)

    async def _on_watch(self, request: Any = None) -> None:
        if not isinstance(request, Mapping) or not isinstance(request.get("task_id"), str):
            return
        task_id = request["task_id"]
        self._waiting[task_id] = None
        if self._outcome is None:
            return
        self._answering += 1
        try:
            await _tell(task_id, self._outcome)
        finally:
            self._answering -= 1

    @property
    def idle(self) -> bool:
        """No late request is being answered."""
        return self._answering == 0

    async def ended(self, status: str) -> None:
        """Tells everyone waiting, then lets late requests being answered finish before the
        workflow closes. Only the plugin's own handlers are waited for: the workflow's handlers
        are its own business."""
        self._outcome = status
        await asyncio.gather(*(_tell(task_id, status) for task_id in list(self._waiting)))
        await workflow.wait_condition(lambda: self.idle)
