export * from './violations';
export { isJsonObject } from './rule-kit';
export * from './message-object.rules';
export * from './send-body.rules';
export * from './examples';
