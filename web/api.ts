/**
 * The page's one way to the LAN API: JSON over fetch with the signed-in token, and errors as ApiError carrying
 * the API's stable code and field, so views can say what went wrong in words from the catalogue.
 */
/** The browser keeps its token in localStorage (issue 18): every tab, and the next visit, is signed in. */
export const TOKEN_KEY = 'deskphone.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string | null,
    message: string,
    /** The config's problems when the unit refused its config (E_CONFIG). */
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

export function savedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  if (token === null) localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
}

export function authHeaders(): Record<string, string> {
  const token = savedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function failure(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; field?: string; message?: string; issues?: string[] } };
    const e = body.error ?? {};
    return new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.field ?? null, e.message ?? res.statusText, e.issues ?? []);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, null, res.statusText);
  }
}

/** A fresh Idempotency-Key: one per action, so the API runs it once however often it arrives. */
export function newActionKey(): string {
  return crypto.randomUUID();
}

/**
 * GET/POST/PATCH a JSON route; resolves to the parsed body, rejects with ApiError (or E_NETWORK offline). A POST
 * carries an Idempotency-Key (issue 18): `key` when the caller keeps one per action (a form), else a fresh one.
 */
export async function api<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...authHeaders(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'POST' ? { 'idempotency-key': key ?? newActionKey() } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new ApiError(0, 'E_NETWORK', null, String(err));
  }
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** A route's answer as a blob (a voice message's audio), with the token a plain <audio src> cannot carry. */
export async function fetchBlob(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { headers: authHeaders() });
  } catch (err) {
    throw new ApiError(0, 'E_NETWORK', null, String(err));
  }
  if (!res.ok) throw await failure(res);
  return res.blob();
}

/** Downloads a route's answer (CSV) as a file, with the token the browser cannot put on a plain link. */
export async function download(path: string, fileName: string): Promise<void> {
  const url = URL.createObjectURL(await fetchBlob(path));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
