/**
 * A Host (or X-Forwarded-Host) value that is `name[:port]`: letters, digits, dots, hyphens, underscores as in
 * container names; or a bracketed IPv6 address. Anything else (spaces, semicolons, slashes, `@`) is not a host a
 * browser or Twilio could have called, and must not be written into a policy header or a URL.
 */
const HOST_NAME = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const isHostName = (value: string): boolean => HOST_NAME.test(value);
