/**
 * A campaign's states (issue 20): draft → scheduled → running → paused → completed/cancelled.
 * The API moves a campaign with actions; the runner moves it only scheduled → running (its
 * start time came) and running → completed (every recipient planned, or its window ended).
 */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel';

export const FINAL_CAMPAIGN_STATUSES: ReadonlySet<CampaignStatus> = new Set(['completed', 'cancelled']);

/**
 * The status after `action`, or null when the action is not allowed from `current`.
 * `start` and `resume` go to `scheduled` while the start time is ahead, else `running`.
 * Repeating an action that already took effect answers the same status (idempotent).
 */
export function nextCampaignStatus(current: CampaignStatus, action: CampaignAction, startAt: number | null, now: number): CampaignStatus | null {
  const startOrWait: CampaignStatus = startAt !== null && startAt > now ? 'scheduled' : 'running';
  switch (action) {
    case 'start':
      if (current === 'draft') return startOrWait;
      return current === 'scheduled' || current === 'running' ? current : null;
    case 'pause':
      if (current === 'running' || current === 'scheduled') return 'paused';
      return current === 'paused' ? 'paused' : null;
    case 'resume':
      if (current === 'paused') return startOrWait;
      return current === 'running' || current === 'scheduled' ? current : null;
    case 'cancel':
      return current === 'completed' ? null : 'cancelled';
  }
}
