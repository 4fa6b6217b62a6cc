"""``TaskdeckPlugin``: Taskdeck as a plugin of a Temporal Python worker and client."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import temporalio.client
import temporalio.service
import temporalio.worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from ._activities import taskdeck_inspect_upstream
from ._client import TaskStartInterceptor
from ._interceptor import TaskdeckWorkerInterceptor
from ._options import TaskdeckOptions
from ._register import register_search_attributes

logger = logging.getLogger("taskdeck_temporal")

#: The plugin's modules pass through the workflow sandbox: the interceptor (imported by the worker,
#: outside the sandbox) and ``set_progress`` (imported by workflow code, inside it) must share one
#: module, so that ``set_progress`` finds the task the interceptor tracks. They do no I/O in
#: workflow code and keep no state across runs but that per-run table.
PASSTHROUGH_MODULE = "taskdeck_temporal"


def with_passthrough(runner: temporalio.worker.WorkflowRunner | None) -> temporalio.worker.WorkflowRunner | None:
    if isinstance(runner, SandboxedWorkflowRunner):
        return dataclasses.replace(runner, restrictions=runner.restrictions.with_passthrough_modules(PASSTHROUGH_MODULE))
    return runner


class TaskdeckPlugin(temporalio.client.Plugin, temporalio.worker.Plugin):
    """``plugins=[TaskdeckPlugin()]`` on a ``Worker``: the workflows it runs become Taskdeck tasks
    (status, progress, failure message, child edges, abort and retry). On a ``Client``: the tracked
    workflows it starts list as pending from their start, and a worker built on that client gets
    the plugin too (the SDK hands a client's plugins to its workers).

    Its own class rather than ``SimplePlugin``: the worker interceptor needs that worker's client
    (a ``def`` activity has no ``activity.client()`` to send its progress with), the search
    attributes are registered before the worker polls, and a plugin given to both the client and
    the worker must not track every workflow twice.
    """

    def __init__(
        self,
        workflow_types: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        tag: str | None = None,
        name_from: str | None = None,
        register_search_attributes: bool = True,
    ) -> None:
        """
        Args:
            workflow_types: Only these workflow types become tasks; by default every workflow the
                worker runs.
            exclude: These workflow types never become tasks (entity or helper workflows).
            tag: A tag for every task (the Tag column and filter), unless the input's ``tag``
                says another.
            name_from: The field of a workflow's first argument (a dict key or a dataclass
                attribute) that names the task, e.g. ``"customer"``.
            register_search_attributes: Register Taskdeck's search attributes at worker start
                when they are missing.
        """
        self.options = TaskdeckOptions.of(
            workflow_types=workflow_types,
            exclude=exclude,
            tag=tag,
            name_from=name_from,
            register_search_attributes=register_search_attributes,
        )

    def name(self) -> str:
        return "taskdeck.TaskdeckPlugin"

    # -- client ---------------------------------------------------------------------------------

    def configure_client(self, config: temporalio.client.ClientConfig) -> temporalio.client.ClientConfig:
        interceptors = list(config.get("interceptors") or [])
        # The user's interceptors stay, ours after theirs, once.
        if not any(isinstance(interceptor, TaskStartInterceptor) for interceptor in interceptors):
            interceptors.append(TaskStartInterceptor(self.options))
        config["interceptors"] = interceptors
        return config

    async def connect_service_client(
        self,
        config: temporalio.service.ConnectConfig,
        next: Callable[[temporalio.service.ConnectConfig], Awaitable[temporalio.service.ServiceClient]],
    ) -> temporalio.service.ServiceClient:
        return await next(config)

    # -- worker ---------------------------------------------------------------------------------

    def configure_worker(self, config: temporalio.worker.WorkerConfig) -> temporalio.worker.WorkerConfig:
        interceptors = list(config.get("interceptors") or [])
        if any(isinstance(interceptor, TaskdeckWorkerInterceptor) for interceptor in interceptors):
            # Given to the client and to the worker: the client's came first and is in place.
            logger.warning("taskdeck: TaskdeckPlugin is on both the client and the worker; the client's options apply")
            return config
        config["interceptors"] = [*interceptors, TaskdeckWorkerInterceptor(self.options, config.get("client"))]
        activities = list(config.get("activities") or [])
        if taskdeck_inspect_upstream not in activities:
            activities.append(taskdeck_inspect_upstream)
        config["activities"] = activities
        runner = with_passthrough(config.get("workflow_runner"))
        if runner is not None:
            config["workflow_runner"] = runner
        return config

    async def run_worker(self, worker: temporalio.worker.Worker, next: Callable[[temporalio.worker.Worker], Awaitable[None]]) -> None:
        ours = [i for i in worker.config(active_config=True).get("interceptors", []) if isinstance(i, TaskdeckWorkerInterceptor)]
        # Activities send progress through the worker's client as it is now (it can be replaced).
        for interceptor in ours:
            interceptor.client_of = lambda: worker.client
        if self.options.register_search_attributes:
            await register_search_attributes(worker.client)
        await next(worker)

    # -- replayer -------------------------------------------------------------------------------

    def configure_replayer(self, config: temporalio.worker.ReplayerConfig) -> temporalio.worker.ReplayerConfig:
        """A replay runs the workflow interceptor too: a tracked workflow's history holds its
        upserts, and replaying it without them would not match."""
        interceptors = list(config.get("interceptors") or [])
        if not any(isinstance(interceptor, TaskdeckWorkerInterceptor) for interceptor in interceptors):
            config["interceptors"] = [*interceptors, TaskdeckWorkerInterceptor(self.options, None)]
        runner = with_passthrough(config.get("workflow_runner"))
        if runner is not None:
            config["workflow_runner"] = runner
        return config

    @asynccontextmanager
    async def run_replayer(
        self,
        replayer: temporalio.worker.Replayer,
        histories: AsyncIterator[temporalio.client.WorkflowHistory],
        next: Callable[
            [temporalio.worker.Replayer, AsyncIterator[temporalio.client.WorkflowHistory]],
            AbstractAsyncContextManager[AsyncIterator[temporalio.worker.WorkflowReplayResult]],
        ],
    ) -> AsyncIterator[AsyncIterator[temporalio.worker.WorkflowReplayResult]]:
        async with next(replayer, histories) as results:
            yield results
