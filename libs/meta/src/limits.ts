/**
 * Meta's per-pair limit (error 131056): one business number may send a burst of 45 messages to
 * one user, refilled at one per 6 s. The dispatcher paces by it and the sandbox enforces it.
 */
export const META_PAIR_LIMIT = { burst: 45, refillMs: 6000 } as const;
