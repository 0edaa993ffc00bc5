import { KanalError, type ErrorCode } from '../../domain/errors';

const CODE_OF: Record<number, ErrorCode> = { 400: 'invalid_input', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'payload_too_large', 422: 'unprocessable' };

/** A CRM request the caller can fix (bad filter, unknown attribute, a rejected import): its status's code, why, and the per-key problems. */
export class CrmError extends KanalError {
  constructor(message: string, status: 400 | 403 | 404 | 409 | 413 | 422 = 400, problems?: unknown) {
    super(CODE_OF[status]!, message, problems === undefined ? {} : { details: { problems } });
  }
}
