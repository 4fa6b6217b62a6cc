import { NativeConnection, Worker } from '@temporalio/worker';
import { TaskdeckPlugin } from '@taskdeck/temporal';
import * as activities from './activities';

async function run(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  try {
    const worker = await Worker.create({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: process.env.TASK_QUEUE ?? 'invoices',
      workflowsPath: require.resolve('./workflows'),
      activities,
      plugins: [new TaskdeckPlugin({ nameFrom: 'customer', tag: 'invoices' })],
    });
    console.log('invoices worker: running');
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
