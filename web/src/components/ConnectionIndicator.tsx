import { useConnectionState, type ConnectionState } from '../live/taskEvents';

const LABEL: Record<ConnectionState, string> = {
  live: 'Live',
  connecting: 'Connecting',
  error: 'Error',
  disconnected: 'Disconnected',
};

const HINT: Record<ConnectionState, string> = {
  live: 'Receiving task updates as they happen',
  connecting: 'Connecting to live updates…',
  error: 'Live updates failed; retrying',
  disconnected: 'Offline; live updates resume when the connection is back',
};

export function ConnectionIndicator() {
  const state = useConnectionState();
  return (
    <span className={`connection connection-${state}`} role="status" title={HINT[state]} data-state={state}>
      <span className="connection-dot" aria-hidden="true" />
      {LABEL[state]}
    </span>
  );
}
