import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CallsController } from './calls.controller';
import { FaultsController } from './faults.controller';
import { InboundController } from './inbound.controller';
import { InboundService } from './inbound.service';
import { NumbersController } from './numbers.controller';
import { NumbersService } from './numbers.service';
import { WebhooksController } from './webhooks.controller';

/** `/_sandbox/*`: numbers, the calls oracle, simulated users, faults (DESIGN.md §12). */
@Module({
  imports: [WebhooksModule],
  controllers: [NumbersController, CallsController, InboundController, FaultsController, WebhooksController],
  providers: [NumbersService, InboundService],
  exports: [NumbersService],
})
export class ControlModule {}
