import { Client, MessageMedia, RemoteAuth } from 'whatsapp-web.js';
import type { MediaFactory, WwebjsClient } from './session';

/** Chromium flags for a headless, sandbox-less container; Debian's Chromium, never a downloaded one. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface RemoteAuthOptions {
  account: string;
  store: unknown;
  dataPath: string;
  /** How often RemoteAuth re-saves the session (the library's minimum is one minute). */
  backupSyncIntervalMs?: number;
}

/** RemoteAuth persists the pairing to the store, so a restart needs no QR scan. */
export const remoteAuth = (o: RemoteAuthOptions) =>
  new RemoteAuth({ clientId: o.account, store: o.store as NonNullable<ConstructorParameters<typeof RemoteAuth>[0]>['store'], dataPath: o.dataPath, backupSyncIntervalMs: o.backupSyncIntervalMs ?? 5 * 60_000 });

/** The production client factory: whatsapp-web.js's Client driving /usr/bin/chromium. */
export function wwebjsClientFactory(o: RemoteAuthOptions & { executablePath?: string }): () => WwebjsClient {
  return () =>
    new Client({
      authStrategy: remoteAuth(o),
      puppeteer: { executablePath: o.executablePath ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS },
    }) as unknown as WwebjsClient;
}

export const wwebjsMedia: MediaFactory = (mimetype, base64, filename) => new MessageMedia(mimetype, base64, filename);
