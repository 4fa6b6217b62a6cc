"""The invoices worker. The one Taskdeck line is `plugins=[TaskdeckPlugin(...)]`."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

import activities
import workflows
from taskdeck_temporal import TaskdeckPlugin


async def main() -> None:
    client = await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"),
        namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
    )
    worker = Worker(
        client,
        task_queue=os.environ.get("TASK_QUEUE", "invoices"),
        workflows=workflows.ALL,
        activities=activities.ALL,
        # export_pages is a plain `def` activity: it runs in this pool.
        activity_executor=ThreadPoolExecutor(max_workers=8),
        plugins=[TaskdeckPlugin(name_from="customer", tag="invoices")],
    )
    print("invoices worker: running", flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(main())
