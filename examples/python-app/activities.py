"""The invoices app's activities: plain Temporal activities, one async and one not."""

from __future__ import annotations

import asyncio

from temporalio import activity
from temporalio.exceptions import ApplicationError, CancelledError

from taskdeck_temporal.activity import report_progress


@activity.defn
async def render_pdf(customer: str, invoice: int) -> str:
    """An async activity: report_progress is called without await, like everywhere."""
    for page in range(1, 5):
        await asyncio.sleep(0.15)
        report_progress(page * 25, f"page {page} of 4")
    return f"{customer}-{invoice}.pdf"


@activity.defn
async def send_invoices(customer: str, files: list[str]) -> int:
    await asyncio.sleep(0.1)
    return len(files)


@activity.defn
async def push_to_ledger(customer: str) -> None:
    await asyncio.sleep(0.2)
    raise ApplicationError(f"The ledger refused the batch of {customer}: account 42 is closed", non_retryable=True)


@activity.defn
def export_pages(pages: int, page_ms: int) -> int:
    """A plain ``def`` activity, run in the worker's thread pool: report_progress works the same.
    It heartbeats, so that an abort (a cancellation) reaches it."""
    for page in range(1, pages + 1):
        activity.heartbeat(page)
        # A page's work: here, waiting a page's time unless the activity is cancelled.
        activity.wait_for_cancelled_sync(page_ms / 1000)
        if activity.is_cancelled():
            raise CancelledError("export cancelled")
        report_progress(page / pages * 100, f"page {page} of {pages}")
    return pages


ALL = [render_pdf, send_invoices, push_to_ledger, export_pages]
