export { ConfigError, loadConfig, loadConfigOrExit } from './load-config';
export { BaseEnv } from './common-env';
export { SecretBox, SealedSecret } from './secret-box';
export {
  DEV_ENCRYPTION_KEYS, DEV_INTERNAL_TOKEN, ProductionSecret, productionSecretProblems, productionSecretsOf, WELL_KNOWN_DEV_SECRETS, wellKnownDevValue,
} from './production-secrets';
export { accessTokenAad } from './access-token-aad';
