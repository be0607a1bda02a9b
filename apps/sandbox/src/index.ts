/** Public surface of the sandbox for in-process use (tests, tools). `main.ts` boots it from env. */
export { createSandboxApp, type SandboxAppOptions } from './sandbox-app';
export { FakeClock, systemClock, type Clock, type Random } from './common/clock';
export { defaultSettings, type SandboxSettings } from './config/sandbox-settings';
export { SandboxEnv } from './config/sandbox.env';
export type { GraphCall } from './calls/calls-log';
export type { WebhookPoster } from './webhooks/webhook-outbox';
