import { Body, Controller, Get, HttpCode, Post, UsePipes } from '@nestjs/common';
import { controlValidationPipe } from './control-validation.pipe';
import { RegisterNumberDto } from './dto/register-number.dto';
import { NumbersService, NumberView } from './numbers.service';

@Controller('_sandbox/numbers')
@UsePipes(controlValidationPipe())
export class NumbersController {
  constructor(private readonly numbers: NumbersService) {}

  /** Creates or replaces a simulated number. */
  @Post()
  @HttpCode(201)
  register(@Body() dto: RegisterNumberDto): NumberView {
    return this.numbers.register(dto);
  }

  @Get()
  list(): { numbers: NumberView[] } {
    return { numbers: this.numbers.list() };
  }
}
