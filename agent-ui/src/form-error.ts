import type { TFunction } from 'i18next';
import { ApiError, type ApiIssue } from './api';

/**
 * A refused settings change in the agent's language: what kind of refusal (the hub's error code), and for bad input
 * which field and why (zod's issue code, with its limit). A reason only the hub can word (a custom rule) follows in
 * its own words.
 */
export function formError(err: unknown, t: TFunction, fields: Record<string, string> = {}): string {
  if (!(err instanceof ApiError)) return t('err_network');
  const head = t(`err_${err.code ?? 'internal'}`, { defaultValue: err.message });
  if (!err.issues?.length) return err.code === 'invalid_input' || err.code === 'not_found' || err.code === 'conflict' ? `${head}: ${err.message}` : head;
  return `${head}: ${err.issues.slice(0, 3).map((i) => issueText(i, t, fields)).join('; ')}`;
}

function issueText(i: ApiIssue, t: TFunction, fields: Record<string, string>): string {
  // Every named step of the path: a field by its key ("end") or by its path so far ("week.1": a weekday), so
  // `week.1.0.end` reads "Weekly hours › Monday › Ends".
  const path = (i.path ?? []).filter((p) => p !== 'body').map(String);
  const named = path.map((p, n) => fields[path.slice(0, n + 1).join('.')] ?? fields[p]).filter(Boolean);
  const where = named.length ? named.join(' › ') : path.join('.');
  const why = i.code === 'too_small' ? (i.origin === 'string' && i.minimum === 1 ? t('issue_required') : t('issue_too_small', { n: i.minimum }))
    : i.code === 'too_big' ? t('issue_too_big', { n: i.maximum })
    : i.code === 'invalid_format' || i.code === 'invalid_string' ? t('issue_format')
    : i.code === 'invalid_value' || i.code === 'invalid_enum_value' ? t('issue_value')
    : i.code === 'invalid_type' ? t('issue_value')
    : (i.message ?? '');
  return where ? `${where}: ${why}` : why;
}
