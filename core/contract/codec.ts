import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** A Temporal payload as the remote codec protocol sends it: protobuf JSON, bytes in base64. */
const payload = z
  .object({
    metadata: z.record(z.string(), base64).optional().describe('Metadata values in base64, e.g. `encoding`'),
    data: base64.optional().describe('The payload bytes in base64'),
  })
  .describe('A Temporal Payload in protobuf JSON');

/** `POST /codec/decode`: the body and the answer of Temporal's remote codec protocol. */
export const codecPayloads = z.object({ payloads: z.array(payload).max(10_000) });
export type CodecPayloads = z.infer<typeof codecPayloads>;
