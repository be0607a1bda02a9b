import { Body, Controller, HttpCode, Post, UsePipes } from '@nestjs/common';
import { MediaService } from '../graph/media.service';
import { controlValidationPipe } from './control-validation.pipe';
import { ExpireUrlsDto } from './dto/expire-urls.dto';

/** Media faults: download URLs that expire before they are used. */
@Controller('_sandbox/media')
@UsePipes(controlValidationPipe())
export class MediaFaultsController {
  constructor(private readonly media: MediaService) {}

  /** The next `count` downloads (of any number's media) answer 404 as an expired URL would. */
  @Post('expire-next-urls')
  @HttpCode(201)
  expireNextUrls(@Body() dto: ExpireUrlsDto): { pending: number } {
    return { pending: this.media.expireNextDownloads(dto.count ?? 1) };
  }
}
