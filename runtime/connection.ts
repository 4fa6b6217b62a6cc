import { readFile } from 'node:fs/promises';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { temporalAddress, type Config } from './config';

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

export async function connectClient(config: Config): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect(await connectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { connection, client };
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(config));
}
