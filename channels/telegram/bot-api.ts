import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { PermanentSendError } from '../../src/domain/messages';
import type { TelegramSettings } from './config';

/** The Bot API's answer (https://core.telegram.org/bots/api#making-requests). */
interface BotApiResponse<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface SentMessage {
  message_id: number;
  chat: { id: number };
}

/**
 * One Bot API call. A refusal about the request itself (400 chat not found, 403 bot blocked by the user) is a
 * PermanentSendError: retrying repeats it. 429 (flood control) and 5xx are retried by the outbound queue.
 */
export async function callBotApi<T>(settings: TelegramSettings, method: string, body: Record<string, unknown> | FormData): Promise<T> {
  const form = body instanceof FormData;
  const res = await fetch(`${settings.apiUrl}/bot${settings.token}/${method}`, {
    method: 'POST',
    ...(form ? { body } : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(60_000),
  });
  const answer = (await res.json().catch(() => null)) as BotApiResponse<T> | null;
  if (res.ok && answer?.ok) return answer.result as T;
  const code = answer?.error_code ?? res.status;
  const reason = `Telegram ${method}: ${answer?.description ?? `HTTP ${res.status}`}`;
  if (code === 429 || code >= 500) throw new Error(`${reason}${answer?.parameters?.retry_after ? ` (retry after ${answer.parameters.retry_after} s)` : ''}`);
  if (code === 401) throw new PermanentSendError(`${reason}: TELEGRAM_BOT_TOKEN is not accepted`, 'unauthorized');
  throw new PermanentSendError(reason, String(code));
}

/** A customer's file: getFile names its path, then the bytes come from the file endpoint (bot token in the path). */
export async function downloadFile(settings: TelegramSettings, fileId: string): Promise<{ stream: Readable; cancel(): Promise<void> }> {
  const file = await callBotApi<{ file_path?: string }>(settings, 'getFile', { file_id: fileId });
  if (!file.file_path) throw new Error(`Telegram getFile ${fileId}: no file_path (file too big for the Bot API?)`);
  const res = await fetch(`${settings.apiUrl}/file/bot${settings.token}/${file.file_path}`, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok || !res.body) throw new Error(`Telegram file ${fileId}: HTTP ${res.status}`);
  const body = res.body;
  return { stream: Readable.fromWeb(body as WebReadableStream), cancel: () => body.cancel().catch(() => {}) };
}
