import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { Link } from 'react-router';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  link?: { to: string; label: string };
}

type Notify = (notice: Omit<Notice, 'id'>) => void;

const NoticeContext = createContext<Notify>(() => undefined);
let nextId = 1;

/** Short confirmations and errors of actions, announced to screen readers as well. */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const notify = useCallback<Notify>(
    (notice) => {
      const id = nextId++;
      setNotices((all) => [...all.slice(-3), { ...notice, id }]);
      window.setTimeout(() => dismiss(id), notice.kind === 'error' ? 10_000 : 5000);
    },
    [dismiss],
  );
  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div className="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`}>
            <span>{n.text}</span>
            {n.link && <Link to={n.link.to}>{n.link.label}</Link>}
            <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

export const useNotify = (): Notify => useContext(NoticeContext);
