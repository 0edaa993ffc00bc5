import pino from 'pino';

/** Secrets never reach the logs: auth headers, cookies, tokens and passwords are redacted wherever they appear. */
export function createLogger(level: string, name = 'kanal') {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.passwordHash', '*.secret'],
      censor: '[redacted]',
    },
  });
}
