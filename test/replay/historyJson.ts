import { createRequire } from 'node:module';
import * as sdk from '@temporalio/common/lib/proto-utils';
import type { History } from '@temporalio/common/lib/proto-utils';
import type * as proto from '@temporalio/proto';
import type { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * History <-> proto3 JSON, the form `temporal workflow show --output json` and the Web UI export.
 *
 * The SDK's own `historyToJSON` / `historyFromJSON` (@temporalio/common/lib/proto-utils) are the
 * first choice. In this install they throw `TypeError: type must be a Type`: @grpc/proto-loader
 * pins protobufjs 7 at the top of node_modules, so @temporalio/common, /proto and /worker each got
 * their own nested protobufjs 8, and common's protojson refuses a message type built by proto's
 * copy (an `instanceof` across copies). The fallback runs the very same protojson code, but from
 * the copy @temporalio/proto's types were built with; the JSON is the same either way. Once the
 * install has one protobufjs 8 the SDK's functions work and the fallback is never reached.
 */

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History | null;
}

const CROSS_COPY_ERROR = 'type must be a Type';
const isCrossCopyError = (err: unknown): boolean => err instanceof TypeError && err.message === CROSS_COPY_ERROR;

interface Fallback {
  protojson: ProtoJson;
  historyType: unknown;
  History: typeof proto.temporal.api.history.v1.History;
}

let fallback: Fallback | undefined;
function protoOwnCopy(): Fallback {
  if (!fallback) {
    // Plain require, as the SDK loads them: an ES namespace import (vitest) would hide the protobuf root's namespaces.
    const here = createRequire(__filename);
    const root = here('@temporalio/proto') as typeof proto;
    const { patchProtobufRoot: patch } = here('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot: typeof patchProtobufRoot };
    const patched = patch(root as unknown as Record<string, unknown>) as unknown as { lookupType(name: string): unknown };
    fallback = {
      protojson: createRequire(here.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson,
      historyType: patched.lookupType('temporal.api.history.v1.History'),
      History: root.temporal.api.history.v1.History,
    };
  }
  return fallback;
}

export function historyToJSON(history: History): string {
  try {
    return sdk.historyToJSON(history);
  } catch (err) {
    if (!isCrossCopyError(err)) throw err;
    const { protojson, historyType, History } = protoOwnCopy();
    return JSON.stringify(protojson.toJson(historyType, History.fromObject(history)), null, 2);
  }
}

/**
 * A decoded History, which the replayer takes as is. Given the parsed JSON instead, the replayer
 * would call the SDK's historyFromJSON itself, and fail the same way in this install.
 */
export function historyFromJSON(json: unknown): History {
  try {
    return sdk.historyFromJSON(json);
  } catch (err) {
    if (!isCrossCopyError(err)) throw err;
    const { protojson, historyType } = protoOwnCopy();
    // Files written by historyToJSON above are already canonical proto3 JSON: none of the SDK's
    // enum-name repairs (for older tctl exports) are needed.
    const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
    if (!history) throw new TypeError('Invalid history');
    return history;
  }
}
