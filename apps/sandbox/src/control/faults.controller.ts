import { Body, Controller, Delete, Get, HttpCode, Post, Query, UsePipes } from '@nestjs/common';
import { Fault, FaultRegistry } from '../faults/fault-registry';
import { controlValidationPipe } from './control-validation.pipe';
import { FaultDto } from './dto/fault.dto';

@Controller('_sandbox/faults')
@UsePipes(controlValidationPipe())
export class FaultsController {
  constructor(private readonly faults: FaultRegistry) {}

  /** Replaces the number's fault. An error code or HTTP status without `errorRate` applies to every call. */
  @Post()
  @HttpCode(201)
  set(@Body() dto: FaultDto): Fault {
    const forcing = dto.errorCode !== undefined || dto.httpStatus !== undefined;
    return this.faults.set({
      phoneNumberId: dto.phoneNumberId,
      latencyMs: dto.latencyMs ?? 0,
      errorRate: dto.errorRate ?? (forcing ? 1 : 0),
      errorCode: dto.errorCode ?? null,
      httpStatus: dto.httpStatus ?? null,
    });
  }

  @Get()
  list(): { faults: Fault[] } {
    return { faults: this.faults.list() };
  }

  /** Clears every fault, or one number's with `?phoneNumberId=`. */
  @Delete()
  @HttpCode(204)
  clear(@Query('phoneNumberId') phoneNumberId: string | undefined): void {
    this.faults.clear(phoneNumberId === '' ? undefined : phoneNumberId);
  }
}
