import { parse } from 'csv-parse/sync';
import { userError } from './job';

export interface MetadataRow {
  /** Where the row is in the file, for error messages: `line 4` or `item 2 (line 9)`. */
  where: string;
  file: string;
  fields: Record<string, unknown>;
}

const invalid = (detail: string) => userError(`Invalid metadata format: ${detail}. Fix the file and retry.`);

/**
 * Parses custom metadata. CSV: a header row with a `file` column (the media's original name or
 * ID), one row per item. JSON: an array of objects, each with `file`. Errors name the line.
 */
export function parseMetadata(text: string, format: 'csv' | 'json'): MetadataRow[] {
  return format === 'csv' ? parseCsv(text) : parseJson(text);
}

function parseCsv(text: string): MetadataRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (err) {
    // csv-parse names the line itself ("... on line 3").
    throw invalid((err as Error).message);
  }
  if (records.length === 0) throw invalid('the CSV has no data rows under its header (line 1)');
  if (!('file' in records[0].record)) throw invalid(`line 1: the header has no "file" column (columns: ${Object.keys(records[0].record).join(', ')})`);
  return records.map(({ record, info }) => {
    const { file, ...fields } = record;
    if (!file) throw invalid(`line ${info.lines}: the "file" column is empty`);
    return { where: `line ${info.lines}`, file, fields };
  });
}

function parseJson(text: string): MetadataRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`${jsonErrorLine(text, (err as Error).message)}: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) throw invalid('line 1: the JSON must be an array of objects, each with "file"');
  const lines = itemLines(text);
  return value.map((item, i) => {
    const where = `item ${i + 1} (line ${lines[i] ?? '?'})`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid(`${where}: each item must be an object`);
    const { file, ...fields } = item as Record<string, unknown>;
    if (typeof file !== 'string' || !file) throw invalid(`${where}: "file" must be a non-empty string`);
    return { where, file, fields };
  });
}

function lineAt(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

function jsonErrorLine(text: string, message: string): string {
  const line = /line (\d+)/.exec(message);
  if (line) return `line ${line[1]}`;
  const position = /position (\d+)/.exec(message);
  return position ? `line ${lineAt(text, Number(position[1]))}` : `line ${text.split('\n').length}`;
}

/** The line where each top-level array item starts (the JSON parsed, so a shallow scan is safe). */
function itemLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      if (depth === 1) lines.push(lineAt(text, i));
    } else if (ch === '[' || ch === '{') {
      if (depth === 1) lines.push(lineAt(text, i));
      depth++;
    } else if (ch === ']' || ch === '}') depth--;
    else if (depth === 1 && /[-0-9tfn]/.test(ch)) {
      lines.push(lineAt(text, i));
      while (i + 1 < text.length && /[^,\]\s]/.test(text[i + 1])) i++;
    }
  }
  return lines;
}
