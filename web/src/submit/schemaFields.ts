import type { JsonSchema } from '../api/types';

/**
 * Form fields generated from a task type's input schema. The catalog's schemas are flat objects
 * of strings, numbers, booleans, enums, string lists and string maps; anything else is edited
 * as JSON. The API validates again and its errors land on the same fields.
 */
export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'list' | 'map' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  label: string;
  description: string | undefined;
  required: boolean;
  options: string[];
  default: string;
}

export function fieldsOf(schema: JsonSchema): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const kind = kindOf(prop);
    return {
      name,
      kind,
      label: name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
      description: prop.description,
      required: required.has(name),
      options: kind === 'enum' ? (prop.enum ?? []).map(String) : [],
      default: prop.default === undefined ? '' : toText(kind, prop.default),
    };
  });
}

function kindOf(prop: JsonSchema): FieldKind {
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  if (prop.enum) return 'enum';
  if (type === 'string') return 'text';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array' && prop.items?.type === 'string') return 'list';
  if (type === 'object' && typeof prop.additionalProperties === 'object' && prop.additionalProperties.type === 'string' && !prop.properties) return 'map';
  return 'json';
}

function toText(kind: FieldKind, value: unknown): string {
  if (kind === 'list' && Array.isArray(value)) return value.join('\n');
  if (kind === 'map' && value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}=${String(v)}`).join('\n');
  if (kind === 'json') return JSON.stringify(value, null, 2);
  return String(value);
}

/**
 * Turns the form's text values into the input object, with an error per field it cannot read.
 * Empty optional fields are left out so the type's defaults apply.
 */
export function readInput(fields: Field[], values: Record<string, string>): { input: Record<string, unknown>; errors: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name] ?? '';
    if (field.kind === 'boolean') {
      input[field.name] = raw === 'true';
      continue;
    }
    if (raw.trim() === '') {
      if (field.required) errors[field.name] = `${field.label} is required`;
      continue;
    }
    switch (field.kind) {
      case 'number':
      case 'integer': {
        const n = Number(raw);
        if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n))) errors[field.name] = `${field.label} must be a ${field.kind === 'integer' ? 'whole number' : 'number'}`;
        else input[field.name] = n;
        break;
      }
      case 'list':
        input[field.name] = raw.split('\n').map((l) => l.trim()).filter(Boolean);
        break;
      case 'map': {
        const map: Record<string, string> = {};
        for (const [i, line] of raw.split('\n').entries()) {
          if (!line.trim()) continue;
          const eq = line.indexOf('=');
          if (eq <= 0) {
            errors[field.name] = `Line ${i + 1}: write NAME=value`;
            break;
          }
          map[line.slice(0, eq).trim()] = line.slice(eq + 1);
        }
        input[field.name] = map;
        break;
      }
      case 'json':
        try {
          input[field.name] = JSON.parse(raw);
        } catch {
          errors[field.name] = `${field.label} must be valid JSON`;
        }
        break;
      default:
        input[field.name] = raw;
    }
  }
  return { input, errors };
}

/**
 * The API's issues (`{field, message}`, every one of them) on the form's fields: each lands on the
 * field it is about, the longest field its path starts with (`input.urls.2` on the URLs, as "Line
 * 3"), several on one field together. An issue no field shows is kept, with its path, for the
 * form's own message.
 */
export function fieldErrors(issues: readonly { field: string; message: string }[], fields: readonly string[]): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const { field, message } of issues) {
    const owner = fields.filter((f) => field === f || field.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0];
    if (!owner) {
      other.push(field === '(body)' ? message : `${field}: ${message}`);
      continue;
    }
    const rest = field.slice(owner.length + 1);
    const text = !rest ? message : /^\d+$/.test(rest) ? `Line ${Number(rest) + 1}: ${message}` : `${rest}: ${message}`;
    byField[owner] = byField[owner] ? `${byField[owner]}. ${text}` : text;
  }
  return { byField, other };
}

/** A description's `code` spans (the catalog writes them in backticks), to show as code. */
export function inlineCode(text: string): { text: string; code: boolean }[] {
  return text
    .split('`')
    .map((part, i) => ({ text: part, code: i % 2 === 1 }))
    .filter((part) => part.text !== '');
}
