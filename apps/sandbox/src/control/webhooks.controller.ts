import { Controller, Get } from '@nestjs/common';
import { OutboxStats } from '../webhooks/webhook-outbox';
import { WebhookOutboxService } from '../webhooks/webhook-outbox.service';

/** Sandbox extra: what the webhook outbox holds and has done (for tests waiting on delivery). */
@Controller('_sandbox/webhooks')
export class WebhooksController {
  constructor(private readonly outbox: WebhookOutboxService) {}

  @Get()
  stats(): OutboxStats {
    return this.outbox.stats();
  }
}
