import { checkSendBody, GRAPH_CODE_OF, sendRuleCorpus } from '@wabridge/meta';
import { GraphError } from '../common/graph-error';
import { parseSendRequest } from './send-request.validator';

/**
 * The sandbox answers a send exactly as the shared send-rule table decides (ADR 0183): every
 * official example and each of its one-rule mutations is accepted or refused alike, refused
 * with Meta's code for the first violation's kind. The gateway's routes are held to the same
 * corpus (apps/gateway/src/messages/send-rules-agreement.spec.ts), so a body one accepts and
 * the other refuses cannot exist.
 */
describe('sandbox Graph send route agrees with the send-rule table', () => {
  const corpus = sendRuleCorpus('16505551234');

  it('has a corpus with accepted and refused bodies', () => {
    const refused = corpus.filter((c) => checkSendBody(c.body).violations.length > 0).length;
    expect(refused).toBeGreaterThan(100);
    expect(corpus.length - refused).toBeGreaterThan(30);
  });

  it('gives the table\'s verdict, and Meta\'s code for the first violation, on every body of the corpus', () => {
    const disagreements: string[] = [];
    for (const { name, body } of corpus) {
      const first = checkSendBody(body).violations[0];
      let code: number | undefined;
      try {
        parseSendRequest(structuredClone(body));
      } catch (e) {
        if (!(e instanceof GraphError)) throw e;
        code = e.code;
      }
      const expected = first ? GRAPH_CODE_OF[first.kind] : undefined;
      if (code !== expected) disagreements.push(`${name}: sandbox ${code ?? 'accepted'}, table ${expected ?? 'accepted'}`);
    }
    expect(disagreements).toEqual([]);
  });
});
