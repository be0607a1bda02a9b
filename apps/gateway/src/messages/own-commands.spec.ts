import { HEADER, OUTBOUND_EVENTS_V1, OUTBOUND_REQUESTED_V1 } from '@wabridge/contracts';
import { isOwnSource, skipOwnCommands, sourceHeader } from './message-projection.service';

describe("the gateway's consumer passes over its own commands by header (ADR 0196)", () => {
  it('skips commands it accepted itself (api, cloud-api), never those of internal producers', () => {
    expect(skipOwnCommands(OUTBOUND_REQUESTED_V1.topic, sourceHeader('api'))).toBe(true);
    expect(skipOwnCommands(OUTBOUND_REQUESTED_V1.topic, sourceHeader('cloud-api'))).toBe(true);
    expect(skipOwnCommands(OUTBOUND_REQUESTED_V1.topic, sourceHeader('kafka'))).toBe(false);
    expect(skipOwnCommands(OUTBOUND_REQUESTED_V1.topic, sourceHeader('campaign'))).toBe(false);
    // no header (an older producer, another tool): decoded and judged by the payload's source
    expect(skipOwnCommands(OUTBOUND_REQUESTED_V1.topic, {})).toBe(false);
  });

  it('skips nothing on other topics', () => {
    expect(skipOwnCommands(OUTBOUND_EVENTS_V1.topic, { [HEADER.source]: 'api' })).toBe(false);
  });

  it('the payload rule and the header rule agree', () => {
    for (const s of ['api', 'cloud-api', 'kafka', 'campaign', 'automation']) {
      expect(skipOwnCommands(OUTBOUND_REQUESTED_V1.topic, sourceHeader(s))).toBe(isOwnSource(s));
    }
  });
});
