import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import { CallsLog, GraphCall } from '../calls/calls-log';

@Controller('_sandbox/calls')
export class CallsController {
  constructor(private readonly calls: CallsLog) {}

  @Get()
  list(@Query('phoneNumberId') phoneNumberId: string | undefined): { calls: GraphCall[] } {
    return { calls: this.calls.list(phoneNumberId === '' ? undefined : phoneNumberId) };
  }

  @Delete()
  @HttpCode(204)
  clear(): void {
    this.calls.clear();
  }
}
