import i18n from './i18n';

// Thin fetch wrapper: same-origin cookie session, JSON in and out, errors in the agent's language.
export class ApiError extends Error {
  /**
   * `message`: what to show the agent: the server's own (English) text to an English console, else the localized
   * text of its `code` (every error answer has one: src/domain/errors.ts), with the fields a bad input named; a
   * refusal that names its `reason` (details) and has a text for it (`errreason_<reason>`) says that, in any language.
   * `serverMessage`: the hub's text as sent; `issues`: zod's issues of a refused input (settings forms name each field).
   */
  constructor(
    readonly serverMessage: string, readonly status: number, readonly code?: string, readonly issues?: ApiIssue[],
    /** What else the error answer carries (a refusal's `reason`, for a more precise localized text). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(localizedError(serverMessage, code, fieldsOf(issues), details));
  }
}
/** One of zod's issues the hub returns with a refused input (`path` names the field). */
export interface ApiIssue { path?: (string | number)[]; code?: string; message?: string; minimum?: number; maximum?: number; origin?: string }

function localizedError(serverMessage: string, code: string | undefined, fields: string[], details: Record<string, unknown>): string {
  const reason = typeof details.reason === 'string' ? `errreason_${details.reason}` : '';
  if (reason && i18n.exists(reason)) return i18n.t(reason, details);
  if (i18n.language === 'en' || !code || !i18n.exists(`errcode_${code}`)) return serverMessage;
  return fields.length ? `${i18n.t(`errcode_${code}`)} (${fields.join(', ')})` : i18n.t(`errcode_${code}`);
}

/** The fields zod named in a refused input (`body.email` → `email`), which say where to look in any language. */
const fieldsOf = (issues: unknown): string[] =>
  Array.isArray(issues) ? [...new Set(issues.flatMap((i: { path?: unknown[] }) => (Array.isArray(i.path) && i.path.length ? [i.path.filter((p) => p !== 'body' && p !== 'query' && p !== 'params').join('.')] : [])).filter(Boolean))] : [];

/** An answer without a body (a proxy's 502): the code its status stands for (src/http/errors.ts HTTP_STATUS). */
const codeOfStatus = (status: number): string =>
  ({ 400: 'invalid_input', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'payload_too_large', 422: 'unprocessable', 429: 'rate_limited' } as Record<number, string>)[status] ?? (status >= 500 ? 'unavailable' : 'internal');

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  }).catch(() => { throw new ApiError('The server cannot be reached', 0, 'network'); });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: string; code?: string; issues?: ApiIssue[] };
  if (!res.ok) {
    const { error, code, issues, ...details } = data;
    throw new ApiError(error ?? res.statusText, res.status, code ?? codeOfStatus(res.status), Array.isArray(issues) ? issues : undefined, details);
  }
  return data as T;
}

export const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};
