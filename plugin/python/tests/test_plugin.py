"""What TaskdeckPlugin does to a worker's, a client's and a replayer's configuration."""

from __future__ import annotations

from typing import Any

import temporalio.client
import temporalio.worker
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from taskdeck_temporal import TaskdeckPlugin
from taskdeck_temporal._activities import taskdeck_inspect_upstream
from taskdeck_temporal._client import TaskStartInterceptor
from taskdeck_temporal._interceptor import TaskdeckWorkerInterceptor


class UsersWorkerInterceptor(temporalio.worker.Interceptor):
    pass


class UsersClientInterceptor(temporalio.client.Interceptor):
    pass


def users_activity() -> None:
    pass


def worker_config(**changes: Any) -> Any:
    config: dict[str, Any] = {
        "client": object(),
        "task_queue": "q",
        "activities": [users_activity],
        "workflows": [],
        "interceptors": [UsersWorkerInterceptor()],
        "workflow_runner": SandboxedWorkflowRunner(),
    }
    config.update(changes)
    return config


def test_the_worker_keeps_the_users_interceptors_and_activities_and_gets_ours() -> None:
    plugin = TaskdeckPlugin(tag="t")
    config = plugin.configure_worker(worker_config())
    users, ours = config["interceptors"]
    assert isinstance(users, UsersWorkerInterceptor)
    assert isinstance(ours, TaskdeckWorkerInterceptor) and ours.options == plugin.options
    assert config["activities"] == [users_activity, taskdeck_inspect_upstream]
    # The interceptor's class for workflows carries the options into every run.
    inbound = ours.workflow_interceptor_class(None)  # type: ignore[arg-type]
    assert issubclass(inbound, temporalio.worker.WorkflowInboundInterceptor)
    assert inbound.options == plugin.options


def test_the_plugin_passes_through_the_sandbox_and_keeps_the_users_restrictions() -> None:
    runner = SandboxedWorkflowRunner()
    runner = SandboxedWorkflowRunner(restrictions=runner.restrictions.with_passthrough_modules("users_module"))
    config = TaskdeckPlugin().configure_worker(worker_config(workflow_runner=runner))
    passthrough = config["workflow_runner"].restrictions.passthrough_modules
    assert {"taskdeck_temporal", "users_module"} <= passthrough
    unsandboxed = UnsandboxedWorkflowRunner()
    assert TaskdeckPlugin().configure_worker(worker_config(workflow_runner=unsandboxed))["workflow_runner"] is unsandboxed


def test_given_to_the_client_and_the_worker_it_tracks_once() -> None:
    # The SDK runs a client's worker plugins first, then the worker's own.
    config = TaskdeckPlugin(tag="from-client").configure_worker(worker_config())
    config = TaskdeckPlugin(tag="from-worker").configure_worker(config)
    ours = [i for i in config["interceptors"] if isinstance(i, TaskdeckWorkerInterceptor)]
    assert len(ours) == 1 and ours[0].options.tag == "from-client"
    assert config["activities"].count(taskdeck_inspect_upstream) == 1


def test_the_client_keeps_the_users_interceptors_and_gets_ours_once() -> None:
    plugin = TaskdeckPlugin()
    config: Any = {"interceptors": [UsersClientInterceptor()]}
    config = plugin.configure_client(config)
    config = plugin.configure_client(config)
    kinds = [type(i) for i in config["interceptors"]]
    assert kinds == [UsersClientInterceptor, TaskStartInterceptor]


def test_a_replay_runs_the_workflow_interceptor_too() -> None:
    config = TaskdeckPlugin().configure_replayer({"interceptors": [], "workflow_runner": SandboxedWorkflowRunner()})  # type: ignore[typeddict-item]
    assert [type(i) for i in config["interceptors"]] == [TaskdeckWorkerInterceptor]
    assert "taskdeck_temporal" in config["workflow_runner"].restrictions.passthrough_modules
