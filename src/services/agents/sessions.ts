import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long an agent session lives (the token's lifetime too). */
export const AGENT_SESSION_TTL_S = 12 * 3600;

// Ends every session of an agent except ARGV[2] and returns the ids it ended (atomic against a concurrent sign-out).
const END_ALL = `
local ended = {}
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if sid ~= ARGV[2] then
    redis.call('DEL', ARGV[1] .. sid)
    redis.call('SREM', KEYS[1], sid)
    ended[#ended + 1] = sid
  end
end
return ended`;

/**
 * The agents' open sessions, in Redis so every hub node sees the same and a request checks its session with one
 * GET (no store read). A session token (JWT) names its session id; once the session is ended here the token is
 * refused on the next request and the next socket event, though its signature and expiry are still good.
 * Keys: `<prefix>:session:<sid>` = agent id, expiring with the token; `<prefix>:agent-sessions:<agent id>` = the
 * agent's session ids (for "sign out everywhere"; ids that expired meanwhile are dropped when it is read).
 * A Redis that loses its data signs everyone out: it fails closed.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlS = AGENT_SESSION_TTL_S,
  ) {}

  private sessionKey = (sid: string) => `${this.prefix}:session:${sid}`;
  private agentKey = (agentId: string) => `${this.prefix}:agent-sessions:${agentId}`;

  /** Opens a session for the agent; returns its id. */
  async open(agentId: string): Promise<string> {
    const sid = randomBytes(18).toString('base64url');
    await this.redis.multi()
      .set(this.sessionKey(sid), agentId, 'EX', this.ttlS)
      .sadd(this.agentKey(agentId), sid)
      .expire(this.agentKey(agentId), this.ttlS) // the set lives as long as its newest session
      .exec();
    return sid;
  }

  /** Whether the session is open and is this agent's. */
  async isOpen(sid: string, agentId: string): Promise<boolean> {
    return (await this.redis.get(this.sessionKey(sid))) === agentId;
  }

  /** Ends one session (sign-out). */
  async end(agentId: string, sid: string): Promise<void> {
    await this.redis.multi().del(this.sessionKey(sid)).srem(this.agentKey(agentId), sid).exec();
  }

  /** Ends every session of the agent, or every one but `keep`; returns the ids it ended. */
  async endAll(agentId: string, keep?: string): Promise<string[]> {
    return (await this.redis.eval(END_ALL, 1, this.agentKey(agentId), `${this.prefix}:session:`, keep ?? '')) as string[];
  }
}
