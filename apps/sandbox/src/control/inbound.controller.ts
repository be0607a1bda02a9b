import { Body, Controller, HttpCode, Post, UsePipes } from '@nestjs/common';
import { controlValidationPipe } from './control-validation.pipe';
import { InboundDto } from './dto/inbound.dto';
import { InboundService } from './inbound.service';

@Controller('_sandbox/inbound')
@UsePipes(controlValidationPipe())
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Post()
  @HttpCode(202)
  receive(@Body() dto: InboundDto): { wamid: string } {
    return this.inbound.receive(dto);
  }
}
