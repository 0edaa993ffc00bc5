import type { z } from 'zod';
import { ALWAYS_OPEN, calendarSchema, type BusinessCalendar } from '../../domain/business-hours';
import { autoReplySchema, slaPolicySchema, type AutoReplyConfig, type SlaPolicy } from '../../domain/sla';
import type { Models } from '../../store';

/** Teams without their own settings use the ones stored under this key. */
export const DEFAULT_KEY = 'default';

const schemas = { calendar: calendarSchema, autoReply: autoReplySchema, sla: slaPolicySchema };
export type SettingName = keyof typeof schemas;
export interface TeamSettings { calendar: BusinessCalendar | null; autoReply: AutoReplyConfig | null; sla: SlaPolicy | null }

export class SettingsError extends Error {
  constructor(message: string, readonly status: 404) {
    super(message);
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
  return { calendar: read('calendar'), autoReply: read('autoReply'), sla: read('sla') };
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
/** False while no team (nor the default) has a single setting: then the inbound hooks have nothing to do. */
export async function anySettings(m: Models): Promise<boolean> {
  const hit = anyCache.get(m);
  if (hit && hit.at > Date.now() - CACHE_MS) return hit.value;
  const value = await m.teamPolicies.any();
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
  return { calendar: calendar ?? ALWAYS_OPEN, hasCalendar: Boolean(calendar), autoReply: pick('autoReply'), sla: pick('sla'), sources };
}

async function checkKey(m: Models, key: string): Promise<void> {
  if (key === DEFAULT_KEY) return;
  if (!(await m.teams.exists(key))) throw new SettingsError('team not found', 404);
}

/** One team's own setting (null when it uses the default). */
export async function getSetting<N extends SettingName>(m: Models, key: string, name: N): Promise<TeamSettings[N]> {
  await checkKey(m, key);
  return (await load(m, [key])).get(key)![name];
}

/** Stores an already validated setting; null removes it (the team falls back to the default). */
export async function putSetting<N extends SettingName>(m: Models, key: string, name: N, value: TeamSettings[N]): Promise<TeamSettings[N]> {
  await checkKey(m, key);
  await m.teamPolicies.set(key, name, value);
  caches.get(m)?.delete(key);
  anyCache.delete(m);
  return value;
}
