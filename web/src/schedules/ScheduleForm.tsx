import { useState, type FormEvent } from 'react';
import { OVERLAP_POLICIES, type OverlapPolicy } from '../../../core/schedules';
import { ApiError, errorMessage } from '../api/client';
import type { ScheduleDetail } from '../api/types';
import { useTaskTypes } from '../lib/taskTypes';

/** What the form sends: `POST /schedules` (create) or `PUT /schedules/:id` (edit). */
export interface ScheduleDraft {
  id?: string;
  name?: string;
  group?: string;
  spec: { cron?: string; interval_seconds?: number; timezone?: string; jitter_seconds?: number };
  policy: { overlap: OverlapPolicy };
  task?: { type: string; input: unknown };
  pipeline?: unknown;
  paused?: boolean;
}

interface Props {
  /** The schedule to edit; a new one when absent. */
  editing?: ScheduleDetail;
  onSubmit: (draft: ScheduleDraft) => Promise<void>;
  onCancel: () => void;
}

const OVERLAP_LABEL: Record<OverlapPolicy, string> = {
  skip: 'Skip the run while the last one runs',
  buffer_one: 'Run it after the last one (buffer one)',
  buffer_all: 'Run every one after the last (buffer all)',
  cancel_other: 'Cancel the running one',
  terminate_other: 'Terminate the running one',
  allow_all: 'Run them side by side',
};

const COMMAND_EXAMPLE = JSON.stringify({ command: 'echo hello' }, null, 2);

/**
 * A schedule: when (cron or interval, time zone), what (a task of any type with its input, or a
 * pipeline as POST /pipelines takes it) and the overlap policy. The API checks it all; its 400
 * names the field, shown next to it.
 */
export function ScheduleForm({ editing, onSubmit, onCancel }: Props) {
  const { types } = useTaskTypes();
  const task = editing?.task as { type: string; input: unknown } | null | undefined;
  const [id, setId] = useState('');
  const [name, setName] = useState(editing?.name ?? '');
  const [group, setGroup] = useState(editing?.group ?? '');
  const [when, setWhen] = useState<'cron' | 'interval'>(editing?.spec.interval_seconds ? 'interval' : 'cron');
  const [cron, setCron] = useState(editing?.spec.cron[0] ?? '0 2 * * *');
  const [interval, setInterval] = useState(String(editing?.spec.interval_seconds ?? 3600));
  const [timezone, setTimezone] = useState(editing?.spec.timezone ?? '');
  const [overlap, setOverlap] = useState<OverlapPolicy>(editing?.policy.overlap ?? 'skip');
  const [kind, setKind] = useState<'task' | 'pipeline'>(editing?.action.kind ?? 'task');
  const [type, setType] = useState(task?.type ?? 'command');
  const [input, setInput] = useState(task ? JSON.stringify(task.input, null, 2) : COMMAND_EXAMPLE);
  const [pipeline, setPipeline] = useState(editing?.pipeline ? JSON.stringify(editing.pipeline, null, 2) : '');
  const [error, setError] = useState<{ field?: string; text: string } | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    let action: Pick<ScheduleDraft, 'task' | 'pipeline'>;
    try {
      action = kind === 'task' ? { task: { type, input: JSON.parse(input) as unknown } } : { pipeline: JSON.parse(pipeline) as unknown };
    } catch (err) {
      setError({ field: kind === 'task' ? 'task.input' : 'pipeline', text: `Not JSON: ${(err as Error).message}` });
      return;
    }
    const draft: ScheduleDraft = {
      ...(!editing && id.trim() && { id: id.trim() }),
      ...(name.trim() && { name: name.trim() }),
      ...(group.trim() && { group: group.trim() }),
      spec: {
        ...(when === 'cron' ? { cron } : { interval_seconds: Number(interval) }),
        ...(timezone.trim() && { timezone: timezone.trim() }),
      },
      policy: { overlap },
      ...action,
      ...(editing && { paused: editing.state === 'paused' }),
    };
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(draft);
    } catch (err) {
      setError({ field: err instanceof ApiError ? err.body.field : undefined, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  const invalid = (field: string) => (error?.field?.startsWith(field) ? { 'aria-invalid': true as const, 'aria-describedby': 'schedule-error' } : {});

  return (
    <form className="card schedule-form" onSubmit={(e) => void submit(e)} aria-label={editing ? `Edit schedule ${editing.name}` : 'New schedule'}>
      <h2>{editing ? `Edit ${editing.name}` : 'New schedule'}</h2>
      <div className="form-grid">
        {!editing && (
          <label className="field">
            <span className="field-label">Schedule ID</span>
            <input value={id} onChange={(e) => setId(e.target.value)} placeholder="made from the name" {...invalid('id')} />
          </label>
        )}
        <label className="field">
          <span className="field-label">Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Generate_Invoice" {...invalid('name')} />
        </label>
        <label className="field">
          <span className="field-label">Group</span>
          <input value={group} onChange={(e) => setGroup(e.target.value)} placeholder="billing" {...invalid('group')} />
        </label>
        <fieldset className="field">
          <legend className="field-label">Runs</legend>
          <div className="segmented">
            <button type="button" aria-pressed={when === 'cron'} onClick={() => setWhen('cron')}>
              On a cron
            </button>
            <button type="button" aria-pressed={when === 'interval'} onClick={() => setWhen('interval')}>
              Every N seconds
            </button>
          </div>
        </fieldset>
        {when === 'cron' ? (
          <label className="field">
            <span className="field-label">Cron</span>
            <input className="mono" value={cron} onChange={(e) => setCron(e.target.value)} {...invalid('spec.cron')} />
          </label>
        ) : (
          <label className="field">
            <span className="field-label">Interval (seconds)</span>
            <input type="number" step="any" value={interval} onChange={(e) => setInterval(e.target.value)} {...invalid('spec.interval_seconds')} />
          </label>
        )}
        <label className="field">
          <span className="field-label">Time zone</span>
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} placeholder="UTC" {...invalid('spec.timezone')} />
        </label>
        <label className="field">
          <span className="field-label">When a run is still going</span>
          <select value={overlap} onChange={(e) => setOverlap(e.target.value as OverlapPolicy)}>
            {OVERLAP_POLICIES.map((p) => (
              <option key={p} value={p}>
                {OVERLAP_LABEL[p]}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field">
          <legend className="field-label">Each run starts</legend>
          <div className="segmented">
            <button type="button" aria-pressed={kind === 'task'} onClick={() => setKind('task')}>
              A task
            </button>
            <button type="button" aria-pressed={kind === 'pipeline'} onClick={() => setKind('pipeline')}>
              A pipeline
            </button>
          </div>
        </fieldset>
      </div>
      {kind === 'task' ? (
        <div className="form-grid">
          <label className="field">
            <span className="field-label">Task type</span>
            <select value={type} onChange={(e) => setType(e.target.value)} {...invalid('task.type')}>
              {(types?.filter((t) => t.source === 'catalog') ?? [{ id: 'command', label: 'Command' }]).map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field field-wide">
            <span className="field-label">Input (JSON, as the task type takes it)</span>
            <textarea className="mono" rows={4} value={input} onChange={(e) => setInput(e.target.value)} {...invalid('task')} />
          </label>
        </div>
      ) : (
        <label className="field field-wide">
          <span className="field-label">Pipeline (JSON, as POST /pipelines takes it: name and tasks with key and depends_on)</span>
          <textarea className="mono" rows={8} value={pipeline} onChange={(e) => setPipeline(e.target.value)} {...invalid('pipeline')} />
        </label>
      )}
      {error && (
        <p className="banner banner-error" role="alert" id="schedule-error">
          {error.text}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {editing ? 'Save schedule' : 'Create schedule'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
