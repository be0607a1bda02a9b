import { Body, Controller, Get, HttpCode, Param, Post, UsePipes } from '@nestjs/common';
import { controlValidationPipe } from '../control/control-validation.pipe';
import { AccountUpdateDto, CoexistenceDto, NameStatusDto, QualityDto, ReviewDto, ThroughputDto } from './account-control.dto';
import { AccountControlService, NumberStateView } from './account-control.service';

/** Meta's account decisions on a sandbox number or its WABA (docs/sandbox.md, issue 18). */
@Controller('_sandbox/numbers/:phoneNumberId')
@UsePipes(controlValidationPipe())
export class AccountControlController {
  constructor(private readonly control: AccountControlService) {}

  @Get('state')
  state(@Param('phoneNumberId') id: string): NumberStateView {
    return this.control.view(id);
  }

  @Post('quality')
  @HttpCode(200)
  quality(@Param('phoneNumberId') id: string, @Body() dto: QualityDto): NumberStateView {
    return this.control.quality(id, dto);
  }

  @Post('throughput')
  @HttpCode(200)
  throughput(@Param('phoneNumberId') id: string, @Body() dto: ThroughputDto): NumberStateView {
    return this.control.throughput(id, dto.mps);
  }

  @Post('coexistence')
  @HttpCode(200)
  coexistence(@Param('phoneNumberId') id: string, @Body() dto: CoexistenceDto): NumberStateView {
    return this.control.coexistence(id, dto.enabled);
  }

  @Post('name-status')
  @HttpCode(200)
  nameStatus(@Param('phoneNumberId') id: string, @Body() dto: NameStatusDto): NumberStateView {
    return this.control.nameStatus(id, dto);
  }

  @Post('review')
  @HttpCode(200)
  review(@Param('phoneNumberId') id: string, @Body() dto: ReviewDto): NumberStateView {
    return this.control.review(id, dto);
  }

  @Post('account-update')
  @HttpCode(200)
  accountUpdate(@Param('phoneNumberId') id: string, @Body() dto: AccountUpdateDto): NumberStateView {
    return this.control.accountUpdate(id, dto);
  }
}
