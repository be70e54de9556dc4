import { z } from '@hono/zod-openapi';

/** The till's print request (agent-api.md, "Printing"): amounts are integers in centimes. */

const amount = z.number().int({ error: 'an amount is an integer number of centimes (1250 is 12.50)' });
const quantity = z
  .number()
  .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-9, { error: 'at most 3 decimals' });
const label = z.string().min(1).max(200);
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: 'expected a date and time such as 2026-11-27T10:15:00+01:00' });

export const receiptSchema = z
  .object({
    number: z.string().min(1).max(40),
    issuedAt: isoDate,
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected a currency code such as CHF' }),
    lines: z.array(z.object({ label, quantity, unitPrice: amount.optional(), amount, vatCode: z.string().max(4).optional() })).min(1).max(500),
    discounts: z.array(z.object({ label, amount })).max(50).optional(),
    total: amount,
    vat: z.array(z.object({ code: z.string().max(4), rate: z.number().min(0).max(100), base: amount, amount })).max(10).optional(),
    payments: z.array(z.object({ method: label, amount })).max(20).optional(),
    change: amount.optional(),
    footer: z.string().max(500).optional(),
    barcode: z.string().max(60).optional(),
    qr: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'a QR code takes text without control characters (a link, a reference)' })
      .optional()
      .openapi({ description: 'printed as a QR code (an e-receipt or review link, a payment reference)' }),
  })
  .openapi('ReceiptTicket');

export const preparationSchema = z
  .object({
    number: z.string().min(1).max(40),
    issuedAt: isoDate,
    table: z.string().max(20).optional(),
    mode: z.enum(['dine-in', 'takeaway', 'delivery']).optional(),
    lines: z
      .array(
        z.object({
          label,
          quantity,
          notes: z.array(z.string().max(200)).max(20).optional(),
          station: z.string().min(1).max(32).optional().openapi({ description: 'kitchen, bar…: the line prints on the printer that serves this station' }),
        }),
      )
      .min(1)
      .max(200),
    note: z.string().max(500).optional(),
  })
  .openapi('PreparationTicket');

const clientRef = z.union([z.object({ id: z.string().min(1).max(64) }).strict(), z.object({ reference: z.string().min(1).max(64) }).strict()]);

const common = {
  printer: z.string().max(32).optional(),
  copies: z.number().int().min(1).max(5).optional(),
  client: clientRef.optional(),
};

export const printRequestSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('receipt'), ...common, openDrawer: z.boolean().optional(), ticket: receiptSchema }),
    z.object({ type: z.literal('preparation'), ...common, ticket: preparationSchema }),
    z.object({ type: z.literal('client'), ...common, client: clientRef }),
  ])
  .openapi('PrintRequest');

export type PrintRequest = z.infer<typeof printRequestSchema>;
export type Receipt = z.infer<typeof receiptSchema>;
export type Preparation = z.infer<typeof preparationSchema>;
