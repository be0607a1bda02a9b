/** Injection token of the Clock (@wabridge/time) the conversations service reads time from. */
export const CLOCK = Symbol('CLOCK');
