// The workload of the plugin's bench figure: an ordinary workflow of three short activities, and
// one whose activity reports progress 10,000 times.
import { proxyActivities } from '@temporalio/workflow';

interface Activities {
  step(n: number): Promise<number>;
  chatty(): Promise<void>;
}

const { step, chatty } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function threeSteps(): Promise<number> {
  let total = 0;
  for (let n = 1; n <= 3; n++) total += await step(n);
  return total;
}

export async function reportsOften(): Promise<void> {
  await chatty();
}
