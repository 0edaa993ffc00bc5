import type { OutboundContext, OutboundPreparation } from '../../src/domain/channels';

/**
 * Threading fields of an agent's email reply: In-Reply-To/References of the customer's last mail in the
 * conversation and its subject, read by adapter.ts from threadHints.
 */
export async function emailReplyThreading(ctx: OutboundContext): Promise<OutboundPreparation> {
  const last = await ctx.lastInboundInConversation();
  const meta = last?.email;
  if (!last || !meta) return {};
  const references = [...(meta.references ?? []), ...(meta.messageId ? [meta.messageId] : [])].slice(-20);
  const threadHints: Record<string, string> = {};
  if (meta.messageId) threadHints.inReplyTo = meta.messageId;
  if (references.length) threadHints.references = references.join(' ');
  if (last.subject) threadHints.subject = last.subject;
  return { threadHints };
}
