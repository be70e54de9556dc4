/** A client's card, the address every client page links to. */
export const clientUrl = (id: string): string => `/clients/${encodeURIComponent(id)}`;
