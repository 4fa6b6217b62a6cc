import type { ConnectionLike } from '@temporalio/client';
import Long from 'long';
import { registerSearchAttributes } from '../plugin/src/register';

const RETENTION_SECONDS = 14 * 24 * 3600;

type Log = (message: string) => void;

/**
 * Prepares a namespace for Taskdeck; safe to run from every worker and API process at once.
 * Registers the search attributes through the OperatorService (works on any self-hosted
 * cluster, not only a dev server started with flags) and sets retention to 14 days. Where the
 * cluster refuses (Temporal Cloud manages both through its own control plane), it says what to
 * do and fails only if attributes are really missing.
 */
export async function bootstrapNamespace(connection: ConnectionLike, namespace: string, log: Log = console.log): Promise<void> {
  await registerSearchAttributes(connection, namespace, log);
  await setRetention(connection, namespace, log);
}

async function setRetention(connection: ConnectionLike, namespace: string, log: Log): Promise<void> {
  const described = await connection.workflowService.describeNamespace({ namespace });
  const current = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
  if (current === RETENTION_SECONDS) return;
  try {
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: { seconds: Long.fromNumber(RETENTION_SECONDS) } },
    });
    log(`taskdeck: set retention of ${namespace} to 14 days (was ${Math.round(current / 3600)} h)`);
  } catch (err) {
    log(
      `taskdeck: could not set retention of ${namespace} to 14 days (${(err as Error).message}); ` +
        `tasks are kept ${Math.round(current / 3600)} h. Set it with \`temporal operator namespace update --retention 14d\`.`,
    );
  }
}
