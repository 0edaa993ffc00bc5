import { dictionary } from '@zxcvbn-ts/language-common';
import { KanalError } from '../../domain/errors';

/**
 * The policy for every new agent password (created by an admin, reset by an admin, changed by its owner). Sign-in
 * never applies it: a password set under an older policy still signs in.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

/** A password refused by the policy; the message says why and is safe to show (HTTP 400). */
export class WeakPasswordError extends KanalError {
  constructor(message: string) {
    super('invalid_input', message);
  }
}

/** Why a new password is refused, or null when it is acceptable. The one function every check goes through. */
export function passwordProblem(password: string): string | null {
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  // Spaces at either end are easy to type by mistake and add nothing: ten spaces are not a password.
  const core = Array.from(password.trim());
  if (core.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters, not counting spaces at the start or end`;
  if (new Set(core).size === 1) return 'must not be one character repeated';
  if (isCommonPassword(core.join(''))) return 'is too common; choose one that is harder to guess';
  return null;
}

/** Throws WeakPasswordError when the policy refuses the password. */
export function assertPasswordAllowed(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new WeakPasswordError(`password ${problem}`);
}

/**
 * Whether a password is on a list of common passwords: zxcvbn-ts's list of about 49,000 passwords seen most in
 * breaches (`@zxcvbn-ts/language-common`, maintained with the zxcvbn-ts estimator), plus a few Turkish ones it lacks,
 * compared without case.
 */
function isCommonPassword(password: string): boolean {
  return COMMON.has(password.toLocaleLowerCase('tr')) || COMMON.has(password.toLocaleLowerCase('en'));
}
const TURKISH = ['besiktas1903', 'beşiktaş1903', 'sifre12345', 'şifre12345', 'parola1234', 'parola12345', 'turkiye1923', 'türkiye1923', 'istanbul34'];
const COMMON = new Set([...(dictionary['passwords-common'] as string[]), ...TURKISH]);
