/** Injection token of the Clock (@wabridge/time) the campaigns service reads time from. */
export const CLOCK = Symbol('CLOCK');
