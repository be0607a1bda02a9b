/** Injection token of the Clock (@wabridge/time) the analytics service reads time from. */
export const CLOCK = Symbol('CLOCK');
