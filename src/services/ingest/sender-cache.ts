import type { Types } from 'mongoose';

export interface KnownSender {
  customerId: Types.ObjectId;
  name?: string;
  conversationId: Types.ObjectId;
  lastSeenAt?: Date;
}

/**
 * What one worker process remembers about senders: identity -> customer (never changes once written), the
 * customer's name, when lastSeenAt was last known, and the last open conversation, which is always re-read and
 * checked (openKey) before use, so a resolved or replaced conversation is never written to. Bounded, oldest out.
 */
export class SenderCache {
  private readonly senders = new Map<string, KnownSender>();
  private readonly identities = new Set<string>();
  constructor(private readonly max = 20_000) {}
  get(key: string): KnownSender | undefined {
    return this.senders.get(key);
  }
  remember(key: string, v: KnownSender): void {
    this.senders.delete(key);
    this.senders.set(key, v);
    if (this.senders.size > this.max) this.senders.delete(this.senders.keys().next().value!);
  }
  forget(key: string): void {
    this.senders.delete(key);
  }
  /**
   * Drops everything: a customer merge moved identities to another customer (src/services/identity/merge.ts), an
   * erasure deleted them (src/services/privacy/erase.ts).
   */
  clear(): void {
    this.senders.clear();
    this.identities.clear();
  }
  hasIdentity(id: string): boolean {
    return this.identities.has(id);
  }
  identityExists(id: string): void {
    this.identities.add(id);
    if (this.identities.size > this.max) this.identities.delete(this.identities.values().next().value!);
  }
}
