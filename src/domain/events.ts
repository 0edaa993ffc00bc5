/** Realtime event names, shared by the server, workers, the widget and the agent console. Never rename one. */
export const AgentEvents = {
  conversationCreated: 'conversation.created',
  conversationUpdated: 'conversation.updated',
  messageCreated: 'message.created',
  messageUpdated: 'message.updated',
  typing: 'typing',
  /**
   * Whoever has the conversation open ({ conversationId, viewers: [{id, name}] (at most VIEWERS_SHOWN), total }),
   * sent to its room when someone opens or leaves it; the console shows the others ("Selin Kaya is viewing").
   */
  conversationViewers: 'conversation:viewers',
  /** One agent (their room): a note @mentions them ({ conversationId, messageId, from: {id, name}, preview }). */
  noteMention: 'note:mention',
  /** One agent (their room): a new notification for the bell ({ notification: NotificationView, unread }). */
  notification: 'notification:new',
  /** One agent (their room): notifications were read in another tab ({ unread }). */
  notificationsRead: 'notification:read',
  /** Admins only: a whatsapp-web.js session's state and pairing QR (channels/whatsapp/session.ts SessionStatus). */
  whatsappSession: 'whatsapp.session',
  /** An agent's presence changed: {agentId, presence, since}. */
  agentPresence: 'agent:presence',
  /** Every agent: a customer's personal data was erased ({ customerId }); a console showing it reloads the thread. */
  customerErased: 'customer:erased',
  /** Supervisors only, no payload: queue, presence or load changed; refetch the wallboard (at most 1/s per node). */
  supervisorChanged: 'supervisor:changed',
  /** Supervisors and the assignee: an SLA clock ran out ({ conversationId, kind, dueAt }). */
  slaBreached: 'sla:breached',
  /** Admins only: the hub turned an outgoing webhook off after repeated failures ({ webhookId, url, reason }). */
  webhookDisabled: 'webhook:disabled',
  /** Every agent: an admin changed labels or canned responses ({ what: 'labels' | 'canned' }); refetch them. */
  settingsChanged: 'settings:changed',
} as const;

export const WidgetEvents = {
  /** visitor -> server */
  send: 'message:send',
  typing: 'typing',
  history: 'history',
  /** Receipts of agent replies the widget showed ({ ids, status: 'delivered' | 'read' }) + ack. */
  receipt: 'message:receipt',
  /** The visitor leaves an email to be answered at (offline capture: { email }) + ack. */
  contact: 'contact:email',
  /** What the widget shows around the thread (greeting, open/online state, reply time, conversation status) + ack. */
  state: 'widget:state',
  /** server -> visitor */
  message: 'message',
  /**
   * Delivery state of the visitor's own messages: { id, clientId?, status: 'delivered' } once stored (the console has
   * it), { ids, status: 'read' } once an agent had the thread open.
   */
  messageStatus: 'message:status',
  /** The visitor's conversation changed status ({ status }): the widget shows "resolved, writing again reopens it". */
  conversationStatus: 'conversation:status',
  agentTyping: 'agent:typing',
  /** A renewed session token ({token}), sent on connect and before the old one expires: the widget stores it. */
  token: 'session:token',
  /**
   * Over a rate limit ({code: 'rate_limited', event, retryAfterMs, closing?}): sent for an event that has no ack to
   * carry the refusal (typing), once per refusal, and before the hub closes a socket that kept sending regardless
   * (`closing: true`; the widget reconnects after retryAfterMs).
   */
  rateLimited: 'rate:limited',
} as const;

/** Socket.IO rooms. Workers publish into them through Redis; any hub node delivers. */
export const Rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  team: (teamId: string) => `team:${teamId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  /**
   * Agents who see every conversation (supervisors and admins; every agent while team access is open): every
   * conversation's events. Team-restricted agents get theirs through their team rooms, their own room and `queue`.
   */
  inbox: 'inbox',
  /** Every agent: events about agents, not conversations (presence). */
  agents: 'agents',
  /** Events of conversations with no team and nobody assigned (the "no team" queue every agent may take from). */
  queue: 'inbox:queue',
  /** Admins (WhatsApp pairing QR codes and session states). */
  admins: 'admins',
  /** Supervisors and admins (SLA breaches, wallboard refresh signals). */
  supervisors: 'supervisors',
  /** The agent sockets of one sign-in session (closed when the session ends). */
  session: (sessionId: string) => `session:${sessionId}`,
  /** A web chat visitor's sockets (all their tabs). */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
} as const;

export const Namespaces = { agents: '/agents', widget: '/widget' } as const;
