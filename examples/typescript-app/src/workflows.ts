import { executeChild, proxyActivities } from '@temporalio/workflow';
import { setProgress } from '@taskdeck/temporal/workflow';
import type * as activities from './activities';

const { renderPdf, sendInvoices, pushToLedger } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});
const { exportPages } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 hour', heartbeatTimeout: '10 seconds' });

export interface InvoiceRun {
  customer: string;
  invoices: number;
}

/** Renders every invoice of a customer in a child workflow each, then sends them. */
export async function processInvoices({ customer, invoices }: InvoiceRun): Promise<number> {
  const files: string[] = [];
  for (let n = 1; n <= invoices; n++) {
    files.push(await executeChild(renderInvoice, { args: [{ customer, invoice: n }], workflowId: `${customer}-invoice-${n}-${Date.now()}` }));
    setProgress((n / invoices) * 90, `${n} of ${invoices} rendered`);
  }
  return sendInvoices(customer, files);
}

export async function renderInvoice({ customer, invoice }: { customer: string; invoice: number }): Promise<string> {
  return renderPdf(customer, invoice);
}

/** Fails: the ledger refuses the batch. */
export async function syncLedger({ customer }: { customer: string }): Promise<void> {
  await pushToLedger(customer);
}

/** Long, with progress, until it is done or aborted. */
export async function exportArchive({ customer, pages, pageMs }: { customer: string; pages: number; pageMs: number }): Promise<number> {
  return exportPages(pages, pageMs);
}
