export { waitFor } from './wait-for';
export { TEST_BROKERS, randomSuffix, testConnection, TopicCollector, CollectedMessage, createTestTopics } from './kafka-helpers';
export { FIXTURE_DIR, fixtureIndex, fixtureFiles, fixtureBytes, uniqueFixture, UniqueFixture, FixtureIndexEntry } from './fixtures';
export { postSignedWebhook, PostResult } from './webhook-client';
export { ServiceProcess, freePort, REPO_ROOT } from './service-process';
export { startOtlpReceiver, spanAttribute, OtlpReceiver, OtlpSpan, OtlpAttribute } from './otlp-receiver';
export { listenInProcess, closeInProcess, InProcessService } from './in-process-service';
export { sqlLines, sqlOutsideRepositories, NO_SQL_ROLES } from './sql-outside-repositories';
export { exposedGc, oldSpaceUsed, TestGc } from './gc';
