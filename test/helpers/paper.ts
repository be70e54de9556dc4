import type { Printed } from '../../drivers/printer/decode.js';

/**
 * The tickets a printer stand-in really printed, counted from its paper: a ticket is complete when
 * its cut came out. Returns each complete ticket's number ("Ticket 2026-000001 …" on receipts,
 * "Commande 42" on preparation tickets), in paper order.
 */
export function ticketsOnPaper(printed: readonly Printed[]): string[] {
  const out: string[] = [];
  let number: string | null = null;
  for (const item of printed) {
    if (item.kind === 'line') {
      const m = /^(?:Ticket|Commande) (\S+)/.exec(item.text);
      if (m && number === null) number = m[1]!;
    } else if (item.kind === 'cut') {
      if (number !== null) out.push(number);
      number = null;
    }
  }
  return out;
}

/** Numbers that are on paper more than once, and those expected but missing. */
export function deliveryReport(expected: readonly string[], got: readonly string[]): { missing: string[]; doubled: string[] } {
  const count = new Map<string, number>();
  for (const n of got) count.set(n, (count.get(n) ?? 0) + 1);
  return {
    missing: expected.filter((n) => !count.has(n)),
    doubled: [...count].filter(([, c]) => c > 1).map(([n]) => n),
  };
}
