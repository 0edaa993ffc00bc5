// Test support: what each channel gives the conformance suite (channels/conformance.test.ts). Every registered
// channel has one, in channels/<name>/conformance.ts, exporting `kit`.

export interface ConformanceKit {
  /** Starts the channel's stand-in (the provider's local double); returns the settings that point the channel at it. */
  start(): Promise<Record<string, string>>;
  stop(): Promise<void>;
  /**
   * Delivers a customer message through the channel's real ingress, as the provider would (webhook, SMTP, socket),
   * and resolves once the channel acknowledged it. `n` makes the sender and text unique.
   */
  receive(hubUrl: string, n: number): Promise<{ address: string; text: string }>;
  /**
   * Delivers input the channel must refuse; resolves with what the provider sees: `refused` when the answer is a
   * refusal (HTTP 4xx, SMTP 5xx, an error ack), not an acknowledgement, and its message.
   */
  refuse(hubUrl: string): Promise<{ refused: boolean; detail: string }>;
  /** The text our reply to `address` reached the stand-in with, once it has. */
  delivered(address: string): string | undefined;
}

/** A webhook's answer as a refusal: a 4xx with the hub's JSON error. */
export async function httpRefusal(res: Response): Promise<{ refused: boolean; detail: string }> {
  const body = (await res.json().catch(() => null)) as { error?: string } | null;
  return { refused: res.status >= 400 && res.status < 500, detail: `${res.status} ${body?.error ?? ''}`.trim() };
}
