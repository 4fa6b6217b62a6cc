import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, runEntry, stopProcess, waitForHttp } from '../support/stack';
import { api, startTask, temporalClient, uniqueTag, waitFor, type Task } from '../integration/helpers';

const run = uniqueTag('pgvis');
const datasets = ['gamma', 'alpha', 'beta'];
const tasks: Task[] = [];

async function list(base: string, query: string): Promise<{ ids: string[]; total: number }> {
  const res = await api<Task[]>(`/tasks?dataset_id=${run}&${query}`, { base });
  return { ids: res.body.map((t) => t.id), total: Number(res.headers.get('x-total-count')) };
}

beforeAll(async () => {
  tasks.push(
    ...(await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        startTask({ dataset_id: run, dataset: datasets[i % 3], user: i % 2 ? 'ada' : 'grace', name: `vis-${i}`, input: { command: i === 4 ? 'exit 3' : `sleep 0.${i}` } }),
      ),
    )),
  );
  await waitFor('every task to finish', async () => ((await list(inject('apiUrl'), 'status=D&status=F')).total === tasks.length ? true : undefined), 60_000);
});

describe('PostgreSQL visibility', () => {
  it('holds the tasks: their executions are rows of temporal_visibility in PostgreSQL', () => {
    const ids = tasks.map((t) => `'${t.id}'`).join(',');
    const psql = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(inject('postgresPort')), '-U', 'postgres', '-d', 'temporal_visibility', '-tAc', `SELECT count(*) FROM executions_visibility WHERE workflow_id IN (${ids})`], { encoding: 'utf8' });
    expect(psql.stderr).toBe('');
    expect(Number(psql.stdout.trim())).toBe(tasks.length);
  });

  it("answers queries on Taskdeck's search attributes", async () => {
    const { client, close } = await temporalClient();
    try {
      const ids = async (query: string) => {
        const found: string[] = [];
        for await (const execution of client.workflow.list({ query: `TaskdeckDatasetId = '${run}' AND ${query}` })) found.push(execution.workflowId);
        return found.sort();
      };
      expect(await ids(`TaskdeckStatus = 'failed'`)).toEqual([tasks[4].id]);
      expect(await ids(`TaskdeckDataset = 'alpha' AND TaskdeckUser = 'grace'`)).toEqual(tasks.filter((_, i) => i % 3 === 1 && i % 2 === 0).map((t) => t.id).sort());
      expect((await client.workflow.count(`TaskdeckDatasetId = '${run}' AND TaskdeckStatus IN ('completed', 'failed')`)).count).toBe(tasks.length);
    } finally {
      await close();
    }
  });

  it('a freshly started API loads the window from it and sorts and filters like the running ones', async () => {
    const port = await freePort();
    const fresh = runEntry('api/index.ts', {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASKDECK_TASK_QUEUE: inject('taskQueue'),
      TASKDECK_DATA: inject('dataDir'),
      PORT: String(port),
    });
    try {
      const freshUrl = `http://127.0.0.1:${port}`;
      await waitForHttp(`${freshUrl}/healthz`);
      await waitFor('the fresh API to load the tasks', async () => ((await list(freshUrl, '')).total === tasks.length ? true : undefined));
      const queries = ['sort=dataset&order=asc', 'sort=duration&order=desc', 'sort=time&order=asc', 'sort=status', 'status=F', 'dataset=beta&user=ada', 'q=VIS-1'];
      for (const base of [freshUrl, ...inject('apiUrls')]) {
        for (const query of queries) expect(await list(base, query), `${query} via ${base}`).toEqual(await list(inject('apiUrl'), query));
      }
      const byDataset = (await api<Task[]>(`/tasks?dataset_id=${run}&sort=dataset&order=asc`, { base: freshUrl })).body.map((t) => t.dataset);
      expect(byDataset).toEqual(['alpha', 'alpha', 'alpha', 'beta', 'beta', 'beta', 'gamma', 'gamma', 'gamma']);
      expect((await list(freshUrl, 'status=F')).ids).toEqual([tasks[4].id]);
    } finally {
      await stopProcess(fresh);
    }
  });
});

