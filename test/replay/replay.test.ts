import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type ReplayResult } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_TYPE_IDS } from '../../core';
import { taskdeckDataConverter } from '../../runtime/encryption';
import { HISTORIES_DIR, INDEX_FILE, loadCorpus } from './corpus';
import { historyFromJSON } from './historyJson';

/**
 * Every recorded history (test/replay/histories, see README.md there) replayed against the
 * workflow code as it is now. A change that is not replay-compatible fails here, naming the
 * history and the SDK's nondeterminism error, before it reaches a worker that would fail the
 * same way on tasks that have been running for days.
 */

const WORKFLOWS = join(__dirname, '../../workflows/index.ts');
/** Workflows that are not task types but run next to them, each recorded too. */
const OTHER_WORKFLOWS = ['taskdeck_pipeline', 'taskdeck_pipeline_segment', 'taskdeck_bulk_retry', 'datasetEntity', 'gpuQueue', 'resourceAllocator'];

const corpus = loadCorpus();
/** One result per history, in corpus order: the replayer replays one history at a time, in order. */
const results: ReplayResult[] = [];
/** Set when the replay worker itself failed; the histories it did not reach report it. */
let stopped: unknown;

beforeAll(async () => {
  // The replay worker's state changes are INFO lines; a replay that fails says so in its test.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // Bundled once for all histories: webpack takes seconds, a replay milliseconds.
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: new DefaultLogger('WARN') });
  const histories = corpus.map((entry) => ({ workflowId: entry.workflow_id, history: historyFromJSON(entry.history) }));
  // With the codec of a worker that encrypts: histories written without encryption (all of these)
  // still replay, as tasks started before a key was set must.
  const dataConverter = taskdeckDataConverter([{ id: 'replay', key: randomBytes(32) }]);
  try {
    for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'taskdeck-replay', dataConverter }, histories)) {
      results.push(result);
    }
  } catch (err) {
    stopped = err;
  }
});

describe('the replay corpus', () => {
  it('lists every history file in an index.json, and has histories', () => {
    const listed = new Set(corpus.map((entry) => entry.path));
    const files: string[] = [];
    const visit = (dir: string): void => {
      for (const child of readdirSync(dir, { withFileTypes: true })) {
        if (child.isDirectory()) visit(join(dir, child.name));
        else if (child.name.endsWith('.json') && child.name !== INDEX_FILE) files.push(relative(HISTORIES_DIR, join(dir, child.name)));
      }
    };
    visit(HISTORIES_DIR);
    // A history missing from its index would never be replayed, and nobody would notice.
    expect(files.filter((file) => !listed.has(file))).toEqual([]);
    expect(corpus.length).toBeGreaterThan(0);
  });

  it('covers every task type and the pipeline, dataset and GPU workflows', () => {
    // A new task type needs its scenario in record.ts, or its first change is unguarded.
    const recorded = new Set(corpus.map((entry) => entry.workflow_type));
    expect([...TASK_TYPE_IDS, ...OTHER_WORKFLOWS].filter((type) => !recorded.has(type))).toEqual([]);
  });
});

describe('replay with the current workflow code', () => {
  corpus.forEach((entry, i) => {
    it(`${entry.path} (${entry.workflow_type}, ${entry.state})`, () => {
      const result = results[i];
      if (!result) throw new Error(`${entry.path} was not replayed: the replay worker stopped first: ${String(stopped)}`, { cause: stopped });
      // The SDK answers for the workflow ID it was given; a mismatch means results and files are out of step.
      expect(result.workflowId).toBe(entry.workflow_id);
      if (result.error) {
        throw new Error(
          `${entry.path} does not replay (${entry.workflow_type} ${entry.workflow_id}, ${entry.state}: ${entry.scenario}): ` +
            `${result.error.name}: ${result.error.message}`,
          { cause: result.error },
        );
      }
    });
  });
});
