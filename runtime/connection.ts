import { readFile } from 'node:fs/promises';
import { Client, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { temporalAddress, type Config } from './config';
import { KEYS_SETTING, taskdeckDataConverter } from './encryption';

/** Connection options shared by the client and the worker: address, TLS, API key. */
async function connectionOptions(config: Config): Promise<ConnectionOptions & NativeConnectionOptions> {
  const t = config.temporal;
  const options: ConnectionOptions & NativeConnectionOptions = { address: temporalAddress(config) };
  if (t.apiKey) options.apiKey = t.apiKey;
  if (t.tls) {
    options.tls = {
      serverNameOverride: t.tlsServerName,
      serverRootCACertificate: t.tlsCa ? await readFile(t.tlsCa) : undefined,
      clientCertPair:
        t.tlsCert && t.tlsKey ? { crt: await readFile(t.tlsCert), key: await readFile(t.tlsKey) } : undefined,
    };
  }
  return options;
}

/**
 * The one connection a process needs: a NativeConnection, whose gRPC runs in the SDK's Rust core
 * on its own threads rather than in JavaScript on the event loop (about 40 % less CPU per workflow
 * start than the client's default `Connection`, in `npm run bench` figure 3). The worker runs its
 * Workers on it and the client of its activities; the API serves every Temporal call through it.
 * The client, and the Workers given `dataConverter`, encrypt environment values with the keys of
 * the configuration (runtime/encryption.ts).
 */
export async function connectTemporal(config: Config): Promise<{ connection: NativeConnection; client: Client; dataConverter: DataConverter }> {
  const connection = await NativeConnection.connect(await connectionOptions(config));
  const dataConverter = taskdeckDataConverter(config.encryption?.keys);
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  return { connection, client, dataConverter };
}

/** What a worker or API says at start about secrets: which key encrypts, or that nothing does. */
export function encryptionNotice(config: Config): string {
  const e = config.encryption;
  if (!e) {
    return `WARNING: no encryption key (${KEYS_SETTING}, or ${config.dataDir}/encryption.keys): task environment values are stored in plain text in Temporal; see docs/deployment.md#secrets`;
  }
  return `environment values encrypted with key ${e.keys[0].id} (${e.keys.length} key${e.keys.length > 1 ? 's' : ''} from ${e.source})`;
}
