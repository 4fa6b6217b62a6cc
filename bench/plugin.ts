import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { reportProgress } from '../plugin/src/activity';
import { TaskdeckPlugin } from '../plugin/src/plugin';
import { median, round, target } from './stats';

const PAIRS = 9;
const PER_ROUND = 20;

/**
 * The plugin's cost, side by side in one run: the same workflow on two workers of the same stack,
 * one with the plugin (and a client with it) and one without; start-to-complete wall time, and
 * history events. The sides take turns going first.
 */
export async function pluginFigures(temporalAddress: string): Promise<object> {
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const workflowsPath = join(__dirname, 'pluginWorkflows.ts');
  const activities = {
    step: async (n: number) => (await sleep(20), n),
    chatty: async () => {
      for (let i = 1; i <= 10_000; i++) {
        await reportProgress(i / 100, `item ${i}`);
        if (i % 100 === 0) await sleep(50);
      }
    },
  };
  const plugin = new TaskdeckPlugin();
  const plain = await Worker.create({ connection, taskQueue: 'bench-plain', workflowsPath, activities });
  const tracked = await Worker.create({ connection, taskQueue: 'bench-tracked', workflowsPath, activities, plugins: [plugin] });
  const plainClient = new Client({ connection });
  const trackedClient = new Client({ connection, plugins: [plugin] });
  try {
    return await plain.runUntil(
      tracked.runUntil(async () => {
        const once = async (client: Client, taskQueue: string, workflow: string) => {
          const started = performance.now();
          const handle = await client.workflow.start(workflow, { taskQueue, workflowId: `bench-${taskQueue}-${crypto.randomUUID()}` });
          await handle.result();
          const ms = performance.now() - started;
          const history = (await handle.fetchHistory()).events!;
          return { ms, events: history.length, signals: history.filter((e) => e.workflowExecutionSignaledEventAttributes).length };
        };
        const times = { plain: [] as number[], tracked: [] as number[] };
        const events = { plain: 0, tracked: 0 };
        for (let pair = 0; pair < PAIRS; pair++) {
          for (const side of pair % 2 === 0 ? (['tracked', 'plain'] as const) : (['plain', 'tracked'] as const)) {
            for (let i = 0; i < PER_ROUND; i++) {
              const run = await once(side === 'plain' ? plainClient : trackedClient, `bench-${side}`, 'threeSteps');
              times[side].push(run.ms);
              events[side] = run.events;
            }
          }
        }
        const chatty = await once(trackedClient, 'bench-tracked', 'reportsOften');
        const chattyPlain = await once(plainClient, 'bench-plain', 'reportsOften');
        return {
          what: `a workflow of three 20 ms activities, ${PAIRS} pairs of ${PER_ROUND} runs taking turns, start to result, with and without the plugin (worker and client)`,
          tracked_ms: round(median(times.tracked)),
          plain_ms: round(median(times.plain)),
          ratio: target(median(times.tracked) / median(times.plain), 1.05, 'max'),
          history_events: { tracked: events.tracked, plain: events.plain, added: target(events.tracked - events.plain, 10, 'max') },
          // Both receive the throttled progress signals; the plugin adds its status upserts and
          // one progress upsert (and message) per signal that moved the percentage.
          reporting_10000_times: {
            what: 'an activity calling reportProgress 10,000 times over about 5 s',
            progress_signals: chatty.signals,
            history_events_tracked: chatty.events,
            history_events_plain: chattyPlain.events,
            added: target(chatty.events - chattyPlain.events, 10 + 2 * chatty.signals, 'max'),
          },
        };
      }),
    );
  } finally {
    await connection.close();
  }
}
