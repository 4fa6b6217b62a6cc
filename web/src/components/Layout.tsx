import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { UNAUTHORIZED_EVENT, signOut } from '../api/session';
import { useApprovals } from '../approvals/useApprovals';
import { reviews, useMe } from '../lib/me';
import { ConnectionIndicator } from './ConnectionIndicator';

export function Layout() {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const approvals = useApprovals(reviews(me));

  // Any 401 (no token yet, or one that stopped working) leads to the sign-in page, then back.
  const here = useRef(location);
  useEffect(() => {
    here.current = location;
  });
  useEffect(() => {
    const toSignIn = () => {
      const { pathname, search } = here.current;
      if (pathname === '/sign-in') return;
      void navigate(`/sign-in?next=${encodeURIComponent(pathname + search)}`);
    };
    window.addEventListener(UNAUTHORIZED_EVENT, toSignIn);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, toSignIn);
  }, [navigate]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Taskdeck home">
          <svg width="22" height="22" viewBox="0 0 16 16" aria-hidden="true">
            <rect width="16" height="16" rx="3" fill="currentColor" />
            <path d="M4 5h8M4 8h8M4 11h5" stroke="white" strokeWidth="1.6" />
          </svg>
          Taskdeck
        </NavLink>
        <nav className="nav" aria-label="Main">
          <NavLink to="/" end>
            Tasks
          </NavLink>
          <NavLink to="/datasets">Datasets</NavLink>
          <NavLink to="/batches">Batches</NavLink>
          <NavLink to="/pipelines">Pipelines</NavLink>
          <NavLink to="/submit">Submit</NavLink>
          {reviews(me) && (
            <NavLink to="/approvals" aria-label={`Approvals, ${approvals?.length ?? 0} waiting`}>
              Approvals{' '}
              {approvals && approvals.length > 0 && (
                <span className="count-badge" data-testid="approval-count">
                  {approvals.length}
                </span>
              )}
            </NavLink>
          )}
          <NavLink to="/schedules">Schedules</NavLink>
          <NavLink to="/tasks" end>
            Tasks &amp; Groups
          </NavLink>
          <NavLink to="/graph">Graph</NavLink>
          <NavLink to="/nodes">Nodes</NavLink>
        </nav>
        <ConnectionIndicator />
        {me?.auth && location.pathname !== '/sign-in' && (
          <div className="signed-in">
            <span>
              {me.user} <small>({me.role})</small>
            </span>
            <button
              type="button"
              className="button"
              onClick={() => {
                signOut();
                void navigate('/sign-in');
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="page loading">Loading…</p>}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
