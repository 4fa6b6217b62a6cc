import { describe, expect, it } from 'vitest';
import { MAX_GRAPH_DEPTH } from '../../core/graph';
import { depthNotice, graphViewFromUrl } from '../../web/src/graph/graphView';
import { outcomeSummary } from '../../web/src/lib/outcomes';
import { fieldErrors, inlineCode } from '../../web/src/submit/schemaFields';
import { DEFAULT_VIEW, activeFilters, viewFromUrl, viewToApiQuery, viewToUrl } from '../../web/src/tasks/filters';

/** The web app's pure parts behind what a new user saw: chips, outcomes, the graph's depth, the form's errors. */

describe('the active filters of the table, as chips', () => {
  const label = (id: string) => ({ command: 'Command', media_addition: 'Media Addition' })[id] ?? id;

  it('names every filter that narrows the table, a batch or a pipeline too, each with what removing it leaves', () => {
    const view = viewFromUrl(new URLSearchParams('batch=nightly-sync-1a2b&pipeline=etl-9&status=failed&status=aborted&dataset=Birds&task_type=media_addition&within_hours=24'));
    const chips = activeFilters(view, label);
    expect(chips.map((c) => c.text)).toEqual([
      'Last 24h',
      'Task: Media Addition',
      'Dataset: Birds',
      'Status: Failed',
      'Status: Aborted',
      'Batch: nightly-sync-1a2b',
      'Pipeline: etl-9',
    ]);
    const withoutBatch = { ...view, ...chips.find((c) => c.text.startsWith('Batch'))!.remove };
    expect(viewToUrl(withoutBatch).get('batch')).toBeNull();
    expect(viewToUrl(withoutBatch).get('pipeline')).toBe('etl-9');
    const withoutFailed = { ...view, ...chips.find((c) => c.text === 'Status: Failed')!.remove };
    expect(withoutFailed.status).toEqual(['aborted']);
    expect({ ...view, ...chips[0].remove }.within_hours).toBe(DEFAULT_VIEW.within_hours);
  });

  it('has none for the default view', () => {
    expect(activeFilters(DEFAULT_VIEW, label)).toEqual([]);
  });

  it('asks the API for a pipeline\'s tasks, with the 14-day window given explicitly', () => {
    const query = viewToApiQuery(viewFromUrl(new URLSearchParams('pipeline=etl-9')));
    expect(query.get('pipeline')).toBe('etl-9');
    expect(query.get('within_hours')).toBe('336');
  });
});

describe('how a batch or pipeline ended, told apart from its progress', () => {
  it('counts each way its tasks finished, of the total', () => {
    expect(outcomeSummary({ completed: 1, aborted: 4 }, 5)).toBe('1 completed, 4 aborted of 5');
    expect(outcomeSummary({ completed: 1, failed: 1, upstream_failed: 6 }, 8)).toBe('1 completed, 1 failed, 6 upstream failed of 8');
  });

  it('says what still runs or waits', () => {
    expect(outcomeSummary({ running: 2, completed: 1 }, 4)).toBe('1 completed of 4 · 2 running, 1 not started');
    expect(outcomeSummary({ pending: 3 }, 3)).toBe('none of 3 finished · 3 pending');
  });

  it('counts every task it was told of, when a total lags behind them', () => {
    expect(outcomeSummary({ completed: 2, running: 1 }, 2)).toBe('2 completed of 3 · 1 running');
  });
});

describe("the graph's depth in the URL", () => {
  it(`keeps a depth past the limit at the limit (${MAX_GRAPH_DEPTH}), and says so`, () => {
    const view = graphViewFromUrl(new URLSearchParams('task=abc&depth=99'));
    expect(view.depth).toBe(MAX_GRAPH_DEPTH);
    expect(depthNotice(new URLSearchParams('task=abc&depth=99'))).toBe(`Depth 99 is more than the graph follows: showing ${MAX_GRAPH_DEPTH} edges each way, the most it draws.`);
    expect(depthNotice(new URLSearchParams('task=abc&depth=3'))).toBeUndefined();
  });
});

describe('the API errors of the submit form', () => {
  const fields = ['input.urls', 'input.folder', 'input.name', 'dataset_id', 'name'];

  it("land on the field they are about, without the path, every one of them", () => {
    const { byField, other } = fieldErrors(
      [
        { field: 'input.urls.0', message: 'must be an http(s) URL' },
        { field: 'input.urls.2', message: 'must be an http(s) URL' },
        { field: 'dataset_id', message: 'a dataset id is 1-64 lowercase letters' },
        { field: 'depends_on.0', message: 'no task x' },
      ],
      fields,
    );
    expect(byField).toEqual({ 'input.urls': 'Line 1: must be an http(s) URL. Line 3: must be an http(s) URL', dataset_id: 'a dataset id is 1-64 lowercase letters' });
    expect(other).toEqual(['depends_on.0: no task x']);
  });

  it('a 409 naming its field lands there too', () => {
    expect(fieldErrors([{ field: 'dataset_id', message: 'Dataset birds already exists; choose another dataset_id' }], fields).byField).toEqual({
      dataset_id: 'Dataset birds already exists; choose another dataset_id',
    });
  });
});

describe('type descriptions', () => {
  it('show `code` as code, not as backticks', () => {
    expect(inlineCode('Lines `PROGRESS <0-100> [message]` or `NN%|` bars.')).toEqual([
      { text: 'Lines ', code: false },
      { text: 'PROGRESS <0-100> [message]', code: true },
      { text: ' or ', code: false },
      { text: 'NN%|', code: true },
      { text: ' bars.', code: false },
    ]);
  });
});
