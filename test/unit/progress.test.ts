import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProgressUpdate } from '../../core';
import { LineSplitter, parseProgressLine } from '../../activities/progress';
import { ProgressThrottle, oneAfterAnother } from '../../plugin/src/progressThrottle';

describe('parseProgressLine', () => {
  it('reads a PROGRESS line with a message', () => {
    expect(parseProgressLine('PROGRESS 42 loading shards')).toEqual({ percent: 42, message: 'loading shards' });
  });

  it('reads a PROGRESS line without a message', () => {
    const result = parseProgressLine('PROGRESS 7');
    expect(result).toEqual({ percent: 7 });
    expect(result).not.toHaveProperty('message');
  });

  it('accepts decimals, a percent sign and surrounding whitespace', () => {
    expect(parseProgressLine('PROGRESS 12.5')).toEqual({ percent: 12.5 });
    expect(parseProgressLine('  PROGRESS 40% half way  ')).toEqual({ percent: 40, message: 'half way' });
  });

  it('clamps values above 100', () => {
    expect(parseProgressLine('PROGRESS 150 done')).toEqual({ percent: 100, message: 'done' });
  });

  it('reads a tqdm bar with a description', () => {
    const result = parseProgressLine('shards:  30%|███       | 3/10 [00:01<00:02,  4.99it/s]');
    expect(result?.percent).toBe(30);
    expect(result?.message).toContain('3/10');
    expect(result?.message).toContain('shards');
  });

  it('reads a tqdm bar without a description', () => {
    expect(parseProgressLine('100%|██████████| 10/10 [00:02<00:00,  4.99it/s]')).toEqual({ percent: 100, message: '10/10' });
  });

  it.each(['', 'hello world', 'Got 30% of votes', 'PROGRESSIVE 5', 'PROGRESS', 'PROGRESS abc', 'progress: 5'])(
    'gives undefined for the plain line %j',
    (line) => {
      expect(parseProgressLine(line)).toBeUndefined();
    },
  );
});

describe('LineSplitter', () => {
  function collect(chunks: string[]): string[] {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (const chunk of chunks) splitter.push(chunk, (l) => lines.push(l));
    splitter.end((l) => lines.push(l));
    return lines;
  }

  it('splits on \\n, \\r\\n and \\r within a chunk', () => {
    expect(collect(['a\nb\r\nc\rd\n'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('treats a \r\n split across chunks as one line end', () => {
    expect(collect(['a\r', '\nb\n'])).toEqual(['a', 'b']);
  });

  it('exposes the line being drawn, such as a tqdm bar after its leading \r', () => {
    const splitter = new LineSplitter();
    splitter.push('\r 10%|#  | 1/10', () => undefined);
    expect(splitter.partial).toBe(' 10%|#  | 1/10');
    splitter.push('\r 20%|## | 2/10\r', () => undefined);
    expect(splitter.partial).toBe(' 20%|## | 2/10');
  });

  it('joins a line split across chunks', () => {
    expect(collect(['hel', 'lo\nwor', 'ld\n'])).toEqual(['hello', 'world']);
  });

  it('splits tqdm redraws separated by \\r across chunks', () => {
    expect(collect([' 10%|█', '  |\r 20%|██ ', ' |\r'])).toEqual([' 10%|█  |', ' 20%|██  |']);
  });

  it('holds back the unterminated rest until end() flushes it', () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    splitter.push('one\ntwo', (l) => lines.push(l));
    expect(lines).toEqual(['one']);
    splitter.end((l) => lines.push(l));
    expect(lines).toEqual(['one', 'two']);
  });

  it('end() emits nothing when the stream ended with a newline, and nothing twice', () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    splitter.push('x\n', (l) => lines.push(l));
    splitter.end((l) => lines.push(l));
    splitter.end((l) => lines.push(l));
    expect(lines).toEqual(['x']);
  });

  it('keeps empty lines between consecutive newlines', () => {
    expect(collect(['a\n\nb\n'])).toEqual(['a', '', 'b']);
  });
});

describe('oneAfterAnother', () => {
  it('sends one report after another, so a slow one is never overtaken by the next, and a failed one stops nothing', async () => {
    const arrived: ProgressUpdate[] = [];
    const delays = [30, 0, 0];
    const send = oneAfterAnother(async (u: ProgressUpdate) => {
      await new Promise((done) => setTimeout(done, delays.shift()));
      if (u.percent === 90) throw new Error('lost');
      arrived.push(u);
    });
    const sends = [send({ percent: 83, message: 'page 5 of 6' }), send({ percent: 90 }), send({ percent: 100, message: 'page 6 of 6' })];
    await expect(sends[1]).rejects.toThrow('lost');
    await Promise.all([sends[0], sends[2]]);
    expect(arrived).toEqual([
      { percent: 83, message: 'page 5 of 6' },
      { percent: 100, message: 'page 6 of 6' },
    ]);
  });
});

describe('ProgressThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(intervalMs = 1000) {
    const sent: ProgressUpdate[] = [];
    const send = vi.fn(async (u: ProgressUpdate) => {
      sent.push(u);
    });
    const throttle = new ProgressThrottle(send, intervalMs, () => Date.now());
    return { sent, send, throttle };
  }

  it('sends the first report at once', () => {
    const { sent, throttle } = setup();
    throttle.report({ percent: 1 });
    expect(sent).toEqual([{ percent: 1 }]);
  });

  it('coalesces reports within the interval and delivers the latest after it', () => {
    const { sent, throttle } = setup();
    throttle.report({ percent: 1 });
    vi.advanceTimersByTime(100);
    throttle.report({ percent: 2 });
    throttle.report({ percent: 3, message: 'three' });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(899);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([{ percent: 1 }, { percent: 3, message: 'three' }]);
    expect(throttle.current).toEqual({ percent: 3, message: 'three' });
  });

  it('does not resend the same whole percent and message', () => {
    const { sent, throttle } = setup();
    throttle.report({ percent: 30.2, message: 'm' });
    vi.advanceTimersByTime(5000);
    throttle.report({ percent: 30.9, message: 'm' });
    vi.advanceTimersByTime(5000);
    throttle.flush();
    expect(sent).toEqual([{ percent: 30.2, message: 'm' }]);
  });

  it('sends a new message only with the next whole-percent change', () => {
    const { sent, throttle } = setup();
    throttle.report({ percent: 30, message: 'a' });
    vi.advanceTimersByTime(1000);
    throttle.report({ percent: 30, message: 'b' });
    expect(sent.map((u) => u.message)).toEqual(['a']);
    expect(throttle.current?.message).toBe('b');
    throttle.report({ percent: 31, message: 'c' });
    expect(sent.map((u) => u.message)).toEqual(['a', 'c']);
  });

  it('never sends more than about 100 times, however long the work reports', () => {
    const { sent, throttle } = setup(1000);
    // 10,000 reports over 10,000 s, every message different.
    for (let i = 0; i < 10_000; i++) {
      throttle.report({ percent: (i / 10_000) * 100, message: `item ${i}` });
      vi.advanceTimersByTime(1000);
    }
    throttle.flush();
    expect(sent.length).toBeLessThanOrEqual(101);
  });

  it('flush() delivers the latest at once and cancels the trailing send', () => {
    const { sent, throttle } = setup();
    throttle.report({ percent: 1 });
    throttle.report({ percent: 50 });
    throttle.flush();
    expect(sent).toEqual([{ percent: 1 }, { percent: 50 }]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(2);
  });

  it('stop() cancels the trailing send', () => {
    const { sent, throttle } = setup();
    throttle.report({ percent: 1 });
    throttle.report({ percent: 2 });
    throttle.stop();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([{ percent: 1 }]);
  });

  it('a failing send does not throw', async () => {
    const throttle = new ProgressThrottle(() => Promise.reject(new Error('lost')), 1000, () => Date.now());
    expect(() => throttle.report({ percent: 1 })).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
  });

  it('sends at most once per interval under 10,000 rapid reports', () => {
    const { sent, throttle } = setup(1000);
    const sendTimes: number[] = [];
    const start = Date.now();
    for (let i = 0; i < 10_000; i++) {
      throttle.report({ percent: (i / 10_000) * 100, message: `step ${i}` });
      const before = sent.length;
      vi.advanceTimersByTime(1); // 10,000 reports over 10 s
      if (sent.length > before) sendTimes.push(Date.now());
    }
    throttle.flush();
    for (let i = 1; i < sendTimes.length; i++) {
      expect(sendTimes[i] - sendTimes[i - 1]).toBeGreaterThanOrEqual(1000);
    }
    // 10 s of reports: about one send per second, plus the first and the final flush.
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(12);
    const last = sent[sent.length - 1];
    expect(last.message).toBe('step 9999');
    expect(last.percent).toBeCloseTo(99.99);
    expect(Date.now() - start).toBe(10_000);
  });

  it('sends only once for 10,000 reports in the same instant, then the latest after the interval', () => {
    const { sent, throttle } = setup(1000);
    for (let i = 0; i < 10_000; i++) throttle.report({ percent: i % 100, message: `m${i}` });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ percent: 99, message: 'm9999' });
  });
});
