import twilio from 'twilio';
import type { TwilioSettings } from './config';
import { TWILIO_CLOUD } from './config';

type RequestOptions<T> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: T };

/**
 * The twilio SDK has no base-URL option; its supported extension point is a custom `httpClient`. This one is the
 * SDK's own RequestClient (auth, form encoding, error shapes all unchanged) that only swaps the origin, so tests
 * and on-premise proxies reach a stand-in at TWILIO_API_BASE while the real library stays in the path.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 15_000 });
  }

  override request<T>(opts: RequestOptions<T>) {
    const original = new URL(opts.uri);
    const target = new URL(original.pathname + original.search, this.base);
    return super.request<T>({ ...opts, uri: target.href });
  }
}

export type TwilioClient = ReturnType<typeof twilio>;

export function twilioClient(settings: TwilioSettings): TwilioClient {
  const custom = settings.apiBase !== TWILIO_CLOUD ? { httpClient: new BaseUrlRequestClient(settings.apiBase) } : {};
  return twilio(settings.accountSid, settings.authToken, { ...custom, autoRetry: true, maxRetries: 2 });
}
