import { Logger } from '@nestjs/common';
import { ERROR_CLASSES, ErrorClass, errorAction } from '@wabridge/meta';
import { counter } from '@wabridge/telemetry';
import { Clock } from '../common/clock';
import { StateStore } from '../state/state.store';

const alerts = counter('dispatcher_error_alerts_total', 'Meta errors whose taxonomy action asks for an alert (auth/config, unclassified codes)', ['class', 'code'] as const);
const marketingHolds = counter('dispatcher_marketing_holds_total', 'Per-user marketing holds recorded after Meta error 131049', [] as const);

/** Meta's template errors that tell the template's new status (the mirror learns it before the webhook). */
const TEMPLATE_STATUS_BY_CODE: ReadonlyMap<number, string> = new Map([[132015, 'PAUSED'], [132016, 'DISABLED']]);

export interface FailedSend {
  businessId: string;
  wabaId: string;
  recipient: string;
  template?: { name?: string; language?: { code?: string } };
}

/**
 * The taxonomy's actions beyond retry/fail/pause (which `decide` and the status service take),
 * for a Graph error and a `failed` status webhook alike (ADR 0164): a 24 h marketing hold for the
 * user after 131049, the template's status after 132015/132016, an alert where the table asks.
 * `lowerBudget` is not acted on here: Meta's tier and throughput changes reach the dispatcher as
 * number config (ADR 0163); lowering it per error as well would count the same fall twice.
 */
export class ErrorSideEffects {
  private readonly log = new Logger('ErrorSideEffects');

  constructor(
    private readonly state: StateStore,
    private readonly clock: Clock,
  ) {}

  async apply(err: { class: string; code?: number; message?: string }, send: FailedSend): Promise<void> {
    if (!(ERROR_CLASSES as readonly string[]).includes(err.class)) return;
    const action = errorAction(err.class as ErrorClass, err.code);
    const now = this.clock.now();
    if (action.holdRecipientMs) {
      await this.state.holdMarketing(send.businessId, send.recipient, now + action.holdRecipientMs);
      marketingHolds.inc();
      // only marketing templates draw 131049: commands without a category (campaigns) are held next time too
      if (send.template?.name && send.template.language?.code) await this.state.learnTemplateCategory(send.wabaId, send.template.name, send.template.language.code, 'MARKETING', now);
    }
    const templateStatus = err.code !== undefined ? TEMPLATE_STATUS_BY_CODE.get(err.code) : undefined;
    if (action.emitTemplateEvent && templateStatus && send.template?.name && send.template.language?.code) {
      await this.state.markTemplateStatus(send.wabaId, send.template.name, send.template.language.code, templateStatus, now);
    }
    if (action.alert) {
      alerts.inc({ class: err.class, code: String(err.code ?? 'none') });
      this.log.warn(`Meta error ${err.code ?? '(no code)'} (${err.class}): ${action.summary}${err.message ? ` — ${err.message}` : ''}`);
    }
  }
}
