import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicJob } from '@wabridge/time';
import { ResolvedGatewayEnv } from '../config/gateway.env';
import { RequestLogRepository } from '../request-log/request-log.repository';
import { GATEWAY_ENV } from '../tokens';
import { MessagesRepository } from './messages.repository';

const DAY_MS = 86_400_000;

/**
 * Retention of the message projection (ADR 0076): settled messages older than
 * GATEWAY_MESSAGE_RETENTION_DAYS and statuses that never found their message older than
 * GATEWAY_UNMATCHED_STATUS_RETENTION_DAYS go, in chunks, once at boot and then every
 * GATEWAY_RETENTION_INTERVAL_MS. Messages still on their way are kept whatever their age. The
 * request log (ADR 0180) goes after REQUEST_LOG_RETENTION_DAYS in the same run.
 */
@Injectable()
export class MessageRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(MessageRetentionService.name);
  private readonly job: PeriodicJob;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly requestLogs: RequestLogRepository,
    @Inject(GATEWAY_ENV) private readonly env: ResolvedGatewayEnv,
  ) {
    this.job = new PeriodicJob(() => this.prune(Date.now()), env.GATEWAY_RETENTION_INTERVAL_MS, (err) => this.log.warn(`retention prune failed: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }

  async prune(now: number): Promise<{ messages: number; unmatchedStatuses: number; requestLogs: number }> {
    const chunk = this.env.GATEWAY_RETENTION_CHUNK_ROWS;
    const messages = await this.messages.pruneSettled(new Date(now - this.env.GATEWAY_MESSAGE_RETENTION_DAYS * DAY_MS), chunk);
    const unmatchedBefore = new Date(now - this.env.GATEWAY_UNMATCHED_STATUS_RETENTION_DAYS * DAY_MS);
    const unmatchedStatuses = await this.messages.pruneUnmatchedStatuses(unmatchedBefore, chunk)
      + await this.messages.pruneEarlyEvents(unmatchedBefore, chunk);
    const requestLogs = await this.requestLogs.prune(new Date(now - this.env.REQUEST_LOG_RETENTION_DAYS * DAY_MS), chunk);
    if (messages + unmatchedStatuses + requestLogs > 0) this.log.log(`retention: ${messages} messages, ${unmatchedStatuses} unmatched statuses, ${requestLogs} request log rows deleted`);
    return { messages, unmatchedStatuses, requestLogs };
  }
}
