import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { gauge } from '@wabridge/telemetry';
import { Clock, Random } from '../common/clock';
import { CLOCK, RANDOM, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { WebhookUpdate } from './webhook-envelope';
import { OutboxStats, WEBHOOK_POSTER, WebhookOutbox, WebhookPoster, WebhookTarget } from './webhook-outbox';

const outboxGauge = gauge('sandbox_webhook_outbox', 'Webhook outbox: updates pending and counters since start', ['stat']);

/** Runs the outbox on a timer for the app's lifetime. */
@Injectable()
export class WebhookOutboxService implements OnModuleInit, OnApplicationShutdown {
  readonly outbox: WebhookOutbox;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
    @Inject(CLOCK) clock: Clock,
    @Inject(RANDOM) random: Random,
    @Inject(WEBHOOK_POSTER) poster: WebhookPoster,
  ) {
    this.outbox = new WebhookOutbox(
      clock,
      random,
      {
        maxPending: settings.outboxMaxPending,
        batchMax: settings.webhookBatchMax,
        concurrency: settings.webhookConcurrency,
        timeoutMs: settings.webhookTimeoutMs,
        maxAttempts: settings.webhookMaxAttempts,
        retryBaseMs: settings.webhookRetryBaseMs,
        retryMaxMs: settings.webhookRetryMaxMs,
      },
      poster,
    );
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      void this.outbox.tick();
      for (const [stat, value] of Object.entries(this.outbox.stats())) outboxGauge.set({ stat }, value);
    }, this.settings.webhookTickMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.outbox.settle();
  }

  enqueue(target: WebhookTarget, update: WebhookUpdate, dueAt?: number): boolean {
    // No callback URL: a WABA shared through embedded signup whose app has not subscribed
    // (`POST /{waba-id}/subscribed_apps`) gets no webhooks, as with Meta. Nothing to deliver is
    // not a full outbox: the caller's event still happened.
    if (target.url === '') return true;
    return this.outbox.enqueue(target, update, dueAt);
  }

  stats(): OutboxStats {
    return this.outbox.stats();
  }
}
