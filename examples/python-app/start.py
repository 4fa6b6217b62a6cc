"""Starts one of each workflow for a customer and prints their ids as JSON.

    python start.py ACME [--pages 40] [--page-ms 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

from temporalio.client import Client

from taskdeck_temporal import TaskdeckPlugin
from workflows import ArchiveRun, ExportArchive, InvoiceRun, LedgerRun, ProcessInvoices, SyncLedger


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("customer", nargs="?", default="ACME")
    parser.add_argument("--pages", type=int, default=40, help="pages the export has (ExportArchive)")
    parser.add_argument("--page-ms", type=int, default=500, help="time each page takes, ms")
    args = parser.parse_args()
    # The plugin on the client too: what it starts lists in Taskdeck as pending at once.
    client = await Client.connect(
        os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"),
        namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
        plugins=[TaskdeckPlugin(name_from="customer", tag="invoices")],
    )
    task_queue = os.environ.get("TASK_QUEUE", "invoices")
    suffix = format(time.time_ns() // 1_000_000, "x")
    invoices = await client.start_workflow(
        ProcessInvoices.run, InvoiceRun(args.customer, 3), id=f"invoices-{args.customer}-{suffix}", task_queue=task_queue
    )
    ledger = await client.start_workflow(
        SyncLedger.run, LedgerRun(args.customer), id=f"ledger-{args.customer}-{suffix}", task_queue=task_queue
    )
    archive = await client.start_workflow(
        ExportArchive.run,
        ArchiveRun(args.customer, args.pages, args.page_ms),
        id=f"archive-{args.customer}-{suffix}",
        task_queue=task_queue,
    )
    print(json.dumps({"invoices": invoices.id, "ledger": ledger.id, "archive": archive.id}))


if __name__ == "__main__":
    asyncio.run(main())
    # A short-lived process with a Temporal client may crash as the interpreter shuts down (the
    # SDK's native threads outlive it, temporalio/sdk-python#300), failing with all its work done:
    # everything is sent and printed, so leave without the interpreter's teardown.
    sys.stdout.flush()
    os._exit(0)
