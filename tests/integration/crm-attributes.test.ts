import { attributesSigningInput } from '../../channels/webchat/session';
import { identityHash } from '../../channels/webchat/token';
import { identityId } from '../../src/services/identity/identity';
import { ingest } from '../../src/services/ingest/ingest';
import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';
import { emailMessage } from '../helpers/messages';

// Typed custom attributes: admins define them (audited), every type accepts its valid values in their stored form
// and refuses the rest with a 422 naming the key; agents set values but cannot define.
let hub: Awaited<ReturnType<typeof startTestHub>>;
let admin: Awaited<ReturnType<typeof signedInAgent>>;
let agent: Awaited<ReturnType<typeof signedInAgent>>;
let customerId = '';
let conversationId = '';

beforeAll(async () => {
  hub = await startTestHub(testConfig('crmattrs'), 'hub');
  admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  agent = await signedInAgent(hub, 'temsilci@kanal.test', 'Temsilci');
  const r = await ingest(hub.deps.models, null, emailMessage('attr1', 'zeynep@example.com'));
  customerId = String(r.customerId);
  conversationId = String(r.conversationId);
});
afterAll(async () => {
  await hub.stop();
});

const definitions = {
  company: { type: 'text', label: 'Şirket' },
  orders: { type: 'number', label: 'Sipariş sayısı' },
  renewal: { type: 'date', label: 'Yenileme' },
  vip: { type: 'boolean', label: 'VIP' },
  plan: { type: 'list', label: 'Plan', options: ['temel', 'pro', 'kurumsal'] },
  interests: { type: 'list', label: 'İlgi alanları', options: ['kargo', 'iade', 'fatura'], multi: true },
  ltv: { type: 'currency', label: 'Yaşam boyu değer', currency: 'TRY' },
  website: { type: 'url', label: 'Web sitesi' },
};

test('only admins define attributes; every definition change is audited', async () => {
  for (const [key, def] of Object.entries(definitions)) {
    expect((await agent.api('PUT', `/attribute-definitions/customer/${key}`, def)).status).toBe(403);
    const put = await admin.api('PUT', `/attribute-definitions/customer/${key}`, def);
    expect(put.status).toBe(200);
  }
  expect((await admin.api('PUT', '/attribute-definitions/conversation/order_no', { type: 'text', label: 'Sipariş no' })).status).toBe(200);
  const listed = await agent.api('GET', '/attribute-definitions/customer');
  expect(listed.status).toBe(200);
  expect(listed.body.map((d: { key: string }) => d.key)).toEqual(Object.keys(definitions).sort());

  // Changing the label is fine and recorded with the definition before; changing the type is refused.
  expect((await admin.api('PUT', '/attribute-definitions/customer/company', { type: 'text', label: 'Firma' })).status).toBe(200);
  expect((await admin.api('PUT', '/attribute-definitions/customer/company', { type: 'number', label: 'Firma' })).status).toBe(409);
  const audit = await admin.api('GET', '/attribute-definitions/customer/company/audit');
  expect(audit.body.map((e: { action: string }) => e.action)).toEqual(['attribute.update', 'attribute.define']);
  expect(audit.body[0]).toMatchObject({ actor: { name: 'Yönetici' }, before: { definition: { label: 'Şirket' }, after: { label: 'Firma' } } });
  expect((await agent.api('GET', '/attribute-definitions/customer/company/audit')).status).toBe(403);

  // Bad definitions: a list without options, a currency without its code, a key that is not a key.
  expect((await admin.api('PUT', '/attribute-definitions/customer/segment', { type: 'list', label: 'Segment' })).status).toBe(400);
  expect((await admin.api('PUT', '/attribute-definitions/customer/price', { type: 'currency', label: 'Fiyat' })).status).toBe(400);
  expect((await admin.api('PUT', '/attribute-definitions/customer/Bad-Key', { type: 'text', label: 'x' })).status).toBe(400);
});

test.each([
  ['company', 'Kanal A.Ş.', 'Kanal A.Ş.', ''],
  ['orders', '12,5', 12.5, 'on iki'],
  ['orders', 7, 7, '7 adet'],
  ['renewal', '2026-03-01', '2026-03-01T00:00:00.000Z', '01.03.2026'],
  ['vip', 'evet', true, 'belki'],
  ['vip', false, false, 'maybe'],
  ['plan', 'pro', 'pro', 'gold'],
  ['interests', 'kargo|iade', ['kargo', 'iade'], 'kargo|uzay'],
  ['ltv', '1499,90', { amount: 1499.9, currency: 'TRY' }, '12.345'],
  ['ltv', { amount: 10, currency: 'TRY' }, { amount: 10, currency: 'TRY' }, { amount: 10, currency: 'USD' }],
  ['website', 'https://kanal.example/shop', 'https://kanal.example/shop', 'javascript:alert(1)'],
])('%s: %j is stored as %j; %j is refused with a 422 naming the key', async (key, good, stored, bad) => {
  const ok = await agent.api('PATCH', `/customers/${customerId}/attributes`, { attributes: { [key]: good } });
  expect(ok.status).toBe(200);
  expect(ok.body.attributes[key]).toEqual(stored);
  if (bad !== '') {
    const refused = await agent.api('PATCH', `/customers/${customerId}/attributes`, { attributes: { [key]: bad } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain(`${key}:`);
    // Nothing changed.
    expect((await agent.api('GET', `/customers/${customerId}`)).body.attributes[key]).toEqual(stored);
  }
});

test('unknown keys are refused, null clears, and conversation attributes use their own definitions', async () => {
  const unknown = await agent.api('PATCH', `/customers/${customerId}/attributes`, { attributes: { shoe_size: 42, plan: 'temel' } });
  expect(unknown.status).toBe(422);
  expect(unknown.body.error).toContain('shoe_size: no such attribute');
  expect((await agent.api('GET', `/customers/${customerId}`)).body.attributes.plan).toBe('pro'); // all or nothing

  const cleared = await agent.api('PATCH', `/customers/${customerId}/attributes`, { attributes: { plan: null } });
  expect(cleared.body.attributes).not.toHaveProperty('plan');

  expect((await agent.api('PATCH', `/conversations/${conversationId}/attributes`, { attributes: { plan: 'pro' } })).status).toBe(422);
  const conv = await agent.api('PATCH', `/conversations/${conversationId}/attributes`, { attributes: { order_no: 'TR-1042' } });
  expect(conv.status).toBe(200);
  expect(conv.body.attributes).toEqual({ order_no: 'TR-1042' });
  expect((await agent.api('PATCH', `/conversations/${'0'.repeat(24)}/attributes`, { attributes: { order_no: 'x' } })).status).toBe(404);
  expect((await agent.api('PATCH', `/customers/${customerId}/attributes`, { attributes: {} }, false)).status).toBe(401);
});

test('the host site sets attributes through the widget\'s signed identity; unsigned or wrongly signed ones are refused', async () => {
  const secret = 'shop-identity-secret-0123456789';
  const strict = await startTestHub(testConfig('crmattrwidget', { WIDGET_IDENTITY_SECRET: secret }), 'hub');
  try {
    const strictAdmin = await signedInAgent(strict, 'yonetici@kanal.test', 'Yönetici', 'admin');
    await strictAdmin.api('PUT', '/attribute-definitions/customer/plan', definitions.plan);
    await strictAdmin.api('PUT', '/attribute-definitions/customer/orders', definitions.orders);
    const session = async (body: Record<string, unknown>) => {
      const res = await fetch(`${strict.url}/api/widget/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };
    const userId = 'musteri-42';
    const user = { userId, userHash: identityHash(userId, secret) };
    // Valid keys are kept; an undefined key and a value of the wrong type are dropped, not trusted.
    const attributes = JSON.stringify({ plan: 'pro', orders: 12, shoe_size: 42 });
    const signed = await session({ ...user, attributes, attributesHash: identityHash(attributesSigningInput(userId, attributes), secret) });
    expect(signed.status).toBe(200);
    const customer = await strict.deps.models.identities.byId(identityId('webchat', `u_${userId}`));
    expect((await strict.deps.models.customers.byId(customer!.customerId))!.attributes).toEqual({ plan: 'pro', orders: 12 });

    // Unsigned, signed for another user, or altered after signing: 401, nothing changes.
    const forged = JSON.stringify({ plan: 'temel' });
    expect((await session({ ...user, attributes: forged })).status).toBe(401);
    expect((await session({ ...user, attributes: forged, attributesHash: identityHash(attributesSigningInput('musteri-43', forged), secret) })).status).toBe(401);
    expect((await session({ ...user, attributes: forged, attributesHash: identityHash(attributesSigningInput(userId, attributes), secret) })).status).toBe(401);
    expect((await strict.deps.models.customers.byId(customer!.customerId))!.attributes.plan).toBe('pro');
  } finally {
    await strict.stop();
  }
});
