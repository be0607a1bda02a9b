import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { TenantId } from '@wabridge/http';
import { NotifierAuthGuard } from '../common/notifier-auth.guard';
import { CreateEndpointBody, DeliveriesQuery, PatchEndpointBody, ReplayQuery } from './dto/endpoints.dto';
import { EndpointsService } from './endpoints.service';

/** Internal API behind the gateway's `/v1/webhook-endpoints` (tenant from `x-tenant-id`, internal token required). */
@Controller('v1/webhook-endpoints')
@UseGuards(NotifierAuthGuard)
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  create(@TenantId() tenantId: string, @Body() body: CreateEndpointBody) {
    return this.endpoints.create(tenantId, body);
  }

  @Get()
  list(@TenantId() tenantId: string) {
    return this.endpoints.list(tenantId);
  }

  @Get(':id')
  show(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.endpoints.show(tenantId, id);
  }

  @Patch(':id')
  update(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: PatchEndpointBody) {
    return this.endpoints.update(tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.remove(tenantId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotate(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.endpoints.rotate(tenantId, id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  replay(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: ReplayQuery) {
    return this.endpoints.replay(tenantId, id, query);
  }

  @Get(':id/deliveries')
  deliveries(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: DeliveriesQuery) {
    return this.endpoints.log(tenantId, id, query);
  }

  @Post(':id/test')
  @HttpCode(200)
  test(@TenantId() tenantId: string, @Param('id') id: string) {
    return this.endpoints.test(tenantId, id);
  }
}
