import { z } from 'zod';

/** Web chat's settings (docs/widget.md), composed into the root config. */
export const webchatConfigShape = {
  WIDGET_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters'),
  // How long a web chat session token lives after it was issued; every widget connect renews it (sliding).
  WIDGET_TOKEN_TTL_DAYS: z.coerce.number().positive().max(3650).default(30),
  // When set, the web chat widget runs in strict identity mode: the host site signs user ids with this secret.
  WIDGET_IDENTITY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // The largest file a visitor may send from the widget (within ATTACHMENT_MAX_BYTES).
  WIDGET_UPLOAD_MAX_MB: z.coerce.number().positive().max(100).default(10),
  // A request header the hub's own reverse proxy sets to the client's city (e.g. cf-ipcity): the visitor's readable
  // name and profile use it; unset, the city is guessed from the visitor's time zone. Never set it without that proxy.
  WIDGET_CITY_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name').optional(),
};
