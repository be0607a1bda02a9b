export * from './topic';
export * from './common';
export * from './validate';
export * from './webhook/webhook-received.v1';
export * from './inbound/inbound-message.v1';
export * from './status/status-updated.v1';
export * from './account/account-event.v1';
