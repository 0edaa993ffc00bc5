import { loadConfigOrExit } from './config';
import { startWhatsAppSession } from './whatsapp-session';

// Process entry of one whatsapp-web.js session (WHATSAPP_ROUTE=wwebjs): `node --import tsx src/whatsapp-main.ts`.
async function main() {
  const running = await startWhatsAppSession(loadConfigOrExit());
  const stop = () => void running.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
