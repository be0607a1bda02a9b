import { CampaignAction, CampaignStatus, nextCampaignStatus } from './campaign-state';

const NOW = Date.UTC(2026, 11, 6, 9);

describe('campaign state machine', () => {
  const follow = (actions: CampaignAction[], startAt: number | null = null): (CampaignStatus | null)[] => {
    let s: CampaignStatus = 'draft';
    return actions.map((a) => {
      const n = nextCampaignStatus(s, a, startAt, NOW);
      if (n) s = n;
      return n;
    });
  };

  it('starts at once without a start time, or waits as scheduled for one ahead', () => {
    expect(follow(['start'])).toEqual(['running']);
    expect(follow(['start'], NOW + 60_000)).toEqual(['scheduled']);
    expect(follow(['start'], NOW - 60_000)).toEqual(['running']);
  });

  it('pauses and resumes, and repeating an action answers the same status', () => {
    expect(follow(['start', 'pause', 'pause', 'resume', 'resume', 'start'])).toEqual(['running', 'paused', 'paused', 'running', 'running', 'running']);
  });

  it('resumes a campaign paused before its start time as scheduled', () => {
    expect(follow(['start', 'pause', 'resume'], NOW + 60_000)).toEqual(['scheduled', 'paused', 'scheduled']);
  });

  it('refuses to pause or resume a draft, and anything but cancel after cancel', () => {
    expect(follow(['pause', 'resume'])).toEqual([null, null]);
    expect(follow(['cancel', 'start', 'pause', 'resume', 'cancel'])).toEqual(['cancelled', null, null, null, 'cancelled']);
  });

  it('keeps a completed campaign completed', () => {
    for (const a of ['start', 'pause', 'resume', 'cancel'] as CampaignAction[]) expect(nextCampaignStatus('completed', a, null, NOW)).toBeNull();
  });
});
