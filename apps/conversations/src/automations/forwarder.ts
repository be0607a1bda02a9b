import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Injectable, Logger } from '@nestjs/common';
import { pinnedLookup, TargetRefusedError } from '@wabridge/http';
import { counter } from '@wabridge/telemetry';
import { ConversationsEnv } from '../conversations.env';
import { AutomationRulesService } from './automation-rules.service';

const forwards = counter<'outcome'>('conversations_automation_forwards_total', 'Forward actions: delivered (2xx), failed (other status, network, timeout), refused (SSRF guard)', ['outcome']);

export interface ForwardJob {
  url: string;
  /** `<inbound wamid>:<rule id>`: the same for a redelivery, so a receiver can deduplicate. */
  id: string;
  body: Record<string, unknown>;
}

/**
 * The forward action: one POST of the inbound message to the rule's URL, after the fold
 * committed, checked by the SSRF guard again at send time and connected to the checked address
 * (no redirects followed). Best effort, one attempt (ADR 0133): durable, signed, retried delivery
 * is the notifier's `message.received`.
 */
@Injectable()
export class Forwarder {
  private readonly log = new Logger(Forwarder.name);

  constructor(
    private readonly rules: AutomationRulesService,
    private readonly env: ConversationsEnv,
  ) {}

  /** Starts the forwards and answers at once (they must not hold the consumer); `settled` resolves when all ended (tests). */
  dispatch(jobs: ForwardJob[]): { settled: Promise<void> } {
    return { settled: Promise.all(jobs.map((j) => this.forward(j))).then(() => undefined) };
  }

  private async forward(job: ForwardJob): Promise<void> {
    try {
      const target = await this.rules.guard.check(job.url);
      const status = await this.post(job, target);
      forwards.inc({ outcome: status >= 200 && status < 300 ? 'delivered' : 'failed' });
      if (status < 200 || status >= 300) this.log.warn(`automation forward ${job.id} to ${target.url.host}: HTTP ${status}`);
    } catch (err) {
      forwards.inc({ outcome: err instanceof TargetRefusedError ? 'refused' : 'failed' });
      this.log.warn(`automation forward ${job.id}: ${(err as Error).message}`);
    }
  }

  private post(job: ForwardJob, target: Awaited<ReturnType<AutomationRulesService['guard']['check']>>): Promise<number> {
    const body = Buffer.from(JSON.stringify(job.body));
    const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const req = request(target.url, {
        method: 'POST', lookup: pinnedLookup(target), timeout: this.env.AUTOMATIONS_FORWARD_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': String(body.length), 'webhook-id': job.id, 'user-agent': 'Wabridge-Automations/1' },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.env.AUTOMATIONS_FORWARD_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
