import type { z } from 'zod';
import { ALWAYS_OPEN, calendarSchema, isOpen, nextOpening, type BusinessCalendar } from '../../domain/business-hours';
import { autoReplySchema, slaPolicySchema, type AutoReplyConfig, type SlaPolicy } from '../../domain/sla';
import { csatSettingsSchema, type CsatSettings } from '../../domain/csat';
import { handoffSettingsSchema, type HandoffSettings } from '../../domain/handoff';
import type { AuditActor, Models } from '../../store';
import { audit } from '../audit';
import { anySegmentSla } from '../crm/segments';
import { KanalError } from '../../domain/errors';

/** Teams without their own settings use the ones stored under this key. */
export const DEFAULT_KEY = 'default';

const schemas = { calendar: calendarSchema, autoReply: autoReplySchema, sla: slaPolicySchema, csat: csatSettingsSchema, handoff: handoffSettingsSchema };
export type SettingName = keyof typeof schemas;
export interface TeamSettings { calendar: BusinessCalendar | null; autoReply: AutoReplyConfig | null; sla: SlaPolicy | null; csat: CsatSettings | null; handoff: HandoffSettings | null }

/** Settings of a team that does not exist. */
export class SettingsError extends KanalError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/**
 * Settings are read on every inbound message, reply and status change, but change rarely: each process keeps them
 * for a few seconds (a write clears this process's copy; other processes see it within CACHE_MS).
 */
const CACHE_MS = 5_000;
const caches = new WeakMap<Models, Map<string, { at: number; value: TeamSettings }>>();

function parsed(doc: Record<string, unknown> | null | undefined): TeamSettings {
  const read = <N extends SettingName>(name: N) => {
    const r = doc?.[name] ? schemas[name].safeParse(doc[name]) : null;
    return (r?.success ? r.data : null) as z.output<(typeof schemas)[N]> | null;
  };
  return { calendar: read('calendar'), autoReply: read('autoReply'), sla: read('sla'), csat: read('csat'), handoff: read('handoff') };
}

async function load(m: Models, keys: string[]): Promise<Map<string, TeamSettings>> {
  const cache = caches.get(m) ?? new Map<string, { at: number; value: TeamSettings }>();
  caches.set(m, cache);
  const now = Date.now();
  const missing = keys.filter((k) => !((cache.get(k)?.at ?? 0) > now - CACHE_MS));
  if (missing.length) {
    const docs = await m.teamPolicies.byKeys(missing);
    missing.forEach((k, i) => cache.set(k, { at: now, value: parsed(docs[i]) }));
  }
  return new Map(keys.map((k) => [k, cache.get(k)!.value]));
}

const anyCache = new WeakMap<Models, { at: number; value: boolean }>();
/** False while no team (nor the default) has a single setting, nor a segment an SLA policy: then the inbound hooks have nothing to do. */
export async function anySettings(m: Models): Promise<boolean> {
  const hit = anyCache.get(m);
  if (hit && hit.at > Date.now() - CACHE_MS) return hit.value;
  const value = (await m.teamPolicies.any()) || (await anySegmentSla(m));
  anyCache.set(m, { at: Date.now(), value });
  return value;
}

export type SettingSource = 'team' | 'default' | 'none';
export interface EffectiveSettings extends TeamSettings {
  /** ALWAYS_OPEN when neither the team nor the default has a calendar (business clock == wall clock). */
  calendar: BusinessCalendar;
  hasCalendar: boolean;
  /** Where each setting comes from. */
  sources: Record<SettingName, SettingSource>;
}

/** What applies to a conversation of `teamId` (or of no team): the team's own settings, else the default ones. */
export async function effectiveSettings(m: Models, teamId: unknown): Promise<EffectiveSettings> {
  const team = teamId && String(teamId) !== DEFAULT_KEY ? String(teamId) : null;
  const keys = team ? [team, DEFAULT_KEY] : [DEFAULT_KEY];
  const found = await load(m, keys);
  const sources = {} as Record<SettingName, SettingSource>;
  const pick = <N extends SettingName>(name: N): TeamSettings[N] => {
    const key = keys.find((k) => found.get(k)![name]);
    sources[name] = !key ? 'none' : key === DEFAULT_KEY ? 'default' : 'team';
    return key ? found.get(key)![name] : null;
  };
  const calendar = pick('calendar');
  return { calendar: calendar ?? ALWAYS_OPEN, hasCalendar: Boolean(calendar), autoReply: pick('autoReply'), sla: pick('sla'), csat: pick('csat'), handoff: pick('handoff'), sources };
}

async function checkKey(m: Models, key: string): Promise<void> {
  if (key === DEFAULT_KEY) return;
  if (!(await m.teams.exists(key))) throw new SettingsError('team not found');
}

/** One team's own setting (null when it uses the default). */
export async function getSetting<N extends SettingName>(m: Models, key: string, name: N): Promise<TeamSettings[N]> {
  await checkKey(m, key);
  return (await load(m, [key])).get(key)![name];
}

/** How each setting is named in the audit log ('team.business_hours_changed', …). */
const AUDIT_NAME: Record<SettingName, string> = { calendar: 'business_hours', autoReply: 'auto_reply', sla: 'sla', csat: 'csat', handoff: 'handoff' };

/**
 * Stores an already validated setting; null removes it (the team falls back to the default). An admin's change
 * (`actor`) is recorded in the audit log with the fields that changed; seeding passes null.
 */
export async function putSetting<N extends SettingName>(m: Models, key: string, name: N, value: TeamSettings[N], actor: AuditActor | null): Promise<TeamSettings[N]> {
  await checkKey(m, key);
  const before = actor ? (await load(m, [key])).get(key)![name] : null;
  await m.teamPolicies.set(key, name, value);
  caches.get(m)?.delete(key);
  anyCache.delete(m);
  if (actor) {
    const team = key === DEFAULT_KEY ? null : await m.teams.byId(key);
    await audit(m, actor, `team.${AUDIT_NAME[name]}_changed`, { type: 'team', id: team?._id ?? null, name: team?.name ?? DEFAULT_KEY }, before ?? {}, value ?? {});
  }
  return value;
}

/**
 * Whether a team (or the default) is open now by the calendar in effect, and when it opens next: what decides the
 * out-of-hours reply and how SLA clocks count, shown beside the settings so a change is seen to apply.
 */
export async function openState(m: Models, key: string, now = new Date()): Promise<{ hasCalendar: boolean; timezone: string | null; open: boolean; nextOpening: string | null }> {
  await checkKey(m, key);
  const s = await effectiveSettings(m, key);
  const open = isOpen(s.calendar, now);
  return { hasCalendar: s.hasCalendar, timezone: s.hasCalendar ? s.calendar.timezone : null, open, nextOpening: open ? null : (nextOpening(s.calendar, now)?.toISOString() ?? null) };
}
