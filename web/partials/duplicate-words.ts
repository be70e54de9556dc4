import type { DuplicateReason } from '../../agent/directory/duplicates.js';
import type { MessageKey } from '../i18n/translator.js';
import type { PageContext } from '../page-context.js';

/** Why two clients look like one, in the staff's words (the API's reasons are identifiers). */
const REASON_KEYS: Record<DuplicateReason, MessageKey> = {
  reference: 'duplicates.reason.reference',
  phone: 'duplicates.reason.phone',
  email: 'duplicates.reason.email',
  'name+postalCode': 'duplicates.reason.name-postcode',
  'close-name+postalCode': 'duplicates.reason.close-name-postcode',
};

export const reasonsText = (t: PageContext['t'], reasons: readonly DuplicateReason[]): string => reasons.map((r) => t(REASON_KEYS[r])).join(', ');
