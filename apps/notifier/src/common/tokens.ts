/** Injection tokens of the notifier. */
export const CLOCK = Symbol('CLOCK');
export const SECRET_BOX = Symbol('SECRET_BOX');
