import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ControlError } from '../common/control-error';
import { CLOCK, SANDBOX_SETTINGS, SandboxSettings } from '../config/sandbox-settings';
import { NumberRegistry, SandboxNumber, TooManyNumbersError } from '../numbers/number-registry';
import { parseTier, tierName } from '../rules/messaging-limit';
import { NotOnWhatsAppRule } from '../rules/not-on-whatsapp';
import { TemplateRegistry } from '../rules/template-registry';
import { RegisterNumberDto } from './dto/register-number.dto';

/** What the control API shows of a number: everything but its secrets. */
export interface NumberView {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  callbackUrl: string;
  mps: number;
  pairBurst: number;
  tier: string;
  portfolioId: string;
  notOnWhatsAppPattern: string;
}

@Injectable()
export class NumbersService {
  constructor(
    private readonly numbers: NumberRegistry,
    private readonly templates: TemplateRegistry,
    private readonly notOnWhatsApp: NotOnWhatsAppRule,
    @Inject(SANDBOX_SETTINGS) private readonly settings: SandboxSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  register(dto: RegisterNumberDto): NumberView {
    const tier = parseTier(dto.tier ?? this.settings.defaultTier);
    if (tier === undefined) throw new ControlError(400, 'invalid_request', 'tier must be 250, 2000, 10000, 100000 or unlimited (or TIER_250 … TIER_UNLIMITED)');
    const pattern = dto.notOnWhatsAppPattern ?? this.settings.notOnWhatsAppPattern;
    try {
      this.notOnWhatsApp.compile(pattern);
    } catch {
      throw new ControlError(400, 'invalid_request', 'notOnWhatsAppPattern is not a valid regular expression');
    }
    const previous = this.numbers.get(dto.phoneNumberId);
    const mps = dto.mps ?? this.settings.defaultMps;
    const upgraded = previous !== undefined && mps > previous.mps && this.settings.upgradeMaintenanceMs > 0;
    const number: SandboxNumber = {
      phoneNumberId: dto.phoneNumberId,
      displayPhoneNumber: dto.displayPhoneNumber,
      wabaId: dto.wabaId,
      accessToken: dto.accessToken,
      appSecret: dto.appSecret,
      callbackUrl: dto.callbackUrl,
      mps,
      pairBurst: dto.pairBurst ?? this.settings.defaultPairBurst,
      tierLimit: tier,
      portfolioId: dto.portfolioId ?? dto.wabaId,
      notOnWhatsAppPattern: pattern,
      maintenanceUntil: upgraded ? this.clock.now() + this.settings.upgradeMaintenanceMs : (previous?.maintenanceUntil ?? 0),
    };
    try {
      this.numbers.upsert(number);
    } catch (err) {
      if (err instanceof TooManyNumbersError) throw new ControlError(409, 'too_many_numbers', err.message);
      throw err;
    }
    this.templates.ensureWaba(number.wabaId);
    return viewOf(number);
  }

  list(): NumberView[] {
    return this.numbers.list().map(viewOf);
  }
}

function viewOf(n: SandboxNumber): NumberView {
  return {
    phoneNumberId: n.phoneNumberId,
    displayPhoneNumber: n.displayPhoneNumber,
    wabaId: n.wabaId,
    callbackUrl: n.callbackUrl,
    mps: n.mps,
    pairBurst: n.pairBurst,
    tier: tierName(n.tierLimit),
    portfolioId: n.portfolioId,
    notOnWhatsAppPattern: n.notOnWhatsAppPattern,
  };
}
