import type { Payload, PayloadCodec } from '@temporalio/common';
import type { CodecPayloads } from '../../core/contract';
import { authorizeRead } from '../auth';
import { HttpError } from '../errors';
import type { Handlers } from '../router';

/**
 * Temporal's remote codec protocol on Taskdeck's own codec (runtime/encryption.ts): what the
 * Temporal CLI (`--codec-endpoint`, `--codec-auth`) or a Web UI able to send the token asks to see
 * a history in plain text. Decode only: nothing here encrypts for a caller.
 */
export function codecHandlers(codec: PayloadCodec): Pick<Handlers, 'codecDecode'> {
  return {
    codecDecode: async ({ body, principal }) => {
      authorizeRead(principal, 'secrets');
      let decoded: Payload[];
      try {
        decoded = await codec.decode(body.payloads.map(fromJson));
      } catch (err) {
        throw new HttpError(400, `payloads: ${(err as Error).message}`, 'payloads');
      }
      return { status: 200, body: { payloads: decoded.map(toJson) } };
    },
  };
}

function fromJson({ metadata, data }: CodecPayloads['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(data ?? '', 'base64'),
  };
}

function toJson({ metadata, data }: Payload): CodecPayloads['payloads'][number] {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  };
}
