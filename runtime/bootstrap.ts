import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import Long from 'long';
import { ALL_SEARCH_ATTRIBUTES } from '../core';

const RETENTION_SECONDS = 14 * 24 * 3600;

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

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

async function registerSearchAttributes(connection: ConnectionLike, namespace: string, log: Log): Promise<void> {
  const missing = async (): Promise<typeof ALL_SEARCH_ATTRIBUTES> => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  };
  const absent = await missing();
  if (absent.length === 0) return;
  const searchAttributes = Object.fromEntries(absent.map((key) => [key.name, INDEXED_TYPE[key.type]]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    log(`taskdeck: registered search attributes ${absent.map((k) => k.name).join(', ')} in ${namespace}`);
  } catch (err) {
    // Another process may have registered them a moment ago; only a real gap is an error.
    const still = await missing();
    if (still.length > 0) {
      throw new Error(
        `Search attributes ${still.map((k) => `${k.name} (${k.type})`).join(', ')} are missing in namespace ` +
          `${namespace} and could not be registered: ${(err as Error).message}. ` +
          `Register them with \`temporal operator search-attribute create\` (or tcld on Temporal Cloud).`,
      );
    }
  }
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
