import { Types } from 'mongoose';
import { createAgent } from '../../src/services/agents/agents';
import { ingest } from '../../src/services/ingest/ingest';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// Attachment storage (GridFS on the real store) through the agent API: upload, sniffing, limits, download auth.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let token = '';
const MAX = 64 * 1024;
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);

beforeAll(async () => {
  hub = await startTestHub(testConfig('attach', { ATTACHMENT_MAX_BYTES: String(MAX) }));
  await createAgent(hub.deps.models, { email: 'ece@kanal.test', name: 'Ece', password: 'parola-parola-1', role: 'agent', teamIds: [] });
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ece@kanal.test', password: 'parola-parola-1' }),
  });
  token = ((await res.json()) as { token: string }).token;
});
afterAll(() => hub.stop());

const upload = (name: string, body: Buffer, contentType: string, auth = true) =>
  fetch(`${hub.url}/api/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST', body: new Uint8Array(body), headers: { 'content-type': contentType, ...(auth ? { authorization: `Bearer ${token}` } : {}) },
  });
const files = () => hub.deps.db.collection('attachments.files').countDocuments();

test('an uploaded file downloads byte for byte, only for signed-in agents, with its Turkish name intact', async () => {
  const res = await upload('Fatura Şubat İade.png', png, 'image/png');
  expect(res.status).toBe(201);
  const stored = (await res.json()) as { url: string; contentType: string; size: number; name: string };
  expect(stored).toMatchObject({ contentType: 'image/png', size: png.length, name: 'Fatura Şubat İade.png' });

  expect((await fetch(`${hub.url}${stored.url}`)).status).toBe(401);
  const down = await fetch(`${hub.url}${stored.url}`, { headers: { authorization: `Bearer ${token}` } });
  expect(down.status).toBe(200);
  expect(down.headers.get('content-type')).toBe('image/png');
  expect(down.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('Fatura Şubat İade.png')}`);
  expect(Buffer.from(await down.arrayBuffer()).equals(png)).toBe(true);
});

test('the type comes from the bytes: HTML claiming to be an image is served as a download, never rendered', async () => {
  const res = await upload('kedi.png', Buffer.from('<html><script>alert(1)</script></html>'), 'image/png');
  const stored = (await res.json()) as { url: string; contentType: string };
  expect(stored.contentType).toBe('application/octet-stream');
  const down = await fetch(`${hub.url}${stored.url}`, { headers: { authorization: `Bearer ${token}` } });
  expect(down.headers.get('content-type')).toBe('application/octet-stream');
  expect(down.headers.get('content-disposition')).toMatch(/^attachment;/);
  expect(down.headers.get('x-content-type-options')).toBe('nosniff');
});

test('an upload above the limit is refused with 413 and leaves nothing stored; unauthenticated uploads get 401', async () => {
  const before = await files();
  const res = await upload('büyük.bin', Buffer.alloc(MAX + 1, 1), 'application/octet-stream');
  expect(res.status).toBe(413);
  expect(((await res.json()) as { error: string }).error).toContain(String(MAX));
  expect((await upload('x.png', png, 'image/png', false)).status).toBe(401);
  expect(await files()).toBe(before);
  expect((await fetch(`${hub.url}/api/attachments/${new Types.ObjectId()}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
});

test('a reply carries uploaded attachments; an unknown attachment key is a 422', async () => {
  const { conversationId } = await ingest(hub.deps.models, null, {
    channel: 'webchat', dedupeKey: `webchat:${new Types.ObjectId()}`, from: { address: 'v_attach' }, text: 'Faturamı gönderir misiniz?',
    attachments: [], sentAt: new Date().toISOString(),
  });
  const stored = (await (await upload('fatura.png', png, 'image/png')).json()) as { storageKey: string };
  const reply = (attachments: string[], text = '') => fetch(`${hub.url}/api/conversations/${conversationId}/reply`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text, attachments }),
  });
  const ok = await reply([stored.storageKey]);
  expect(ok.status).toBe(202);
  const view = (await ok.json()) as { attachments: Array<{ name: string; storageKey: string; contentType: string }> };
  expect(view.attachments).toEqual([expect.objectContaining({ name: 'fatura.png', storageKey: stored.storageKey, contentType: 'image/png' })]);
  expect((await reply([String(new Types.ObjectId())])).status).toBe(422);
  expect((await reply([])).status).toBe(400);
});
