import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { LOG_PAGE_SIZE } from '../../../core/logs';
import { api, logDownloadUrl } from '../api/client';
import type { LogStream } from '../api/types';
import { findMatches, splitMatches, stepMatch } from '../lib/search';
import { useLiveLog, usePagedLog } from './useLogLines';

const STREAMS: LogStream[] = ['stdout', 'stderr'];
const ROW_HEIGHT = 20;
const SEARCH_AFTER_MS = 250;

interface Props {
  taskId: string;
  /** Whether the task had finished when the viewer (re)loaded: paged if so, live if not. */
  finished: boolean;
}

/**
 * stdout/stderr with line counts. A running task streams live (with follow mode); a finished
 * one reads 500 lines a page. Rows are virtualized, so 100,000 lines scroll smoothly, and the
 * search covers the whole log, not only the rows on screen.
 */
export function LogViewer({ taskId, finished }: Props) {
  const [stream, setStream] = useState<LogStream>('stdout');
  const [reloadKey, setReloadKey] = useState(0);
  const [paged, setPaged] = useState(finished);
  const [page, setPage] = useState(1);
  const [follow, setFollow] = useState(true);
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(-1);

  const live = useLiveLog(taskId, stream, !paged, reloadKey);
  const pages = usePagedLog(taskId, stream, page, paged, reloadKey);
  const log = paged ? pages : live;

  /** A new query starts from no current match. */
  const search = (next: string) => {
    setQuery(next);
    setCurrent(-1);
  };
  useEffect(() => {
    if (draft.trim() === query) return;
    const timer = window.setTimeout(() => {
      setQuery(draft.trim());
      setCurrent(-1);
    }, SEARCH_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [draft, query]);

  // Paged logs are searched on the server, over every page; live logs hold all their lines here.
  const searchKey = `${taskId}|${stream}|${query}|${reloadKey}`;
  const [found, setFound] = useState<{ key: string; matches: number[]; truncated: boolean }>();
  useEffect(() => {
    if (!paged || !query) return;
    const controller = new AbortController();
    api.logSearch(taskId, stream, query, controller.signal).then(
      (result) => setFound({ key: searchKey, matches: result.matches, truncated: result.truncated }),
      () => undefined,
    );
    return () => controller.abort();
  }, [paged, taskId, stream, query, searchKey]);
  const serverMatches = found?.key === searchKey ? found : { matches: [], truncated: false };
  const liveMatches = useMemo(() => (paged ? [] : findMatches(live.lines, query)), [paged, live.lines, query]);
  const matches = paged ? serverMatches.matches : liveMatches;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: log.lines.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 30 });

  // Follow mode: stay at the newest line as lines arrive.
  useEffect(() => {
    if (!paged && follow && log.lines.length > 0) virtualizer.scrollToIndex(log.lines.length - 1, { align: 'end' });
  }, [paged, follow, log.lines.length, virtualizer]);

  // A search that finds something starts on its first match, as the highlight shows it: the
  // counter reads 1 / N, and Next goes on to the second. Once per search: after the user turns a
  // page or the stream, the viewer stays where they went.
  const firstMatchOf = useRef('');
  const firstMatch = matches.length > 0 ? matches[0] : undefined;
  useEffect(() => {
    if (!query || firstMatch === undefined || firstMatchOf.current === searchKey) return;
    firstMatchOf.current = searchKey;
    setFollow(false);
    setCurrent(0);
    if (paged) setPage(Math.ceil(firstMatch / LOG_PAGE_SIZE));
  }, [query, firstMatch, searchKey, paged]);

  const currentLine = current >= 0 ? matches[current] : undefined;
  useEffect(() => {
    if (currentLine === undefined || pages.loading) return;
    const row = currentLine - log.firstLine;
    if (row >= 0 && row < log.lines.length) virtualizer.scrollToIndex(row, { align: 'center' });
  }, [currentLine, log.firstLine, log.lines.length, pages.loading, virtualizer]);

  /** Moves to the next or previous match, turning to its page when the log is paged. */
  const go = (step: 1 | -1) => {
    setFollow(false);
    const next = stepMatch(current, step, matches.length);
    setCurrent(next);
    if (paged && next >= 0) setPage(Math.ceil(matches[next] / LOG_PAGE_SIZE));
  };
  const turnPage = (next: number) => {
    setCurrent(-1);
    setPage(next);
  };

  const switchStream = (next: LogStream) => {
    setStream(next);
    setPage(1);
    setCurrent(-1);
  };
  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = STREAMS[(STREAMS.indexOf(stream) + 1) % STREAMS.length];
    switchStream(next);
    document.getElementById(`log-tab-${next}`)?.focus();
  };
  const reload = () => {
    setPaged(finished);
    setReloadKey((k) => k + 1);
  };

  return (
    <section className="card log-viewer" aria-labelledby="logs-title">
      <header className="log-toolbar">
        <h2 id="logs-title">Logs</h2>
        <div role="tablist" aria-label="Log stream" className="tabs" onKeyDown={onTabKey}>
          {STREAMS.map((s) => (
            <button
              key={s}
              id={`log-tab-${s}`}
              type="button"
              role="tab"
              aria-selected={stream === s}
              aria-controls="log-panel"
              tabIndex={stream === s ? 0 : -1}
              onClick={() => switchStream(s)}
            >
              {s} <span className="count" data-testid={`count-${s}`}>{log.counts[s].toLocaleString()}</span>
            </button>
          ))}
        </div>
        <div className="log-search" role="search">
          <input
            type="search"
            aria-label="Search the log"
            placeholder="Search the log"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault();
              if (draft.trim() !== query) search(draft.trim());
              else go(e.shiftKey ? -1 : 1);
            }}
          />
          <span className="match-count" aria-live="polite" data-testid="match-count">
            {query ? `${current >= 0 ? current + 1 : 0} / ${matches.length}${paged && serverMatches.truncated ? '+' : ''}` : ''}
          </span>
          <button type="button" className="icon-button" aria-label="Previous match" disabled={matches.length === 0} onClick={() => go(-1)}>
            ▲
          </button>
          <button type="button" className="icon-button" aria-label="Next match" disabled={matches.length === 0} onClick={() => go(1)}>
            ▼
          </button>
        </div>
        <div className="log-actions">
          {!paged && (
            <label className="toggle">
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
            </label>
          )}
          <a className="button" href={logDownloadUrl(taskId, stream)} download={`${taskId}-${stream}.log`}>
            Download
          </a>
          <button type="button" className="button" onClick={reload}>
            Reload
          </button>
        </div>
      </header>
      {log.error && <p className="banner banner-error">{log.error}</p>}
      <div
        id="log-panel"
        role="tabpanel"
        aria-label={`${stream} lines`}
        className="log-lines"
        ref={scroller}
        tabIndex={0}
        onWheel={(e) => e.deltaY < 0 && setFollow(false)}
        onKeyDown={(e) => ['ArrowUp', 'PageUp', 'Home'].includes(e.key) && setFollow(false)}
      >
        {log.lines.length === 0 ? (
          <p className="log-empty">{log.loading ? 'Loading…' : paged || live.ended ? `No ${stream} output.` : `Waiting for ${stream} output…`}</p>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const number = log.firstLine + item.index;
              return (
                <LogLine
                  key={item.key}
                  number={number}
                  text={log.lines[item.index]}
                  query={query}
                  current={number === currentLine}
                  top={item.start}
                />
              );
            })}
          </div>
        )}
      </div>
      {paged && (
        <nav className="pager" aria-label="Log pages">
          <span className="pager-count">
            Lines {log.lines.length ? `${log.firstLine.toLocaleString()}–${(log.firstLine + log.lines.length - 1).toLocaleString()}` : '0'} of{' '}
            {log.counts[stream].toLocaleString()}
          </span>
          <button type="button" className="button" disabled={page <= 1} onClick={() => turnPage(1)}>
            « First
          </button>
          <button type="button" className="button" disabled={page <= 1} onClick={() => turnPage(page - 1)}>
            ‹ Previous
          </button>
          <span>
            Page {page} of {log.totalPages}
          </span>
          <button type="button" className="button" disabled={page >= log.totalPages} onClick={() => turnPage(page + 1)}>
            Next ›
          </button>
          <button type="button" className="button" disabled={page >= log.totalPages} onClick={() => turnPage(log.totalPages)}>
            Last »
          </button>
        </nav>
      )}
    </section>
  );
}

const LogLine = memo(function LogLine({ number, text, query, current, top }: { number: number; text: string; query: string; current: boolean; top: number }) {
  return (
    <div className={current ? 'log-line log-line-current' : 'log-line'} style={{ transform: `translateY(${top}px)` }} data-line={number}>
      <span className="log-number" aria-hidden="true">
        {number}
      </span>
      <span className="log-text">
        {splitMatches(text, query).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : part.text))}
      </span>
    </div>
  );
});
