"""The worker side of the plugin: a workflow interceptor that runs every tracked workflow as a
Taskdeck task, and an activity interceptor that gives activities their progress reporter.

The workflow part mirrors plugin/src/workflowInterceptors.ts step by step; the comments say where
Python's SDK asks for something different.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import temporalio.client
import temporalio.worker
from temporalio import activity, workflow
from temporalio.exceptions import ApplicationError, FailureError, is_cancelled_exception

from . import activity as _activity_module
from ._failures import describe_failure
from ._options import TaskdeckOptions, is_tracked, labels_of
from ._protocol import PROGRESS_SIGNAL, SA
from ._tracker import TaskTracker, iso, track, untrack
from ._upstream import Dependants, upstream_failure_message, wait_for_upstream

#: Failure type of a workflow that did not run because a task it depends on did not complete.
UPSTREAM_FAILED = "UpstreamFailed"


def _fails_the_workflow(err: BaseException) -> bool:
    """Whether ``err`` fails the workflow, or only its workflow task (which Temporal retries,
    the workflow still running). Python's SDK decides this per exception: Temporal failures and
    timeouts fail the workflow, as do the worker's and the workflow's ``failure_exception_types``;
    anything else (a bug, a ``KeyError``) fails the task. The task must say what the server will
    say, so ask the SDK's own rule; the fallback is its rule without the configured types."""
    try:
        return bool(workflow._Runtime.current().workflow_is_failure_exception(err))
    except AttributeError:
        return isinstance(err, (FailureError, asyncio.TimeoutError))


async def run_as_task(
    workflow_type: str,
    args: Any,
    run: Callable[[], Awaitable[Any]],
    options: TaskdeckOptions,
) -> Any:
    """Runs a tracked workflow as a task: pending until it runs (or while it waits for the tasks
    its argument's ``depends_on`` names), running, then completed, failed with its message, or
    aborted when cancelled. A workflow that continues as new records nothing: the next run is the
    same task."""
    labels = labels_of(args, options)
    tracker = TaskTracker(workflow_type, "pending", args[0] if len(args) == 1 else list(args), labels)
    track(tracker)
    dependants = Dependants()
    state = tracker.state
    depends_on = labels.get("depends_on")
    identity = [SA.type.value_set(workflow_type), SA.progress.value_set(0)]
    if "tag" in labels:
        identity.append(SA.tag.value_set(labels["tag"]))
    memo = {key: labels[key] for key in ("name", "depends_on") if key in labels}
    if memo:
        workflow.upsert_memo(memo)
    # The end this run recorded, once its upserts went through; the dependants hear of it last.
    # (A run evicted from the worker's cache cannot record, and tells no one.)
    ended: str | None = None
    try:
        if depends_on:
            tracker.record("pending", attributes=identity)
            failure = await wait_for_upstream(depends_on, tracker.waiting_for)
            if failure:
                message = upstream_failure_message(failure)
                state["error"] = {"message": message, "step": "pending"}
                state["message"] = message
                tracker.record("upstream_failed", memo={"message": message, "error": message, "failed_step": "pending"})
                ended = "upstream_failed"
                raise ApplicationError(message, type=UPSTREAM_FAILED, non_retryable=True)
        started_at = workflow.now()
        state["started_at"] = iso(started_at)
        tracker.record("running", attributes=[*([] if depends_on else identity), SA.started_at.value_set(started_at)])
        result = await run()
        state["result"] = result
        state["progress"] = 100
        tracker.record(
            "completed",
            attributes=[SA.progress.value_set(100)],
            memo={"message": state["message"]} if state["message"] else None,
        )
        ended = "completed"
        return result
    except workflow.ContinueAsNewError:
        raise
    except (Exception, asyncio.CancelledError) as err:
        if ended == "upstream_failed":
            raise
        # Cancelled only when the server asked (an abort): the SDK then cancels the execution.
        # A cancellation without that request (an activity cancelled on its own) fails it, and
        # the worker evicting the run from its cache cancels it too, which records nothing.
        if workflow.cancellation_reason() is not None and is_cancelled_exception(err):
            tracker.record("aborted")
            ended = "aborted"
            raise
        if not _fails_the_workflow(err):
            # A workflow task failure: Temporal retries the task, the workflow stays running.
            raise
        failure = describe_failure(err, state["status"])
        state["error"] = failure
        state["exit_code"] = failure.get("exit_code")
        tracker.record(
            "failed",
            memo={"error": failure["message"], "failed_step": failure["step"], "exit_code": state["exit_code"]},
        )
        ended = "failed"
        raise
    finally:
        untrack(tracker)
        # Tasks waiting for this one learn how it ended.
        if ended is not None:
            await dependants.ended(ended)


class _TaskInbound(temporalio.worker.WorkflowInboundInterceptor):
    """One per workflow run. The class is made per plugin with its options as a class attribute:
    the SDK constructs it with the next interceptor only."""

    options: ClassVar[TaskdeckOptions]

    async def execute_workflow(self, input: temporalio.worker.ExecuteWorkflowInput) -> Any:
        workflow_type = workflow.info().workflow_type
        if not is_tracked(workflow_type, self.options):
            return await super().execute_workflow(input)
        return await run_as_task(workflow_type, input.args, lambda: super(_TaskInbound, self).execute_workflow(input), self.options)


class _ProgressActivityInbound(temporalio.worker.ActivityInboundInterceptor):
    def __init__(self, next: temporalio.worker.ActivityInboundInterceptor, owner: TaskdeckWorkerInterceptor) -> None:
        super().__init__(next)
        self._owner = owner

    async def execute_activity(self, input: temporalio.worker.ExecuteActivityInput) -> Any:
        info = activity.info()
        client = self._owner.client_of()
        if not info.workflow_id or client is None:
            # A standalone activity: no workflow to tell.
            return await super().execute_activity(input)
        handle = client.get_workflow_handle(info.workflow_id, run_id=info.workflow_run_id)

        async def send(update: dict[str, Any]) -> None:
            await handle.signal(PROGRESS_SIGNAL, update)

        reporter = _activity_module._Reporter(asyncio.get_running_loop(), send)
        token = _activity_module._reporter.set(reporter)
        try:
            return await super().execute_activity(input)
        finally:
            _activity_module._reporter.reset(token)
            # The workflow hears the last progress before the activity's result (or failure): the
            # result is reported only after this returns, so the next attempt cannot start first.
            await reporter.throttle.drain()


class TaskdeckWorkerInterceptor(temporalio.worker.Interceptor):
    """Added to a worker by ``TaskdeckPlugin.configure_worker``, one per worker: it holds that
    worker's client, through which activities send their progress (a ``def`` activity has no
    ``activity.client()``)."""

    def __init__(self, options: TaskdeckOptions, client: temporalio.client.Client | None) -> None:
        self.options = options
        #: The worker's client; the plugin's run_worker makes it follow ``worker.client``. None in
        #: a replayer, which runs no activity.
        self.client_of: Callable[[], temporalio.client.Client | None] = lambda: client
        self._inbound = type("TaskdeckWorkflowInbound", (_TaskInbound,), {"options": options})

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        return self._inbound

    def intercept_activity(self, next: temporalio.worker.ActivityInboundInterceptor) -> temporalio.worker.ActivityInboundInterceptor:
        return _ProgressActivityInbound(next, self)
