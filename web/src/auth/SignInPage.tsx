import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage } from '../api/client';
import { signIn } from '../api/session';
import { restartTaskEvents } from '../live/taskEvents';

/** Shown when the API answers 401: takes an API token, checks it with `GET /me`, keeps it for the tab. */
export function SignInPage() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [params] = useSearchParams();
  const navigate = useNavigate();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.me(value.trim());
      signIn(value.trim());
      restartTaskEvents();
      const next = params.get('next');
      void navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="page sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p>This Taskdeck needs an API token. Ask your administrator for one.</p>
      <form onSubmit={(e) => void submit(e)} className="sign-in-form">
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="current-password" value={value} onChange={(e) => setValue(e.target.value)} required />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary">
          Sign in
        </button>
      </form>
    </section>
  );
}
