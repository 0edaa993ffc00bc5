/** Realtime event names, shared by the server, workers, the widget and the agent console. Never rename one. */
export const AgentEvents = {
  conversationCreated: 'conversation.created',
  conversationUpdated: 'conversation.updated',
  messageCreated: 'message.created',
  messageUpdated: 'message.updated',
  typing: 'typing',
  /** Admins only: a whatsapp-web.js session's state and pairing QR (channels/whatsapp/session.ts SessionStatus). */
  whatsappSession: 'whatsapp.session',
  /** An agent's presence changed: {agentId, presence, since}. */
  agentPresence: 'agent:presence',
  /** Supervisors only, no payload: queue, presence or load changed; refetch the wallboard (at most 1/s per node). */
  supervisorChanged: 'supervisor:changed',
  /** Supervisors and the assignee: an SLA clock ran out ({ conversationId, kind, dueAt }). */
  slaBreached: 'sla:breached',
} as const;

export const WidgetEvents = {
  /** visitor -> server */
  send: 'message:send',
  typing: 'typing',
  history: 'history',
  /** server -> visitor */
  message: 'message',
  messageStatus: 'message:status',
  agentTyping: 'agent:typing',
} as const;

/** Socket.IO rooms. Workers publish into them through Redis; any hub node delivers. */
export const Rooms = {
  agent: (agentId: string) => `agent:${agentId}`,
  team: (teamId: string) => `team:${teamId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  /** All agents (inbox lists, unassigned conversations). */
  inbox: 'inbox',
  /** Admins (WhatsApp pairing QR codes and session states). */
  admins: 'admins',
  /** Supervisors and admins (wallboard refresh signals, SLA breaches). */
  supervisors: 'supervisors',
  /** A web chat visitor's sockets (all their tabs). */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
} as const;

export const Namespaces = { agents: '/agents', widget: '/widget' } as const;
