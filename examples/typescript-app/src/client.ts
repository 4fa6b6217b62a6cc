import { Client, Connection } from '@temporalio/client';
import { TaskdeckPlugin } from '@taskdeck/temporal';

/** Starts one of each workflow for a customer and prints their ids as JSON. */
async function run(): Promise<void> {
  const customer = process.argv[2] ?? 'ACME';
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  try {
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', plugins: [new TaskdeckPlugin({ nameFrom: 'customer', tag: 'invoices' })] });
    const taskQueue = process.env.TASK_QUEUE ?? 'invoices';
    const suffix = Date.now().toString(36);
    const invoices = await client.workflow.start('processInvoices', { taskQueue, workflowId: `invoices-${customer}-${suffix}`, args: [{ customer, invoices: 3 }] });
    const ledger = await client.workflow.start('syncLedger', { taskQueue, workflowId: `ledger-${customer}-${suffix}`, args: [{ customer }] });
    const pageMs = Number(process.env.PAGE_MS ?? 500);
    const archive = await client.workflow.start('exportArchive', { taskQueue, workflowId: `archive-${customer}-${suffix}`, args: [{ customer, pages: 40, pageMs }] });
    console.log(JSON.stringify({ invoices: invoices.workflowId, ledger: ledger.workflowId, archive: archive.workflowId }));
  } finally {
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
