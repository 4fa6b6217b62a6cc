import { describe, expect, it } from 'vitest';
import { changedSinceQuery, literal } from '../../api/visibilityQuery';
import { SA } from '../../core';
import { temporalClient, uniqueTag } from './helpers';

/** The API's delta poll, asked of the real server's visibility (SQLite in the dev server). */
describe("the task index's delta poll", () => {
  it('lists a task that closed since the last poll, and not one that merely stays open', async () => {
    const { client, close } = await temporalClient();
    try {
      // On a queue no worker polls: the first stays open, the second is closed by the server.
      // Tasks as any Taskdeck client starts them: they say what they are (TaskdeckType), which is what the API lists by.
      const options = { taskQueue: uniqueTag('nobody'), args: [{ input: { command: 'true' } }], typedSearchAttributes: [{ key: SA.type, value: 'command' }] };
      const open = await client.workflow.start('command', { ...options, workflowId: uniqueTag('stays-open') });
      const ended = await client.workflow.start('command', { ...options, workflowId: uniqueTag('ends') });
      await new Promise((r) => setTimeout(r, 1500));
      const since = new Date();
      await ended.terminate('closed for the test');
      const ids = [open.workflowId, ended.workflowId].map(literal).join(', ');
      const listed = async () => {
        const found: string[] = [];
        for await (const row of client.workflow.list({ query: `${changedSinceQuery(since)} AND WorkflowId IN (${ids})` })) found.push(row.workflowId);
        return found;
      };
      await expect.poll(listed, { timeout: 10_000 }).toContain(ended.workflowId);
      // SQL visibility gives open workflows a CloseTime in the far future: a poll must not take that for a close.
      expect(await listed()).toEqual([ended.workflowId]);
      await open.terminate('done');
    } finally {
      await close();
    }
  });
});
