import { describe, expect, it } from 'vitest';
import type { SyncIssue } from '../../agent/sync/records.js';
import { translator } from '../../web/i18n/translator.js';
import type { PageContext } from '../../web/page-context.js';
import { IssueList } from '../../web/pages/sync.js';

const ctx: PageContext = {
  lang: 'fr',
  pinRequired: false,
  shopName: 'Boulangerie du Lac',
  country: 'CH',
  assets: { css: '/a.css', js: '/a.js', icon: '/a.svg' },
  t: translator('fr'),
  sync: () => {
    throw new Error('the issue list does not show the sync state');
  },
  groupName: (id) => ({ vip: 'Clients VIP', pro: 'Professionnels' })[id] ?? null,
};

describe('the sync page’s issues', () => {
  it('a conflict on a client’s group names the groups, not their ids (an unknown id as it is)', () => {
    const issue: SyncIssue = {
      id: '0b9e2f7c-6a4d-4f3e-9c1b-2a5d8e7f6c3b',
      kind: 'conflict',
      entity: 'client',
      recordId: 'c1',
      label: 'Mme Hélène Müller',
      op: 'update',
      at: '2026-12-02T10:00:00Z',
      fields: [
        { path: 'groupId', shop: 'vip', cloud: 'pro' },
        { path: 'kind', shop: 'company', cloud: 'person' },
      ],
      record: null,
      code: null,
      message: null,
    };
    const html = String(<IssueList ctx={ctx} issues={[issue]} />);
    expect(html).toContain('<td data-shop="true">Clients VIP</td>');
    expect(html).toContain('<td data-cloud="true">Professionnels</td>');
    expect(html).toContain('<td data-shop="true">Personne morale</td>');
    const unknown = String(<IssueList ctx={ctx} issues={[{ ...issue, fields: [{ path: 'groupId', shop: 'gone', cloud: null }] }]} />);
    expect(unknown).toContain('<td data-shop="true">gone</td>');
  });
});
