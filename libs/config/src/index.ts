export { ConfigError, loadConfig, loadConfigOrExit } from './load-config';
export { BaseEnv } from './common-env';
export { SecretBox, SealedSecret } from './secret-box';
