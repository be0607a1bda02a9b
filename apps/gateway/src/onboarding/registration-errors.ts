import { ApiError } from '@wabridge/http';
import { GraphCallError, graphErrorToApiError } from '../graph/graph.client';

/**
 * Meta's registration and signup errors as tenant errors that say what to do next, read from
 * the error the Graph client parsed (`GraphCallError.error`, libs/meta's `parseGraphError`).
 * Meta's code and text travel in `details` (they never hold a PIN, code or token: Meta does not
 * echo them).
 */
export function registrationError(err: unknown): never {
  if (!(err instanceof GraphCallError)) throw err;
  const e = err.error;
  const metaText = e.details ?? e.message;
  const details = { metaCode: e.code, metaSubcode: e.subcode, metaMessage: metaText };
  switch (e.code) {
    case 136025:
      throw new ApiError(400, /expired/i.test(metaText) ? 'verification_code_expired' : 'verification_code_invalid', metaText, details);
    case 133006:
      throw new ApiError(409, 'verification_required', 'verify the number first: request-code, then verify-code with the code Meta sent', details);
    case 133005:
      throw new ApiError(400, 'two_step_pin_mismatch', 'the PIN is not the two-step verification PIN set for this number', details);
    case 133008:
    case 133009:
      throw new ApiError(429, 'two_step_pin_locked', 'too many wrong PINs: Meta refuses further guesses for a while', details);
    case 4:
    case 80007:
    case 133016:
      throw new ApiError(429, 'meta_rate_limited', metaText, details);
    case 190:
      throw new ApiError(409, 'number_credentials_invalid', 'Meta refused the token stored for this number; repeat embedded signup or update the number\'s credentials', details);
    case 100:
      throw new ApiError(400, 'graph_rejected', metaText, details);
    default:
      throw graphErrorToApiError(err);
  }
}

/** Meta's answers to the embedded-signup exchange as tenant errors. */
export function signupError(err: unknown): never {
  if (!(err instanceof GraphCallError)) throw err;
  const e = err.error;
  const details = { metaCode: e.code, metaSubcode: e.subcode, metaMessage: e.message };
  if (e.code === 100) throw new ApiError(400, 'signup_code_invalid', 'Meta refused the signup code (unknown, expired or already used); run embedded signup again', details);
  if (e.code === 101 || e.code === 1) throw new ApiError(502, 'meta_app_rejected', 'Meta refused the Meta app\'s id or secret stored here', details);
  if (e.code === 190) throw new ApiError(502, 'upstream_error', 'Meta refused the business token it just issued', details);
  return registrationError(err);
}
