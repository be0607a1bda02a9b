import { Module } from '@nestjs/common';
import { StatusSimulator } from './status-simulator.service';
import { WebhookOutboxService } from './webhook-outbox.service';

/** The outbox that delivers signed webhooks, and the status simulator that feeds it. */
@Module({
  providers: [WebhookOutboxService, StatusSimulator],
  exports: [WebhookOutboxService, StatusSimulator],
})
export class WebhooksModule {}
