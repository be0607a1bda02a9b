import { ConfigError, loadConfig } from '@wabridge/config';
import { DispatcherEnv } from './dispatcher.env';

describe('DispatcherEnv IDLE_MEMORY_RELEASE_MS (ADR 0204)', () => {
  it('defaults to 30 s (ADR 0215), takes 0 (never) and refuses a negative or fractional value', () => {
    expect(loadConfig(DispatcherEnv, {}).IDLE_MEMORY_RELEASE_MS).toBe(30000);
    expect(loadConfig(DispatcherEnv, { IDLE_MEMORY_RELEASE_MS: '0' }).IDLE_MEMORY_RELEASE_MS).toBe(0);
    expect(() => loadConfig(DispatcherEnv, { IDLE_MEMORY_RELEASE_MS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig(DispatcherEnv, { IDLE_MEMORY_RELEASE_MS: '1.5' })).toThrow(ConfigError);
  });
});
