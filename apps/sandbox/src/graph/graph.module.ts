import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { MediaController } from './media.controller';
import { MediaService } from './media.service';
import { MessagesController } from './messages.controller';
import { PeerDelivery } from './peer-delivery';
import { SendService } from './send.service';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/** The Cloud API surface: `/{version}/...` messages, media and message templates. */
@Module({
  imports: [WebhooksModule],
  controllers: [MessagesController, MediaController, TemplatesController],
  providers: [SendService, MediaService, TemplatesService, PeerDelivery],
  exports: [MediaService],
})
export class GraphModule {}
