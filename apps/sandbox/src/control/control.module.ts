import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CallsController } from './calls.controller';
import { FaultsController } from './faults.controller';
import { InboundController } from './inbound.controller';
import { InboundService } from './inbound.service';
import { MediaFaultsController } from './media-faults.controller';
import { NumbersController } from './numbers.controller';
import { NumbersService } from './numbers.service';
import { WebhooksController } from './webhooks.controller';

/** `/_sandbox/*`: numbers, the calls oracle, simulated users, faults (DESIGN.md §12), media URL expiry. */
@Module({
  imports: [WebhooksModule, GraphModule],
  controllers: [NumbersController, CallsController, InboundController, FaultsController, WebhooksController, MediaFaultsController],
  providers: [NumbersService, InboundService],
  exports: [NumbersService],
})
export class ControlModule {}
