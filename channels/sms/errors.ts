/**
 * Twilio error codes -> a reason an agent can act on (shown in the thread). `permanent` means retrying the same
 * message cannot help, so the send fails at once instead of burning the retry budget.
 * https://www.twilio.com/docs/api/errors
 */
const TWILIO_ERRORS: Record<number, { reason: string; permanent: boolean }> = {
  20003: { reason: 'Twilio rejected the account credentials', permanent: true },
  20429: { reason: 'Twilio rate limit reached; will retry', permanent: false },
  21211: { reason: 'the number is not a valid phone number', permanent: true },
  21408: { reason: 'sending to this country is not enabled on the Twilio account', permanent: true },
  21610: { reason: 'the customer has opted out (replied STOP); they must send START first', permanent: true },
  21612: { reason: 'Twilio cannot route to this number from our sender', permanent: true },
  21614: { reason: 'the number cannot receive SMS (not a mobile number)', permanent: true },
  21617: { reason: 'the message is too long', permanent: true },
  21660: { reason: 'our sender number does not belong to the Twilio account', permanent: true },
  30001: { reason: 'Twilio queue overflow; will retry', permanent: false },
  30002: { reason: 'the Twilio account is suspended', permanent: true },
  30003: { reason: 'the phone is unreachable (off or out of coverage)', permanent: false },
  30004: { reason: 'the recipient blocked the message', permanent: true },
  30005: { reason: 'unknown number: it may no longer exist', permanent: true },
  30006: { reason: 'the number is a landline or unreachable by the carrier', permanent: true },
  30007: { reason: 'the carrier filtered the message as spam', permanent: true },
  30008: { reason: 'delivery failed for an unknown reason at the carrier', permanent: false },
  63003: { reason: 'the number is not on WhatsApp', permanent: true },
  63016: { reason: 'outside the 24-hour WhatsApp window: only an approved template can be sent', permanent: true },
  63018: { reason: 'WhatsApp rate limit reached; will retry', permanent: false },
  63024: { reason: 'WhatsApp refused the recipient (invalid or not opted in)', permanent: true },
};

export interface TwilioErrorInfo {
  reason: string;
  permanent: boolean;
  /** False for codes missing from the table. */
  known: boolean;
}

/** A readable reason for a Twilio error code; unknown codes keep Twilio's own message and the code. */
export function twilioError(code: number | string | undefined, fallback?: string): TwilioErrorInfo {
  const n = typeof code === 'string' ? Number.parseInt(code, 10) : code;
  const known = n !== undefined && Number.isFinite(n) ? TWILIO_ERRORS[n] : undefined;
  if (known) return { reason: `${known.reason} (Twilio ${n})`, permanent: known.permanent, known: true };
  const reason = fallback ? `${fallback}${n ? ` (Twilio ${n})` : ''}` : n ? `Twilio error ${n}` : 'delivery failed';
  return { reason, permanent: false, known: false };
}
