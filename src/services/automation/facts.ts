import { isOpen } from '../../domain/business-hours';
import { foldText } from '../../domain/search-terms';
import type { AutomationEvent } from '../../domain/automation';
import type { Models, StoredConversation } from '../../store';
import { loadSegments, segmentsOf } from '../crm/segments';
import { effectiveSettings } from '../sla/sla-settings';

type Customer = { language?: string | null; attributes?: Record<string, unknown> | null };

/**
 * What conditions read about one event, loaded once and only when a condition asks (the customer, segments and the
 * calendar cost a read each; a rule set that only looks at the channel and the text costs the conversation read).
 * The conversation is read as it is now: rules later in the order see what earlier ones changed (`refresh`).
 */
export class Facts {
  private conversationRead?: Promise<StoredConversation | null>;
  private customerRead?: Promise<Customer | null>;
  private segmentsRead?: Promise<Set<string>>;
  private openRead?: Promise<boolean>;

  private folded?: string;

  constructor(private readonly m: Models, readonly event: AutomationEvent) {}

  /** The event's message text, folded for comparisons once. */
  foldedText(): string {
    this.folded ??= foldText(this.event.text ?? '');
    return this.folded;
  }

  conversation(): Promise<StoredConversation | null> {
    this.conversationRead ??= this.event.conversationId ? this.m.conversations.byId(this.event.conversationId) : Promise.resolve(null);
    return this.conversationRead;
  }

  /** After a rule's actions: the next rule reads the conversation again. */
  refresh(): void {
    this.conversationRead = undefined;
    this.openRead = undefined;
  }

  async customerId(): Promise<string | null> {
    return this.event.customerId ?? (await this.conversation())?.customerId?.toString() ?? null;
  }

  async customer(): Promise<Customer | null> {
    this.customerRead ??= this.customerId().then((id) => (id ? this.m.customers.byId(id, ['language', 'attributes']) as Promise<Customer | null> : null));
    return this.customerRead;
  }

  /** The ids of the segments the customer is in now. */
  async segments(): Promise<Set<string>> {
    this.segmentsRead ??= (async () => {
      const id = await this.customerId();
      if (!id) return new Set<string>();
      const { segments, defs } = await loadSegments(this.m);
      return new Set((await segmentsOf(this.m, id, segments, defs)).map((s) => String(s._id)));
    })();
    return this.segmentsRead;
  }

  /** Whether the event happened inside the business hours of the conversation's team (or the default calendar). */
  async insideBusinessHours(): Promise<boolean> {
    this.openRead ??= (async () => {
      const c = await this.conversation();
      return isOpen((await effectiveSettings(this.m, c?.teamId ?? null)).calendar, new Date(this.event.at));
    })();
    return this.openRead;
  }
}
