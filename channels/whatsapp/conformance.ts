import { twilioKit } from '../sms/conformance';

// The official route (Twilio). The whatsapp-web.js route has its own stand-in (tests/helpers/wwebjs-standin.ts,
// tests/integration/whatsapp.test.ts).
export const kit = twilioKit('whatsapp:', '+9053222', 'WhatsApp');
