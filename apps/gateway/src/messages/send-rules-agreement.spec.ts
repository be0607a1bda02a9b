import { checkSendBody, describeViolation, sendRuleCorpus } from '@wabridge/meta';
import { parseCloudSend, parseNativeSend, SendValidationError } from './send-request';

/**
 * The gateway accepts a send exactly when the shared send-rule table does (ADR 0183), on its
 * Cloud-API-compatible route and on `POST /v1/messages` alike — the sandbox is held to the same
 * corpus (apps/sandbox/src/graph/send-rules-agreement.spec.ts), so a body the gateway accepts
 * and the Cloud API stand-in refuses (or the reverse) cannot exist.
 */
const problemsOf = (fn: () => unknown): string[] | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (!(e instanceof SendValidationError)) throw e;
    return e.problems.flatMap((p) => p.problems);
  }
};

describe('gateway send routes agree with the send-rule table', () => {
  const corpus = sendRuleCorpus();

  it('Cloud API route: refuses exactly what the table refuses, with the table\'s sentences', () => {
    const disagreements: string[] = [];
    for (const { name, body } of corpus) {
      const table = checkSendBody(body).violations.map(describeViolation);
      const ours = problemsOf(() => parseCloudSend('1', structuredClone(body)));
      if (JSON.stringify(ours ?? []) !== JSON.stringify(table)) disagreements.push(`${name}: gateway ${JSON.stringify(ours ?? 'accepted')}, table ${JSON.stringify(table)}`);
    }
    expect(disagreements).toEqual([]);
  });

  it('native route: the same body in our envelope gets the same verdict', () => {
    const disagreements: string[] = [];
    // The native route has no messaging_product (it sets it) and requires `type` (no default).
    for (const { name, body } of corpus.filter((c) => c.body.messaging_product === 'whatsapp' && typeof c.body.type === 'string')) {
      const { messaging_product: _product, recipient_type: _kind, ...rest } = structuredClone(body);
      const table = checkSendBody(body).violations.length === 0;
      const ours = problemsOf(() => parseNativeSend({ phoneNumberId: '1', ...rest })) === undefined;
      if (ours !== table) disagreements.push(`${name}: gateway ${ours ? 'accepted' : 'refused'}, table ${table ? 'accepted' : 'refused'}`);
    }
    expect(disagreements).toEqual([]);
  });
});
