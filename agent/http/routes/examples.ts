/** Examples for the OpenAPI document: one believable shop, the same in every answer. */

export const clientExample = {
  id: '3f0c9a52-1b7e-4c61-9a43-2d5e8f7b6a10',
  kind: 'person',
  civility: 'Mme',
  lastName: 'Müller',
  firstName: 'Hélène',
  companyName: null,
  reference: '7612345000015',
  accountNumber: '10042',
  groupId: 'vip',
  email: 'helene.muller@example.ch',
  phone: '+41 79 555 00 12',
  address: { street: 'Rue du Lac 12', street2: null, postalCode: '1003', city: 'Lausanne', country: 'CH' },
  notes: null,
  accountBalance: 0,
  walletBalance: 1500,
  version: 3,
  updatedAt: '2026-11-27T09:12:44.120Z',
  group: { id: 'vip', name: 'VIP', discountPercent: 10 },
  etag: '3-1764234764120',
} as const;

export const clientCreateExample = {
  civility: 'Mme',
  lastName: 'Müller',
  firstName: 'Hélène',
  reference: '7612345000015',
  groupId: 'vip',
  email: 'helene.muller@example.ch',
  phone: '079 555 00 12',
  address: { street: 'Rue du Lac 12', postalCode: '1003', city: 'Lausanne', country: 'CH' },
} as const;

export const groupExample = { id: 'vip', name: 'VIP', discountPercent: 10, version: 1, updatedAt: '2026-11-02T08:00:00.000Z', clientCount: 42, etag: '1-1762070400000' } as const;

export const jobExample = {
  id: 'job_0mihq3k2x_Zk3v9QaL',
  status: 'queued',
  type: 'receipt',
  printer: 'front',
  attempts: 0,
  error: null,
  createdAt: '2026-11-27T09:15:00.412Z',
  updatedAt: '2026-11-27T09:15:00.412Z',
  copies: 1,
  reprint: false,
  reprintOf: null,
  drawer: false,
  warnings: [],
  confirmed: null,
} as const;

export const receiptRequestExample = {
  type: 'receipt',
  client: { reference: '7612345000015' },
  ticket: {
    number: '2026-000123',
    issuedAt: '2026-11-27T10:15:00+01:00',
    currency: 'CHF',
    lines: [{ label: 'Café crème', quantity: 2, unitPrice: 420, amount: 840, vatCode: 'A' }],
    discounts: [{ label: 'Remise VIP 10%', amount: -84 }],
    total: 756,
    vat: [{ code: 'A', rate: 8.1, base: 699, amount: 57 }],
    payments: [{ method: 'Espèces', amount: 1000 }],
    change: 244,
    footer: 'Merci de votre visite !',
    barcode: '2026000123',
    qr: 'https://kleek.example/r/2026-000123',
  },
} as const;
