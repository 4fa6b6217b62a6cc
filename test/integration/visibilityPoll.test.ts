import { describe, expect, it } from 'vitest';
import { changedSinceQuery, literal } from '../../api/visibilityQuery';
import { temporalClient, uniqueTag } from './helpers';

/** The API's delta poll, asked of the real server's visibility (SQLite in the dev server). */
describe("the task index's delta poll", () => {
  it('lists a task that closed since the last poll, and not one that merely stays open', async () => {
    const { client, close } = await temporalClient();
    try {
      // On a queue no worker polls: the first stays open, the second is closed by the server.
      const open = await client.workflow.start('command', { taskQueue: uniqueTag('nobody'), workflowId: uniqueTag('stays-open'), args: [{ input: { command: 'true' } }] });
      const ended = await client.workflow.start('command', { taskQueue: uniqueTag('nobody'), workflowId: uniqueTag('ends'), args: [{ input: { command: 'true' } }] });
      await new Promise((r) => setTimeout(r, 1500));
      const since = new Date();
      await ended.terminate('closed for the test');
      const ids = [open.workflowId, ended.workflowId].map(literal).join(', ');
      const listed = async () => {
        const found: string[] = [];
        for await (const row of client.workflow.list({ query: `${changedSinceQuery(['command'], since)} AND WorkflowId IN (${ids})` })) found.push(row.workflowId);
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
