/** 1-based numbers of the lines containing `query`, case-insensitively, from `firstLine` on. */
export function findMatches(lines: readonly string[], query: string, firstLine = 1): number[] {
  if (!query) return [];
  const needle = query.toLowerCase();
  const matches: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].toLowerCase().includes(needle)) matches.push(firstLine + i);
  return matches;
}

/** A line cut into plain and matching parts, for highlighting. */
export function splitMatches(line: string, query: string): { text: string; match: boolean }[] {
  if (!query) return [{ text: line, match: false }];
  const lower = line.toLowerCase();
  const needle = query.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) parts.push({ text: line.slice(at, i), match: false });
    parts.push({ text: line.slice(i, i + needle.length), match: true });
    at = i + needle.length;
  }
  if (at < line.length || parts.length === 0) parts.push({ text: line.slice(at), match: false });
  return parts;
}

/** The match index after moving `step` from `current`, wrapping at both ends. */
export function stepMatch(current: number, step: 1 | -1, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return step === 1 ? 0 : count - 1;
  return (current + step + count) % count;
}
