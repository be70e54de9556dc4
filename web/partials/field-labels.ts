import type { CsvColumn } from '../../agent/directory/csv.js';
import type { MessageKey } from '../i18n/translator.js';
import type { PageContext } from '../page-context.js';

/**
 * A record's field (a sync conflict's path, a CSV column) in the staff's words: the same label the
 * form and the card give it.
 */
const FIELD_LABELS: Record<CsvColumn | 'name' | 'discountPercent', MessageKey> = {
  id: 'column.id',
  kind: 'field.kind',
  civility: 'form.civility',
  lastName: 'form.lastName',
  firstName: 'form.firstName',
  companyName: 'form.companyName',
  reference: 'client.reference',
  accountNumber: 'client.account',
  groupId: 'client.group',
  email: 'client.email',
  phone: 'client.phone',
  notes: 'client.notes',
  'address.street': 'form.street',
  'address.street2': 'form.street2',
  'address.postalCode': 'form.postalCode',
  'address.city': 'form.city',
  'address.country': 'form.country',
  'group.name': 'column.groupName',
  accountBalance: 'client.accountBalance',
  walletBalance: 'client.walletBalance',
  version: 'column.version',
  updatedAt: 'column.updatedAt',
  name: 'field.name',
  discountPercent: 'field.discountPercent',
};

const isField = (path: string): path is keyof typeof FIELD_LABELS => Object.hasOwn(FIELD_LABELS, path);

export function fieldLabel(ctx: PageContext, path: string): string {
  return isField(path) ? ctx.t(FIELD_LABELS[path]) : path;
}
