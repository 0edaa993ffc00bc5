import type { Logger } from 'pino';
import type { Models } from '../../store';

const DONE = 'attachmentKeysBackfilled';

/**
 * Messages stored before `attachmentKeys` existed carry files nobody's access could be checked against (a
 * restricted agent would get 404 for their own team's older files): one pass sets it, once per store (a marker in
 * `settings`; a second process running it meanwhile only repeats idempotent writes).
 */
export async function backfillAttachmentKeysOnce(m: Models, logger: Logger): Promise<void> {
  if (await m.settings.get(DONE)) return;
  const n = await m.messages.backfillAttachmentKeys();
  await m.settings.set(DONE, new Date().toISOString());
  if (n) logger.info({ messages: n }, 'attachment keys set on older messages');
}
