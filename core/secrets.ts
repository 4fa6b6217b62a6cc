/**
 * Environment values are the secret part of a task's input: Taskdeck's payload codec stores them
 * encrypted (runtime/encryption.ts), and nothing it answers shows them again. The API, and so the
 * web app, show every value of an `env` object, at any depth of an input (a pipeline's tasks, a
 * plugin workflow's arguments), as this mask, whatever its length; the names stay readable.
 */
export const SECRET_MASK = '••••';

/** The input with every `env` value replaced by the mask; the rest as it was. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === 'env' && isObject(inner) ? Object.fromEntries(Object.keys(inner).map((name) => [name, SECRET_MASK])) : maskSecrets(inner)]),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
