import type { Hub } from '../../src/hub';
import { createAgent } from '../../src/services/agents/agents';

const PASSWORD = 'doğru-parola-123';

/** Creates an agent, signs in through the real API and returns a JSON client using its Bearer token. */
export async function signedInAgent(hub: Hub, email: string, name: string, role: 'agent' | 'supervisor' | 'admin' = 'agent', teamIds: string[] = []) {
  const agent = await createAgent(hub.deps.models, { email, name, password: PASSWORD, role, teamIds });
  const login = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  const token = ((await login.json()) as { token: string }).token;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function api<T = any>(method: string, path: string, body?: unknown, auth = true) {
    const headers: Record<string, string> = auth ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${hub.url}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  }
  return { id: agent.id, token, api };
}
