import type { CallToolResult } from '@modelcontextprotocol/server';
import { answerOffer, CONNECT_INPUT, UrlElicitationOffer, type CallFacts } from './url-elicitation';

describe('answerOffer', () => {
  const fallback: CallToolResult = {
    content: [{ type: 'text', text: '{"status":403}' }],
    isError: true,
  };
  const offer = new UrlElicitationOffer(
    { url: 'https://as.example/account/connect/notes-co', message: 'connect notes-co' },
    fallback,
  );
  const modern: CallFacts = {
    revision: '2026-07-28',
    capabilities: { elicitation: { url: {} } },
    inputResponses: undefined,
  };

  it('asks a 2026-07-28 client that declared URL elicitation with one embedded elicitation/create', () => {
    expect(answerOffer(offer, modern)).toEqual({
      resultType: 'input_required',
      inputRequests: {
        [CONNECT_INPUT]: {
          method: 'elicitation/create',
          params: {
            mode: 'url',
            url: 'https://as.example/account/connect/notes-co',
            message: 'connect notes-co',
          },
        },
      },
    });
  });

  it.each<[string, Partial<CallFacts>]>([
    ['no capabilities on the request', { capabilities: undefined }],
    ['form-mode elicitation only', { capabilities: { elicitation: {} } }],
    ['another capability only', { capabilities: { sampling: {} } }],
    ['a 2025-era request', { revision: '2025-11-25' }],
    ['an unknown revision', { revision: undefined }],
    ['the retry after an accept', { inputResponses: { [CONNECT_INPUT]: { action: 'accept' } } }],
    ['the retry after a decline', { inputResponses: { [CONNECT_INPUT]: { action: 'decline' } } }],
    ['the retry after a cancel', { inputResponses: { [CONNECT_INPUT]: { action: 'cancel' } } }],
  ])('answers the tool error with the link for %s', (_, facts) => {
    expect(answerOffer(offer, { ...modern, ...facts })).toBe(fallback);
  });

  it.each<[string, unknown]>([
    ['a response under another key', { other: { action: 'accept' } }],
    ['a malformed response', { [CONNECT_INPUT]: 'accept' }],
    ['an array', [{ action: 'accept' }]],
  ])('asks again when the retry carries %s', (_, inputResponses) => {
    const answer = answerOffer(offer, {
      ...modern,
      inputResponses: inputResponses as Record<string, unknown>,
    });
    expect(answer).toMatchObject({ resultType: 'input_required' });
  });

  it('never lets an escaped offer tell the client more than an internal error', () => {
    expect(offer.code).toBe(-32603);
    expect(offer.message).not.toContain('connect');
  });
});
