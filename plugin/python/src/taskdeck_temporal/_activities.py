"""The activity the plugin registers on a worker, under a name its users will not take."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from ._protocol import INSPECT_UPSTREAM_ACTIVITY, SA, task_status_of


async def inspect_upstream(client: Client, ids: list[str]) -> list[dict[str, Any]]:
    """The current status of each upstream task, from DescribeWorkflowExecution (fresh, unlike a
    visibility list): ``{id, status, label}``, status ``missing`` for an id no workflow has.
    Upstream tasks tell their dependants when they end; this is the start and the safety net, for
    tasks that ended before being asked or were terminated."""

    async def one(task_id: str) -> dict[str, Any]:
        try:
            description = await client.get_workflow_handle(task_id).describe()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return {"id": task_id, "status": "missing", "label": task_id}
            raise
        memo = await description.memo()
        task_type = description.typed_search_attributes.get(SA.type) or description.workflow_type
        execution = description.status.name if description.status is not None else "RUNNING"
        name = memo.get("name")
        return {
            "id": task_id,
            "status": task_status_of(execution, description.typed_search_attributes.get(SA.status)),
            "label": name if isinstance(name, str) and name else f"{task_type} {task_id[:8]}",
        }

    return list(await asyncio.gather(*(one(task_id) for task_id in ids)))


@activity.defn(name=INSPECT_UPSTREAM_ACTIVITY)
async def taskdeck_inspect_upstream(ids: list[str]) -> list[dict[str, Any]]:
    """Describes upstream tasks for a task whose input has ``depends_on`` (a workflow cannot
    describe other workflows itself). Async, so it has the worker's client."""
    return await inspect_upstream(activity.client(), ids)
