/** DI tokens of the gateway's infrastructure. */
export const GATEWAY_ENV = Symbol('GATEWAY_ENV');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const SECRET_BOX = Symbol('SECRET_BOX');
export const CLOCK = Symbol('CLOCK');
export const RATE_LIMITER = Symbol('RATE_LIMITER');
export const CREDENTIAL_VERIFIERS = Symbol('CREDENTIAL_VERIFIERS');
