import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { TenantId } from '@wabridge/http';
import { MediaAuthGuard } from '../common/media-auth.guard';
import { ResolveMediaBody } from './resolve.dto';
import { Resolved, ResolveService } from './resolve.service';

/**
 * Internal (gateway → media, internal token, tenant in `x-tenant-id`): the Meta media id a send
 * should carry for the media it names. Not forwarded from the public `/v1/media` prefix.
 */
@Controller('internal/v1/media')
@UseGuards(MediaAuthGuard)
export class ResolveController {
  constructor(private readonly resolver: ResolveService) {}

  @Post('resolve')
  @HttpCode(200)
  resolve(@TenantId() tenantId: string, @Body() body: ResolveMediaBody): Promise<Resolved> {
    return this.resolver.resolve(tenantId, body);
  }
}
