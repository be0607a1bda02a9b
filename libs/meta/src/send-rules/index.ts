export * from './violations';
export * from './message-object.rules';
export * from './send-body.rules';
export * from './examples';
