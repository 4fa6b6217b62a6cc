import { describe, expect, it } from 'vitest';
import { literal } from '../../api/visibilityQuery';

/**
 * Reads one single-quoted literal with backslash escapes from the start of `text`, as the
 * visibility query parser does; returns the value and where the literal ended.
 */
function readLiteral(text: string): { value: string; end: number } {
  expect(text[0]).toBe("'");
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      value += text[++i];
    } else if (c === "'") {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw new Error('unterminated literal');
}

describe('literal', () => {
  it('quotes a plain value', () => {
    expect(literal('command')).toBe("'command'");
  });

  it('escapes single quotes and backslashes', () => {
    expect(literal("it's")).toBe("'it\\'s'");
    expect(literal('a\\b')).toBe("'a\\\\b'");
  });

  it.each([
    '',
    "'",
    "x' OR WorkflowType = 'y",
    "' OR 1=1 --",
    '\\',
    "\\'",
    "\\\\' OR '1'='1",
    'trailing\\',
    '"double"',
  ])('keeps %j inside one literal', (value) => {
    const text = literal(value);
    const parsed = readLiteral(text);
    expect(parsed.end).toBe(text.length);
    expect(parsed.value).toBe(value);
  });

  it('keeps the rest of a query intact after a hostile value', () => {
    const query = `Tag = ${literal("x\\' OR 1=1")} AND Done = 'no'`;
    const parsed = readLiteral(query.slice('Tag = '.length));
    expect(parsed.value).toBe("x\\' OR 1=1");
    expect(query.slice('Tag = '.length + parsed.end)).toBe(" AND Done = 'no'");
  });
});
