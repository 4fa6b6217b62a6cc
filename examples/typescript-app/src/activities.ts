import { ApplicationFailure, Context, heartbeat, sleep } from '@temporalio/activity';
import { reportProgress } from '@taskdeck/temporal/activity';

export async function renderPdf(customer: string, invoice: number): Promise<string> {
  for (let page = 1; page <= 4; page++) {
    await sleep(150);
    await reportProgress(page * 25, `page ${page} of 4`);
  }
  return `${customer}-${invoice}.pdf`;
}

export async function sendInvoices(customer: string, files: string[]): Promise<number> {
  await sleep(100);
  return files.length;
}

export async function pushToLedger(customer: string): Promise<void> {
  await sleep(200);
  throw ApplicationFailure.create({ message: `The ledger refused the batch of ${customer}: account 42 is closed`, nonRetryable: true });
}

/** Exports `pages` pages, `pageMs` each; heartbeats so that an abort reaches it. */
export async function exportPages(pages: number, pageMs: number): Promise<number> {
  for (let page = 1; page <= pages; page++) {
    heartbeat(page);
    await Promise.race([sleep(pageMs), Context.current().cancelled]);
    await reportProgress((page / pages) * 100, `page ${page} of ${pages}`);
  }
  return pages;
}
