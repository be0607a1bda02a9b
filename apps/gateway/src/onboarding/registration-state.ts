import { ApiError } from '@wabridge/http';

/**
 * A number's registration with Meta (ADR 0167). Embedded signup discovers numbers `pending`;
 * `request-code` → `code_requested`, `verify-code` → `code_verified`, `register` → `registered`
 * (the number becomes active and is published). Only a registered number sends.
 */
export const REGISTRATION_STATUSES = ['pending', 'code_requested', 'code_verified', 'registered'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** Why a discovered number is paused until it is registered (the dispatcher holds its queue meanwhile). */
export const NOT_REGISTERED_REASON = 'not registered with Meta yet (request-code, verify-code, register)';

export interface RegistrationColumns {
  registration_status?: RegistrationStatus;
  two_step_pin_set?: boolean;
}

/** Error code of a send from a number that is not registered yet (409; Meta's 133010 on the Cloud API route). */
export const NUMBER_NOT_REGISTERED = 'number_not_registered';

/** 409 for a send from a number that is not registered yet (the registry row carries the columns). */
export function assertRegistered(row: object): void {
  const status = (row as RegistrationColumns).registration_status;
  if (status !== undefined && status !== 'registered') {
    throw new ApiError(409, NUMBER_NOT_REGISTERED, 'this phone number is not registered with Meta yet: POST /v1/phone-numbers/{id}/request-code, /verify-code, /register first', { registrationStatus: status });
  }
}

/** The next state after a successful step (a registered number stays registered when it re-verifies). */
export function afterStep(current: RegistrationStatus, step: 'request-code' | 'verify-code'): RegistrationStatus {
  if (current === 'registered') return current;
  return step === 'request-code' ? 'code_requested' : 'code_verified';
}
