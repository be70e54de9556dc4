import { z } from '@hono/zod-openapi';

/** The till's print request (agent-api.md, "Printing"): amounts are integers in centimes. */

// The OpenAPI metadata states the rule each refine enforces, so a generated client refuses what the agent refuses.
const amount = z.number().int({ error: 'an amount is an integer number of centimes (1250 is 12.50)' });
const money = (description: string, example?: number) => amount.openapi({ description: `${description}, in centimes (integer: 1250 is 12.50)`, ...(example === undefined ? {} : { example }) });
const quantity = z
  .number()
  .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-9, { error: 'at most 3 decimals' })
  .openapi({ multipleOf: 0.001, description: 'how many: a number with at most 3 decimals (a weight in kg: 0.125)', example: 2 });
const label = z.string().min(1).max(200);
const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { error: 'expected a date and time such as 2026-11-27T10:15:00+01:00' })
  .openapi({ format: 'date-time', description: 'when the ticket was issued: ISO 8601 date and time with its offset, printed in the shop\'s time', example: '2026-11-27T10:15:00+01:00' });

export const receiptSchema = z
  .object({
    number: z.string().min(1).max(40).openapi({ description: "the till's ticket number, printed at the top", example: '2026-000123' }),
    issuedAt: isoDate,
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected a currency code such as CHF' }).openapi({ description: 'ISO 4217 currency code', example: 'CHF' }),
    lines: z
      .array(
        z
          .object({
            label: label.openapi({ description: 'the article, as printed', example: 'Café crème' }),
            quantity,
            unitPrice: money('price of one', 420).optional(),
            amount: money('the line total, as printed', 840),
            vatCode: z.string().max(4).optional().openapi({ description: 'the VAT code printed beside the line (matches `vat[].code`)', example: 'A' }),
          })
          .openapi('ReceiptLine'),
      )
      .min(1)
      .max(500)
      .openapi({ description: 'the articles: at least one, at most 500' }),
    discounts: z
      .array(z.object({ label: label.openapi({ description: 'as printed', example: 'Remise VIP 10%' }), amount: money('the discount, negative', -84) }))
      .max(50)
      .optional()
      .openapi({ description: 'discounts printed after the lines' }),
    total: money('the total to pay', 756),
    vat: z
      .array(
        z.object({
          code: z.string().max(4).openapi({ description: 'the VAT code', example: 'A' }),
          rate: z.number().min(0).max(100).openapi({ description: 'the rate in percent', example: 8.1 }),
          base: money('the amount the rate applies to', 699),
          amount: money('the VAT', 57),
        }),
      )
      .max(10)
      .optional()
      .openapi({ description: 'the VAT summary, one row per rate' }),
    payments: z
      .array(z.object({ method: label.openapi({ description: 'as printed', example: 'Espèces' }), amount: money('the amount paid this way', 1000) }))
      .max(20)
      .optional()
      .openapi({ description: 'how it was paid' }),
    change: money('the change given back', 244).optional(),
    footer: z.string().max(500).optional().openapi({ description: 'printed at the bottom; `\\n` is a line break', example: 'Merci de votre visite !' }),
    barcode: z.string().max(60).optional().openapi({ description: 'printed as a CODE128 barcode (as a QR code or text when too long for the paper)', example: '2026000123' }),
    qr: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'a QR code takes text without control characters (a link, a reference)' })
      .optional()
      .openapi({ description: 'printed as a QR code (an e-receipt or review link, a payment reference)' }),
  })
  .openapi('ReceiptTicket', { description: 'A receipt (ticket de caisse). The header (shop name, address, VAT number) comes from the config.' });

export const preparationSchema = z
  .object({
    number: z.string().min(1).max(40).openapi({ description: 'the order number, printed large', example: '42' }),
    issuedAt: isoDate,
    table: z.string().max(20).optional().openapi({ description: 'the table', example: '12' }),
    mode: z.enum(['dine-in', 'takeaway', 'delivery']).optional().openapi({ description: 'how the order leaves' }),
    lines: z
      .array(
        z.object({
          label: label.openapi({ description: 'the article, printed double height', example: 'Pizza Margherita' }),
          quantity,
          notes: z.array(z.string().max(200)).max(20).optional().openapi({ description: 'printed under the line', example: ['sans olives'] }),
          station: z.string().min(1).max(32).optional().openapi({ description: 'kitchen, bar…: the line prints on the printer that serves this station' }),
        }),
      )
      .min(1)
      .max(200)
      .openapi({ description: 'at least one, at most 200' }),
    note: z.string().max(500).optional().openapi({ description: 'a note for the whole order', example: 'Allergie: noix' }),
  })
  .openapi('PreparationTicket', { description: 'A preparation ticket (kitchen, bar, packing): printed large, no prices.' });

const clientRef = z
  .union([
    z.object({ id: z.string().min(1).max(64).openapi({ description: "the client's id" }) }).strict(),
    z.object({ reference: z.string().min(1).max(64).openapi({ description: "the client's reference (loyalty card)", example: '7612345000015' }) }).strict(),
  ])
  .openapi({ description: 'a client of the local directory, by id or by reference; its name and address are printed (unknown: 422)' });

const common = {
  printer: z.string().max(32).optional().openapi({ description: "a printer's id; default: the printer whose roles list the type", example: 'front' }),
  copies: z.number().int().min(1).max(5).optional().openapi({ description: 'how many copies, 1–5 (default 1)' }),
  client: clientRef.optional(),
};
const typeOf = <T extends string>(t: T, description: string) => z.literal(t).openapi({ description });

export const printRequestSchema = z
  .discriminatedUnion('type', [
    z
      .object({ type: typeOf('receipt', 'a receipt'), ...common, openDrawer: z.boolean().optional().openapi({ description: 'kick the cash drawer (the token needs the scope drawer)' }), ticket: receiptSchema })
      .openapi('ReceiptRequest'),
    z.object({ type: typeOf('preparation', 'a preparation ticket'), ...common, ticket: preparationSchema }).openapi('PreparationRequest'),
    z.object({ type: typeOf('client', "the client's card: name, address, phone, group, account number, reference as a barcode"), ...common, client: clientRef }).openapi('ClientTicketRequest'),
  ])
  .openapi('PrintRequest', { description: 'What to print: `type` says which ticket, and so which fields apply.' });

export type PrintRequest = z.infer<typeof printRequestSchema>;
export type Receipt = z.infer<typeof receiptSchema>;
export type Preparation = z.infer<typeof preparationSchema>;
