import { isBulkImport } from './forwarding.service';

describe('isBulkImport (streamed uploads with the import cap and deadline)', () => {
  it('streams a campaign\'s parameters CSV (ADR 0156), and nothing else of campaigns', () => {
    expect(isBulkImport('campaigns', 'PUT', '/v1/campaigns/01J0ABC/parameters')).toBe(true);
    expect(isBulkImport('campaigns', 'PUT', '/v1/campaigns/01J0ABC/parameters?x=1')).toBe(true);
    expect(isBulkImport('campaigns', 'POST', '/v1/campaigns/01J0ABC/parameters')).toBe(false);
    expect(isBulkImport('campaigns', 'PUT', '/v1/campaigns/01J0ABC/parameters/x')).toBe(false);
    expect(isBulkImport('campaigns', 'POST', '/v1/campaigns')).toBe(false);
  });

  it('keeps the contacts import and media uploads as they were', () => {
    expect(isBulkImport('contacts', 'POST', '/v1/contacts/import?phoneNumberId=1')).toBe(true);
    expect(isBulkImport('contacts', 'PUT', '/v1/contacts/import')).toBe(false);
    expect(isBulkImport('media', 'POST', '/v1/media')).toBe(true);
    expect(isBulkImport('media', 'POST', '/v23.0/123/media')).toBe(true);
  });
});
