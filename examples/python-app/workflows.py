"""The invoices app's workflows: nothing in them is about Taskdeck but the optional set_progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    # Activities are referenced, not run, here; the plugin passes its own module through itself.
    from activities import export_pages, push_to_ledger, render_pdf, send_invoices

from taskdeck_temporal.workflow import set_progress

ONCE = RetryPolicy(maximum_attempts=1)


@dataclass
class InvoiceRun:
    customer: str
    invoices: int = 3


@dataclass
class Invoice:
    customer: str
    invoice: int


@dataclass
class LedgerRun:
    customer: str


@dataclass
class ArchiveRun:
    customer: str
    pages: int = 40
    page_ms: int = 500
    # Taskdeck reads `depends_on` (task ids) from a workflow's first argument: the export then
    # waits, pending, until those tasks completed.
    depends_on: list[str] | None = None


@workflow.defn
class ProcessInvoices:
    """Renders every invoice of a customer in a child workflow each, then sends them."""

    @workflow.run
    async def run(self, job: InvoiceRun) -> int:
        files: list[str] = []
        for n in range(1, job.invoices + 1):
            files.append(
                await workflow.execute_child_workflow(
                    RenderInvoice.run,
                    Invoice(job.customer, n),
                    id=f"{workflow.info().workflow_id}-invoice-{n}",
                )
            )
            set_progress(n / job.invoices * 90, f"{n} of {job.invoices} rendered")
        return await workflow.execute_activity(
            send_invoices, args=[job.customer, files], start_to_close_timeout=timedelta(minutes=1), retry_policy=ONCE
        )


@workflow.defn
class RenderInvoice:
    @workflow.run
    async def run(self, invoice: Invoice) -> str:
        return await workflow.execute_activity(
            render_pdf,
            args=[invoice.customer, invoice.invoice],
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=ONCE,
        )


@workflow.defn
class SyncLedger:
    """Fails: the ledger refuses the batch."""

    @workflow.run
    async def run(self, job: LedgerRun) -> None:
        await workflow.execute_activity(
            push_to_ledger, job.customer, start_to_close_timeout=timedelta(minutes=1), retry_policy=ONCE
        )


@workflow.defn
class ExportArchive:
    """Long, with progress, until it is done or aborted."""

    @workflow.run
    async def run(self, job: ArchiveRun) -> int:
        return await workflow.execute_activity(
            export_pages,
            args=[job.pages, job.page_ms],
            start_to_close_timeout=timedelta(hours=1),
            heartbeat_timeout=timedelta(seconds=10),
        )


ALL = [ProcessInvoices, RenderInvoice, SyncLedger, ExportArchive]
