import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

/** How a workflow was started: the first event of its history (it never changes). */
export async function startedEvent(client: Client, namespace: string, workflowId: string): Promise<temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes | undefined> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  return history?.events?.[0]?.workflowExecutionStartedEventAttributes ?? undefined;
}

/** A workflow's arguments, read from the first event of its history and decoded by the client's codec. */
export async function workflowArguments(client: Client, namespace: string, workflowId: string): Promise<unknown[]> {
  const started = await startedEvent(client, namespace, workflowId);
  return decodeArrayFromPayloads(client.options.loadedDataConverter, started?.input?.payloads);
}

/** A workflow's (first) argument. */
export async function workflowArgument<T>(client: Client, namespace: string, workflowId: string): Promise<T | undefined> {
  const [argument] = (await workflowArguments(client, namespace, workflowId)) as [T | undefined];
  return argument;
}

/** An ID from a name: readable, and unique enough to never collide by chance (`nightly-sync-1a2b3c4d`). */
export function readableId(name: string | undefined, fallback: string): string {
  const slug = (name ?? fallback).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || fallback;
  return `${slug}-${randomUUID().slice(0, 8)}`;
}
