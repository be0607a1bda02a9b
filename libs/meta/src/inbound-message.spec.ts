import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inboundAmendment, inboundChoice, inboundReaction, inboundReferencedWamid, inboundUserText } from './inbound-message';
import { isJsonObject, type JsonObject } from './json';

const FIXTURES = path.resolve(__dirname, '..', '..', 'testing', 'fixtures', 'meta-webhooks');

/** The first message object of a real webhook body from the corpus. */
function message(file: string): JsonObject & { type: string } {
  const body = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as { entry: { changes: { value: { messages: unknown[] } }[] }[] };
  const m = body.entry[0]?.changes[0]?.value.messages[0];
  if (!isJsonObject(m) || typeof m.type !== 'string') throw new Error(`${file}: no message`);
  return m as JsonObject & { type: string };
}

describe('inbound message readers (real webhook bodies)', () => {
  it('reads what the user typed or tapped', () => {
    const read = (file: string) => { const m = message(file); return inboundUserText(m.type, m); };
    expect(read('message-text--pywa-1.json')).toBe('Body Text');
    expect(read('message-context-reply--pywa-1.json')).toBe('replied text');
    expect(read('message-button--pywa-1.json')).toBe('title');
    expect(read('message-interactive-button-reply--pywa-1.json')).toBe('title');
    expect(read('message-interactive-list-reply--metaopenapi-1.json')).toMatch(/^Priority/);
    // a caption describes media; it is not a command
    expect(read('message-image--pywa-1.json')).toBeUndefined();
  });

  it('reads the choice a button or interactive reply carries', () => {
    const choice = (file: string) => { const m = message(file); return inboundChoice(m.type, m); };
    expect(choice('message-button--pywa-1.json')).toEqual({ kind: 'button', id: 'callback_data', title: 'title' });
    expect(choice('message-interactive-button-reply--pywa-1.json')).toEqual({ kind: 'button_reply', id: 'callback_data', title: 'title' });
    expect(choice('message-interactive-list-reply--metaopenapi-1.json')).toMatchObject({ kind: 'list_reply', id: 'priority_express' });
    expect(choice('message-text--pywa-1.json')).toBeUndefined();
  });

  it('reads the message a reply or reaction refers to', () => {
    expect(inboundReferencedWamid(message('message-context-reply--pywa-1.json'))).toBe('wamid.xyzxyz==');
    expect(inboundReferencedWamid(message('message-reaction--pywa-1.json'))).toBe('wamid.yzxyzx=');
    expect(inboundReferencedWamid(message('message-text--pywa-1.json'))).toBeUndefined();
    expect(inboundReaction(message('message-reaction--pywa-1.json'))).toEqual({ messageId: 'wamid.yzxyzx=', emoji: '\u{1F62E}' });
    expect(inboundReaction(message('message-reaction-removed--pywa-1.json'))).toEqual({ messageId: 'wamid.yzxyzx=', emoji: '' });
  });

  it('reads edits and revokes as amendments of their original', () => {
    const edit = message('message-edit--pywa-1.json');
    const a = inboundAmendment(edit.type, edit);
    expect(a).toMatchObject({ kind: 'edit', targetWamid: 'wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=' });
    expect(a?.kind === 'edit' && a.message.type).toBe('image');
    expect(inboundAmendment('revoke', { revoke: { original_message_id: 'wamid.A' } })).toEqual({ kind: 'revoke', targetWamid: 'wamid.A' });
    expect(inboundAmendment('revoke', { revoke: { message_id: 'wamid.B' } })).toEqual({ kind: 'revoke', targetWamid: 'wamid.B' });
  });

  it('reads malformed bodies as "not there", never throws', () => {
    const bad: JsonObject[] = [{}, { text: 'x' }, { button: null }, { interactive: { button_reply: 'x' } }, { edit: { original_message_id: 'w', message: { no: 'type' } } }, { revoke: {} }, { reaction: [] }, { context: { id: 7 } }];
    for (const raw of bad) {
      for (const type of ['text', 'button', 'interactive', 'edit', 'revoke', 'reaction']) {
        expect(inboundUserText(type, raw)).toBeUndefined();
        expect(inboundAmendment(type, raw)).toBeUndefined();
      }
      expect(inboundReferencedWamid(raw)).toBeUndefined();
      expect(inboundReaction(raw)).toBeUndefined();
    }
  });
});
