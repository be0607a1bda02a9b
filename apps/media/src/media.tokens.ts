/** Injection token of the Clock (@wabridge/time) the media service reads time from. */
export const CLOCK = Symbol('CLOCK');
