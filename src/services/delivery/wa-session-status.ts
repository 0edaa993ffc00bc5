/** Where the last state of each whatsapp-web.js session is kept (Redis), read by the admin API. */
export const sessionStatusKey = (prefix: string, account: string) => `${prefix}:wa:session:${account}`;
