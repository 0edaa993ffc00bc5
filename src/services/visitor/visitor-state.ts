import { identityKindOf, type Channel } from '../../domain/channels';
import { isOpen, nextOpening } from '../../domain/business-hours';
import type { VisitorState } from '../../domain/widget';
import type { Models } from '../../store';
import { identityId } from '../identity/identity';
import { effectiveSettings } from '../sla/sla-settings';
import { widgetSettings } from './widget-settings';


// Online agents are read from the whole (small) agents collection: a short per-process cache keeps a burst of
// connecting visitors from reading it for each.
const ONLINE_CACHE_MS = 5000;
const onlineCache = new WeakMap<object, Map<string, { online: boolean; until: number }>>();

async function anyoneOnline(m: Models, teamId: string | null): Promise<boolean> {
  const byTeam = onlineCache.get(m) ?? new Map<string, { online: boolean; until: number }>();
  onlineCache.set(m, byTeam);
  const key = teamId ?? '*';
  const hit = byTeam.get(key);
  if (hit && hit.until > Date.now()) return hit.online;
  const agents = teamId ? await m.agents.activeOfTeam(teamId) : await m.agents.active();
  const online = agents.some((a) => a.presence === 'online' && !a.bot);
  byTeam.set(key, { online, until: Date.now() + ONLINE_CACHE_MS });
  return online;
}

/**
 * The state of a visitor's chat: the team of their latest conversation (or the default settings) decides the
 * business hours and reply-time target; `_id` reads only (identity, customer, conversation, settings).
 */
export async function visitorState(m: Models, channel: Channel, visitorId: string, now = new Date()): Promise<VisitorState> {
  const identity = await m.identities.byId(identityId(identityKindOf(channel), visitorId));
  const customer = identity ? await m.customers.byId(identity.customerId, ['openConversationId', 'unverifiedEmail', 'email']) : null;
  const conversation = customer?.openConversationId ? await m.conversations.byId(customer.openConversationId) : null;
  const teamId = conversation?.teamId ? String(conversation.teamId) : null;
  const [settings, widget, online] = await Promise.all([effectiveSettings(m, teamId), widgetSettings(m), anyoneOnline(m, teamId)]);
  const open = isOpen(settings.calendar, now);
  return {
    greeting: widget.greeting,
    open,
    online,
    nextOpening: open ? null : (nextOpening(settings.calendar, now)?.toISOString() ?? null),
    replyMinutes: settings.sla?.default?.firstResponseMinutes ?? null,
    conversation: conversation ? { status: conversation.status } : null,
    emailKnown: Boolean(customer?.unverifiedEmail || customer?.email),
  };
}
