import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CONTINUE_AS_NEW_SUGGESTED,
  acquireDatasetUpdate,
  blockReason,
  datasetStateQuery,
  releaseDatasetSignal,
  type DatasetLeaseState,
} from '../core';

/**
 * Runs started before Temporal's own suggestion was used continue as new at this many events (an
 * idle entity adds no events at all, so such a run may still be open): they keep doing so.
 */
const LEGACY_MAX_HISTORY_EVENTS = 2000;

/**
 * The entity of one dataset (workflow ID `taskdeck-dataset:<id>`, not a task type: it never
 * shows in the task table). It holds the tasks that modify the dataset. Starting such a task is
 * an Update: Temporal runs updates of one workflow one at a time, so two concurrent starts can
 * never both pass the validator, and a refused start leaves no trace in the history.
 */
export async function datasetEntity(initial: DatasetLeaseState): Promise<void> {
  const state: DatasetLeaseState = { ...initial, holders: [...initial.holders] };

  setHandler(datasetStateQuery, () => state);

  setHandler(
    acquireDatasetUpdate,
    (request) => {
      if (!state.holders.some((h) => h.task_id === request.task_id)) {
        state.holders.push({ task_id: request.task_id, task_type: request.task_type, since: new Date().toISOString() });
      }
      return state;
    },
    {
      validator: (request) => {
        const blocked = blockReason({ holders: state.holders, indexed: state.indexed ?? request.indexed_on_disk }, request);
        if (blocked) {
          const holder = state.holders.find((h) => h.task_id === blocked.holder);
          throw ApplicationFailure.create({
            type: 'DatasetBusy',
            message: blocked.message,
            nonRetryable: true,
            details: [{ holder: blocked.holder, since: holder?.since ?? null }],
          });
        }
      },
    },
  );

  setHandler(releaseDatasetSignal, (release) => {
    const before = state.holders.length;
    state.holders = state.holders.filter((h) => h.task_id !== release.task_id);
    // A release of a task that does not hold the dataset (twice, or a refused start) changes nothing.
    if (state.holders.length === before) return;
    if (release.indexed !== undefined) state.indexed = release.indexed;
    if (release.handover_to) {
      state.holders.push({ ...release.handover_to, since: new Date().toISOString() });
    }
  });

  // The server suggests continuing as new well before its history limits (events and bytes).
  const suggested = patched(CONTINUE_AS_NEW_SUGGESTED);
  const due = (): boolean => (suggested ? workflowInfo().continueAsNewSuggested : workflowInfo().historyLength > LEGACY_MAX_HISTORY_EVENTS);
  await condition(() => due() && allHandlersFinished());
  await continueAsNew<typeof datasetEntity>(state);
}
