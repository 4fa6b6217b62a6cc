import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SECRET_MASK } from '../../core';
import { KEYS_FILE } from '../../runtime/encryption';
import { runEntry, stopProcess } from '../support/stack';
import { api, startExtraApi, startTask, temporalClient, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

/**
 * Environment values are secrets: the suite's stack runs, as `npm start` does, with an encryption
 * key in its data folder, and these tests look at what Temporal actually stored.
 */

interface Detail extends Task {
  input: { command: string; env?: Record<string, string> };
}

const unique = (label: string): string => `${label}-${randomBytes(6).toString('hex')}`;

/** The dev server's SQLite file (test/support/stack.ts puts it in the data folder). */
const DB_FILE = join(inject('dataDir'), 'temporal.db');

/** Everything the dev server has written: its SQLite file and the write-ahead log beside it. */
function storedBytes(): Buffer {
  return Buffer.concat([DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
}

/** The key id the first payload of a workflow's input was encrypted with, as stored. */
async function storedKeyId(workflowId: string): Promise<string | undefined> {
  const { client, close } = await temporalClient();
  try {
    const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, maximumPageSize: 1 });
    const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const id = payload?.metadata?.['encryption-key-id'];
    return id ? Buffer.from(id).toString('utf8') : undefined;
  } finally {
    await close();
  }
}

describe('an environment value given to a task', () => {
  it('reaches the command, shows masked in the API, and is stored encrypted with the current key', async () => {
    const secret = unique('s3cret');
    const out = join(inject('dataDir'), `${unique('secret-out')}.txt`);
    const task = await startTask({ tag: uniqueTag('secret'), name: 'uses a token', input: { command: `printf %s "$API_TOKEN" > ${out}`, env: { API_TOKEN: secret } } });
    await waitForStatus(task.id, ['completed']);

    // The command saw the real value.
    expect(readFileSync(out, 'utf8')).toBe(secret);

    // The API shows the variable's name, never its value.
    const detail = await api<Detail>(`/tasks/${task.id}`);
    expect(detail.body.input).toEqual({ command: `printf %s "$API_TOKEN" > ${out}`, env: { API_TOKEN: SECRET_MASK } });
    expect(JSON.stringify(detail.body)).not.toContain(secret);
    expect(JSON.stringify((await api(`/tasks?tag=${task.tag}`)).body)).not.toContain(secret);

    // What the Temporal CLI and Web UI show of the task is ciphertext, under the stack's key.
    expect(await storedKeyId(task.id)).toMatch(/^k\d{8}-[0-9a-f]{4}$/);
    const shown = execFileSync(inject('temporalCli'), ['workflow', 'show', '--workflow-id', task.id, '--address', inject('temporalAddress'), '-o', 'json'], { encoding: 'utf8' });
    expect(shown).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain(Buffer.from(secret).toString('base64'));
  });

  // The dev server's database; the cluster suite's Temporal keeps it in PostgreSQL instead.
  it.runIf(existsSync(DB_FILE))('is absent from the dev server SQLite file, where readable payloads and the task itself are', async () => {
    const secret = unique('s3cret');
    const readable = unique('readable-marker');
    const tag = uniqueTag('sqlite');
    const task = await startTask({ tag, input: { command: 'true', env: { API_TOKEN: secret } } });
    const plain = await startTask({ tag, input: { command: `echo ${readable}` } });
    await waitForStatus(task.id, ['completed']);
    await waitForStatus(plain.id, ['completed']);

    // Temporal's database holds the task (its tag, a search attribute) and the other task's
    // readable input, but the secret only as ciphertext.
    const stored = storedBytes();
    expect(stored.includes(tag)).toBe(true);
    expect(stored.includes(readable)).toBe(true);
    expect(stored.includes('binary/encrypted')).toBe(true);
    expect(stored.includes(secret)).toBe(false);
    expect(await storedKeyId(plain.id)).toBeUndefined();
  });
});

describe('the codec endpoint', () => {
  it("lets an operator read a task's secret with the Temporal CLI, and refuses a user", async () => {
    const tokens = { ada: 'codec-ada-0123456789', olga: 'codec-olga-0123456789' };
    const extra = await startExtraApi({ TASKDECK_AUTH_TOKENS: `${tokens.ada}:ada:user,${tokens.olga}:olga:operator` });
    try {
      const secret = unique('s3cret');
      const task = await startTask({ tag: uniqueTag('codec'), input: { command: 'true', env: { API_TOKEN: secret } } });
      await waitForStatus(task.id, ['completed']);
      const show = (token: string) =>
        execFileSync(
          inject('temporalCli'),
          ['workflow', 'show', '--workflow-id', task.id, '--address', inject('temporalAddress'), '-o', 'json', '--codec-endpoint', `${extra.base}/codec`, '--codec-auth', `Bearer ${token}`],
          { encoding: 'utf8', stdio: 'pipe' },
        );
      const history = JSON.parse(show(tokens.olga)) as { events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { metadata: Record<string, string>; data: string }[] } } }[] };
      const [input] = history.events[0].workflowExecutionStartedEventAttributes!.input.payloads;
      expect(Buffer.from(input.metadata.encoding, 'base64').toString()).toBe('json/plain');
      expect(Buffer.from(input.data, 'base64').toString()).toContain(`"API_TOKEN":"${secret}"`);
      // The CLI gives up on a codec that refuses it; it shows the user nothing of the secret.
      let refused = '';
      try {
        show(tokens.ada);
      } catch (err) {
        refused = `${(err as Error).message}${(err as { stdout?: string }).stdout ?? ''}`;
      }
      expect(refused).toMatch(/Command failed/);
      expect(refused).not.toContain(secret);
    } finally {
      await extra.stop();
    }
  });
});

describe('a key rotation', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop()));
  });

  it('still reads and retries a task encrypted with the old key, and encrypts what follows with the new one', async () => {
    // The suite's key, made by the stack as `npm start` makes it, is the old one.
    const oldLine = readFileSync(join(inject('dataDir'), KEYS_FILE), 'utf8').split('\n').find((line) => line && !line.startsWith('#'))!;
    const oldId = oldLine.split(':')[0];
    const newId = unique('rotated');
    const keys = `${newId}:${randomBytes(32).toString('base64')},${oldLine}`;

    const secret = unique('s3cret');
    const dir = inject('dataDir');
    const command = `printf %s "$DB_PASSWORD" > ${dir}/rotation-$TASKDECK_TASK_ID.txt`;
    const before = await startTask({ tag: uniqueTag('rotation'), input: { command, env: { DB_PASSWORD: secret } } });
    await waitForStatus(before.id, ['completed']);
    expect(await storedKeyId(before.id)).toBe(oldId);

    // A worker and an API with the rotated list, on a queue of their own: the suite's worker knows
    // only the old key.
    const queue = 'taskdeck-rotation';
    const worker = runEntry('worker/index.ts', { TASKDECK_DATA: dir, TASKDECK_TASK_QUEUE: queue, TEMPORAL_ADDRESS: inject('temporalAddress'), TASKDECK_ENCRYPTION_KEYS: keys });
    stops.push(() => stopProcess(worker));
    const rotated = await startExtraApi({ TASKDECK_TASK_QUEUE: queue, TASKDECK_ENCRYPTION_KEYS: keys });
    stops.push(rotated.stop);

    const old = await api<Detail>(`/tasks/${before.id}`, { base: rotated.base });
    expect(old.status).toBe(200);
    expect(old.body.input).toEqual({ command, env: { DB_PASSWORD: SECRET_MASK } });

    // The retry carries the secret over: read with the old key, written with the new one.
    const retry = await api<Task>(`/tasks/${before.id}/retry`, { method: 'POST', base: rotated.base });
    expect(retry.status).toBe(201);
    // Asked of the rotated API: the suite's cannot read what the new key encrypted.
    await waitFor('the retry to complete', async () => (await api<Task>(`/tasks/${retry.body.id}`, { base: rotated.base })).body.status === 'completed', 60_000);
    expect(readFileSync(join(dir, `rotation-${retry.body.id}.txt`), 'utf8')).toBe(secret);
    expect(await storedKeyId(retry.body.id)).toBe(newId);
    // A worker of its own starts (and bundles the workflows) in the middle: slow on a busy machine.
  }, 240_000);
});
