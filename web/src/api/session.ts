/**
 * The API token of the signed-in user, when the API has authentication on. It lives in
 * sessionStorage: it survives reloads of the tab but not closing it, and other sites cannot read it.
 */
const KEY = 'taskdeck.token';
const listeners = new Set<() => void>();

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(value: string): void {
  sessionStorage.setItem(KEY, value);
  listeners.forEach((l) => l());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** Hears every sign-in and sign-out (a 401 signs out too); answers how to stop hearing them. */
export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * EventSource and download links cannot send a header: the API takes the token as
 * `?access_token=` on exactly those routes.
 */
export function withToken(url: string): string {
  const value = token();
  if (!value) return url;
  return `${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(value)}`;
}

/** Raised on a 401: the app shows the sign-in page. */
export const UNAUTHORIZED_EVENT = 'taskdeck:unauthorized';
