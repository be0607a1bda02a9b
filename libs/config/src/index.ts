export { ConfigError, loadConfig, loadConfigOrExit } from './load-config';
export { BaseEnv, KAFKA_SASL_MECHANISMS, type KafkaSaslMechanism } from './common-env';
export { IsReadableFile } from './readable-file';
export { SecretBox, SealedSecret } from './secret-box';
export {
  DEV_ENCRYPTION_KEYS, DEV_INTERNAL_TOKEN, ProductionSecret, productionSecretProblems, productionSecretsOf, WELL_KNOWN_DEV_SECRETS, wellKnownDevValue,
} from './production-secrets';
export { accessTokenAad } from './access-token-aad';
export { ColumnReseal, describeReseal, parseResealCommandArgs, resealColumns, ResealCommandArgs, ResealOptions, ResealReport, runResealCommand, SealedColumnStore, SealedRow } from './reseal';
export { BootMemoryRelease, CollectionFlavor, collectGarbage, releaseBootMemory } from './boot-memory';
export { IdleMemoryRelease, IdleMemoryReleaseOptions, releaseMemoryWhenIdle } from './idle-memory';
