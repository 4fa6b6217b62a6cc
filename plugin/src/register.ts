import type { ConnectionLike } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from './searchAttributes';

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/**
 * Registers Taskdeck's search attributes in a namespace where they are missing; safe to run from
 * every worker at once. Works on any self-hosted cluster (the OperatorService); where the cluster
 * refuses (Temporal Cloud manages attributes through its own control plane) it fails naming each
 * attribute to create, and its type.
 */
export async function registerSearchAttributes(connection: ConnectionLike, namespace: string, log: (message: string) => void = console.log): Promise<void> {
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
