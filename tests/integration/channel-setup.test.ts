import { signedInAgent } from '../helpers/agent-api';
import { testConfig } from '../helpers/env';
import { startTestHub } from '../helpers/hub';

// The admin's channel setup API: what to paste into Twilio and websites, built from PUBLIC_URL; the web chat
// identity secret only on its own admin-only call; nothing for supervisors or agents.
let hub: Awaited<ReturnType<typeof startTestHub>>;

afterEach(async () => {
  await hub?.stop();
});

test('webhook URLs and the widget snippet use PUBLIC_URL; the secret is never in the overview', async () => {
  const secret = 'gizli-kimlik-anahtari-0123456789';
  hub = await startTestHub(testConfig('chsetup', {
    PUBLIC_URL: 'https://destek.example.com/', WIDGET_IDENTITY_SECRET: secret, TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'twilio-auth-token-123', TWILIO_FROM_NUMBER: '+905551112233', EMAIL_SUPPORT_ADDRESSES: 'destek@example.com',
    WHATSAPP_TEMPLATES: JSON.stringify({ siparis: { contentSid: `HX${'a'.repeat(32)}`, variables: ['customer'] } }),
  }), 'hub');
  const admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  const supervisor = await signedInAgent(hub, 'supervizor@kanal.test', 'Süpervizör', 'supervisor');
  const agent = await signedInAgent(hub, 'temsilci@kanal.test', 'Temsilci');

  const setup = await admin.api('GET', '/admin/channels');
  expect(setup.status).toBe(200);
  expect(setup.body).toMatchObject({
    publicUrl: 'https://destek.example.com', publicUrlConfigured: true,
    email: { supportAddresses: ['destek@example.com'] },
    twilio: {
      configured: true, fromNumber: '+905551112233',
      webhooks: { messages: 'https://destek.example.com/webhooks/twilio/messages', status: 'https://destek.example.com/webhooks/twilio/status' },
    },
    whatsapp: { route: 'twilio', official: true, templates: 1 },
    webchat: { scriptUrl: 'https://destek.example.com/widget.js', strictIdentity: true },
  });
  expect(setup.body.webchat.snippet).toContain('<script src="https://destek.example.com/widget.js" data-kanal-hub="https://destek.example.com" async></script>');
  expect(JSON.stringify(setup.body)).not.toContain(secret);
  expect(JSON.stringify(setup.body)).not.toContain('twilio-auth-token-123');

  const revealed = await fetch(`${hub.url}/api/admin/channels/webchat/identity-secret`, { headers: { authorization: `Bearer ${admin.token}` } });
  expect(revealed.headers.get('cache-control')).toBe('no-store');
  expect(await revealed.json()).toEqual({ secret });

  for (const who of [supervisor, agent]) {
    expect((await who.api('GET', '/admin/channels')).status).toBe(403);
    expect((await who.api('GET', '/admin/channels/webchat/identity-secret')).status).toBe(403);
  }
  expect((await admin.api('GET', '/admin/channels', undefined, false)).status).toBe(401);
  const doc = (await admin.api('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/admin/channels', '/api/admin/channels/webchat/identity-secret']));
});

test('without strict identity mode there is no secret to reveal (404 saying how to turn it on)', async () => {
  hub = await startTestHub(testConfig('chsetupoff'), 'hub');
  const admin = await signedInAgent(hub, 'yonetici@kanal.test', 'Yönetici', 'admin');
  const setup = await admin.api('GET', '/admin/channels');
  expect(setup.body).toMatchObject({ publicUrlConfigured: false, twilio: { configured: false }, webchat: { strictIdentity: false } });
  expect(setup.body.publicUrl).toBe(hub.url);
  const secret = await admin.api('GET', '/admin/channels/webchat/identity-secret');
  expect(secret.status).toBe(404);
  expect(secret.body.error).toContain('WIDGET_IDENTITY_SECRET');
});
