import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, errorMessage, type StartTaskBody } from '../api/client';
import { datasetsQuery, nodesQuery, taskKeys } from '../api/queries';
import type { DatasetSummary, TaskType } from '../api/types';
import { useTaskTypes } from '../lib/taskTypes';
import { fieldErrors, fieldsOf, inlineCode, readInput, type Field } from './schemaFields';

/**
 * What every task can carry besides its type's own input. The dataset fields come first, in a
 * fieldset of their own, for a type that works on a dataset (its ID is required there); for
 * other types they are optional labels. "Task name" is not the input's own `name` (a snapshot's,
 * a model's).
 */
const META_FIELDS = [
  { name: 'dataset_id', label: 'Dataset ID', hint: '' },
  { name: 'dataset', label: 'Dataset name', hint: 'Filled from the dataset when left empty' },
  { name: 'name', label: 'Task name', hint: 'Shown in the task table' },
  { name: 'tag', label: 'Tag', hint: '' },
  { name: 'user', label: 'Operated by', hint: 'Who starts the task' },
] as const;
type MetaName = (typeof META_FIELDS)[number]['name'];
/** A command's node and resources (PlacementFields): the API's errors on them land there too. */
const PLACEMENT_FIELDS = ['target_node', 'cpu_cores', 'memory', 'gpu_ids', 'gpu_count'];
const DATASET_FIELDS: readonly MetaName[] = ['dataset_id', 'dataset'];

/** Pick a type; its form is generated from the type's input schema. */
export function SubmitPage() {
  const { types: known, error } = useTaskTypes();
  // Only the catalog's types start here; a plugin's workflows start from their own clients.
  const types = known?.filter((t) => t.source === 'catalog');
  const [params, setParams] = useSearchParams();
  const typeId = params.get('type') ?? types?.[0]?.id ?? '';
  const type = types?.find((t) => t.id === typeId);

  return (
    <section className="page narrow" aria-labelledby="submit-title">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/">Tasks</Link> <span aria-hidden="true">/</span> Submit
      </nav>
      <h1 id="submit-title">Submit a task</h1>
      {error && <p className="banner banner-error">Could not load the task types: {error}</p>}
      {types && (
        <label className="field">
          <span className="field-label">Task type</span>
          <select
            value={typeId}
            onChange={(e) => {
              // A dataset chosen elsewhere (its page's "Start a task on it") stays chosen.
              const next: Record<string, string> = { type: e.target.value };
              const dataset = params.get('dataset_id');
              if (dataset) next.dataset_id = dataset;
              setParams(next, { replace: true });
            }}
          >
            {types.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {type && <TaskForm key={type.id} type={type} initial={{ dataset_id: params.get('dataset_id') ?? '' }} />}
    </section>
  );
}

function TaskForm({ type, initial }: { type: TaskType; initial: Record<string, string> }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const fields = useMemo(() => fieldsOf(type.input_schema ?? {}), [type]);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.default])));
  const [meta, setMeta] = useState<Record<string, string>>(() => (type.dataset === 'none' ? {} : initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const datasets = useExistingDatasets(type.dataset === 'existing');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { input, errors: inputErrors } = readInput(fields, values);
    const found = Object.fromEntries(Object.entries(inputErrors).map(([k, v]) => [`input.${k}`, v]));
    if (type.dataset !== 'none' && !meta.dataset_id?.trim()) found.dataset_id = `${type.label} needs a dataset ID`;
    setErrors(found);
    setFormError(undefined);
    if (Object.keys(found).length > 0) {
      focusField(Object.keys(found)[0]);
      return;
    }
    const body: StartTaskBody = { type: type.id, input };
    for (const { name } of META_FIELDS) if (meta[name]?.trim()) body[name] = meta[name].trim();
    // GPU-bound types wait for the cluster's GPU slot, on no node: the API refuses them a node, so the form never sends one.
    const placement = type.resource === 'gpu' ? { fields: {} } : readPlacement(meta, type.id === 'command');
    if (placement.error) {
      setErrors({ gpu_ids: placement.error });
      focusField('gpu_ids');
      return;
    }
    Object.assign(body, placement.fields);
    setBusy(true);
    try {
      const task = await api.start(body);
      void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
      await navigate(`/tasks/${encodeURIComponent(task.id)}`);
    } catch (err) {
      setBusy(false);
      // Every issue the API names lands next to its field (a 400's `issues`, or the one `field`
      // of a 409 such as a dataset that exists); only what no field shows goes to the banner.
      const issues = err instanceof ApiError ? (err.body.issues ?? (err.body.field ? [{ field: err.body.field, message: err.body.error }] : [])) : [];
      const { byField, other } = fieldErrors(issues, [...fields.map((f) => `input.${f.name}`), ...META_FIELDS.map((f) => f.name), ...PLACEMENT_FIELDS]);
      setErrors(byField);
      const first = Object.keys(byField)[0];
      if (first) focusField(first);
      if (other.length > 0 || !first) setFormError(other.length > 0 ? other : [errorMessage(err)]);
    }
  };

  const metaField = (f: (typeof META_FIELDS)[number]) => {
    const required = f.name === 'dataset_id' && type.dataset !== 'none';
    const hint = f.name === 'dataset_id' ? DATASET_HINT[type.dataset] : f.hint;
    return (
      <div key={f.name} className="field">
        <span className="field-label-row">
          <label className="field-label" htmlFor={fieldId(f.name)}>
            {f.label}
          </label>
          {required && (
            <span className="required" aria-hidden="true">
              *
            </span>
          )}
        </span>
        <input
          id={fieldId(f.name)}
          value={meta[f.name] ?? ''}
          placeholder={hint}
          list={f.name === 'dataset_id' && datasets.length > 0 ? 'known-datasets' : undefined}
          aria-required={required || undefined}
          aria-invalid={errors[f.name] ? true : undefined}
          aria-describedby={errors[f.name] ? `${fieldId(f.name)}-error` : undefined}
          onChange={(e) => setMeta(withDatasetName({ ...meta, [f.name]: e.target.value }, datasets))}
        />
        {errors[f.name] && (
          <span className="field-error" id={`${fieldId(f.name)}-error`}>
            {errors[f.name]}
          </span>
        )}
      </div>
    );
  };
  const onDataset = type.dataset !== 'none';
  const labels = META_FIELDS.filter((f) => !onDataset || !DATASET_FIELDS.includes(f.name));

  return (
    <form className="task-form" onSubmit={(e) => void submit(e)} noValidate>
      <p className="type-description">
        <Described text={type.description} />
      </p>
      {onDataset && (
        <fieldset>
          <legend>Dataset</legend>
          <div className="meta-grid">{META_FIELDS.filter((f) => DATASET_FIELDS.includes(f.name)).map(metaField)}</div>
        </fieldset>
      )}
      <fieldset>
        <legend>{type.label} input</legend>
        {fields.map((field) => (
          <InputField key={field.name} field={field} value={values[field.name] ?? ''} error={errors[`input.${field.name}`]} onChange={(v) => setValues({ ...values, [field.name]: v })} />
        ))}
      </fieldset>
      <fieldset>
        <legend>Labels</legend>
        <div className="meta-grid">
          {labels.map(metaField)}
          <datalist id="known-datasets">
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.status})
              </option>
            ))}
          </datalist>
        </div>
      </fieldset>
      {type.resource !== 'gpu' && (
        <PlacementFields resources={type.id === 'command'} values={meta} errors={errors} onChange={(name, value) => setMeta({ ...meta, [name]: value })} />
      )}
      {formError && (
        <div className="banner banner-error" role="alert">
          {formError.length === 1 ? (
            formError[0]
          ) : (
            <ul>
              {formError.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Starting…' : `Start ${type.label}`}
        </button>
        <Link to="/" className="button button-quiet">
          Cancel
        </Link>
      </div>
    </form>
  );
}

/**
 * Where a task runs: Target node from the live nodes, for every type; and for a command, whose
 * process can be held to them, CPU cores, Memory and GPU IDs.
 */
function PlacementFields({
  resources,
  values,
  errors,
  onChange,
}: {
  resources: boolean;
  values: Record<string, string>;
  errors: Record<string, string>;
  onChange: (name: string, value: string) => void;
}) {
  const { data: nodes } = useQuery(nodesQuery);
  const live = nodes?.filter((n) => n.alive) ?? [];
  const field = (name: string, label: string, control: ReactNode, help: string) => (
    <div className="field">
      <label className="field-label" htmlFor={fieldId(name)}>
        {label}
      </label>
      {control}
      <span className="field-help">{help}</span>
      {errors[name] && (
        <span className="field-error" id={`${fieldId(name)}-error`}>
          {errors[name]}
        </span>
      )}
    </div>
  );
  const common = (name: string) => ({
    id: fieldId(name),
    value: values[name] ?? '',
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${fieldId(name)}-error` : undefined,
  });
  return (
    <fieldset>
      <legend>{resources ? 'Node and resources' : 'Node'}</legend>
      <div className="meta-grid">
        {field(
          'target_node',
          'Target node',
          <select {...common('target_node')} onChange={(e) => onChange('target_node', e.target.value)}>
            <option value="">Any node</option>
            {live.map((n) => (
              <option key={n.name} value={n.name}>
                {n.name} ({n.cores - n.used.cores}/{n.cores} cores free{n.gpus.length ? `, GPUs ${n.gpus.join(',')}` : ''})
              </option>
            ))}
          </select>,
          'Only nodes that are up are listed',
        )}
        {resources && (
          <>
            {field('cpu_cores', 'CPU cores', <input type="number" min={1} step={1} {...common('cpu_cores')} onChange={(e) => onChange('cpu_cores', e.target.value)} />, 'Cores the command is pinned to')}
            {field('memory', 'Memory', <input type="text" placeholder="512MB" {...common('memory')} onChange={(e) => onChange('memory', e.target.value)} />, 'A limit like 512MB or 2GB')}
            {field('gpu_ids', 'GPU IDs', <input type="text" placeholder="0,1" {...common('gpu_ids')} onChange={(e) => onChange('gpu_ids', e.target.value)} />, 'GPU indices, separated by commas')}
          </>
        )}
      </div>
    </fieldset>
  );
}

/** The placement fields of the start body, from what was typed; the API checks their values. */
function readPlacement(values: Record<string, string>, resources: boolean): { fields: Partial<StartTaskBody>; error?: string } {
  const fields: Record<string, unknown> = {};
  if (values.target_node) fields.target_node = values.target_node;
  // Fields typed for a command stay in the form when the type changes; other types do not send them.
  if (!resources) return { fields: fields as Partial<StartTaskBody> };
  if (values.cpu_cores?.trim()) fields.cpu_cores = Number(values.cpu_cores);
  if (values.memory?.trim()) fields.memory = values.memory.trim();
  const gpus = values.gpu_ids?.trim();
  if (gpus) {
    const ids = gpus.split(/[\s,]+/).filter(Boolean);
    if (!ids.every((id) => /^\d+$/.test(id))) return { fields, error: 'GPU IDs are indices separated by commas, like 0,1' };
    fields.gpu_ids = ids.map(Number);
  }
  return { fields: fields as Partial<StartTaskBody> };
}

const DATASET_HINT: Record<TaskType['dataset'], string> = {
  existing: 'ID of the dataset to work on',
  new: 'ID for the new dataset',
  none: '',
};

const NO_DATASETS: DatasetSummary[] = [];

/** Datasets to pick from, for types that work on an existing one. */
function useExistingDatasets(wanted: boolean): DatasetSummary[] {
  const { data } = useQuery({ ...datasetsQuery, enabled: wanted });
  return (wanted && data) || NO_DATASETS;
}

/** Picking a known dataset ID fills in its name, unless one was typed. */
function withDatasetName(meta: Record<string, string>, datasets: DatasetSummary[]): Record<string, string> {
  const known = datasets.find((d) => d.id === meta.dataset_id);
  return known && !meta.dataset?.trim() ? { ...meta, dataset: known.name } : meta;
}

const fieldId = (path: string) => `field-${path.replace(/\./g, '-')}`;
const focusField = (path: string) => document.getElementById(fieldId(path))?.focus();

function InputField({ field, value, error, onChange }: { field: Field; value: string; error: string | undefined; onChange: (value: string) => void }) {
  const id = fieldId(`input.${field.name}`);
  const described = [field.description && `${id}-help`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': described, 'aria-required': field.required || undefined };
  let control;
  switch (field.kind) {
    case 'boolean':
      control = <input type="checkbox" {...common} checked={value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />;
      break;
    case 'enum':
      control = (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          {!field.required && <option value="">—</option>}
          {field.options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
      break;
    case 'number':
    case 'integer':
      control = <input type="number" step={field.kind === 'integer' ? 1 : 'any'} {...common} value={value} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'list':
    case 'map':
    case 'json':
      control = (
        <textarea
          {...common}
          rows={3}
          value={value}
          placeholder={field.kind === 'map' ? 'NAME=value, one per line' : field.kind === 'list' ? 'One per line' : 'JSON'}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    default:
      control = <input type="text" {...common} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className={`field field-${field.kind}`}>
      <span className="field-label-row">
        <label className="field-label" htmlFor={id}>
          {field.label}
        </label>
        {field.required && (
          <span className="required" aria-hidden="true">
            *
          </span>
        )}
      </span>
      {control}
      {field.description && (
        <span className="field-help" id={`${id}-help`}>
          <Described text={field.description} />
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A catalog description: its `code` spans shown as code, not as backticks. */
function Described({ text }: { text: string }) {
  return (
    <>
      {inlineCode(text).map((part, i) => (part.code ? <code key={i}>{part.text}</code> : <span key={i}>{part.text}</span>))}
    </>
  );
}
