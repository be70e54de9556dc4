import { z } from 'zod';
import { ENCODE_WARNINGS } from '../../drivers/printer/escpos.js';

/**
 * What a job says to people: its `error` (why it waits or failed) and its `warnings` (what could
 * not print as asked). The API gives English sentences, as it always has; each is kept with a code
 * and the values it names, so the staff page says it in the staff's language. The code is stored
 * as a plain string: a record written by a newer agent, with a code this one does not know, still
 * loads and shows its English sentence.
 */

export const JOB_ERROR_CODES = [
  /** the printer reported no paper, its cover open, or offline */
  'paper-out',
  'cover-open',
  'offline',
  /** the link's failures, by kind (the English text keeps the driver's detail: an address, a system error) */
  'unreachable',
  'busy',
  'stalled',
  'lost',
  'cannot-print',
  'interrupted',
  /** the agent stopped while the ticket printed: it prints again after the restart */
  'stopping',
  /** the job's progress could not be written to disk */
  'not-saved',
  /** the job went to the fallback printer; `cause` says why */
  'moved',
] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

/** what the encoder could not print as asked (a barcode too long for the paper…) */
export const JOB_WARNING_CODES = ENCODE_WARNINGS;
export type JobWarningCode = (typeof JOB_WARNING_CODES)[number];

export type NoticeParams = Record<string, string | number>;

const params = z.record(z.string(), z.union([z.string(), z.number()]));
const codeSchema = z.object({ code: z.string(), params: params.default({}) });
export const codedSchema = codeSchema.extend({ cause: codeSchema.optional() });
/** A notice's code as stored: possibly one this agent does not know. */
export type Coded = z.infer<typeof codedSchema>;

/** A sentence of a job: the English text (the API's), and its code (null: written by an agent that kept none). */
export interface Notice {
  text: string;
  coded: Coded | null;
}

export function jobError(code: JobErrorCode, text: string, values: NoticeParams = {}): Notice {
  return { text, coded: { code, params: values } };
}

/** The error of a job moved to its fallback printer: why it was moved comes first, as in the text. */
export function movedError(reason: Notice, fallback: { id: string; name: string }): Notice {
  const text = `${reason.text} — sent to ${fallback.id} instead`;
  if (!reason.coded) return { text, coded: null };
  return { text, coded: { code: 'moved', params: { printer: fallback.name }, cause: { code: reason.coded.code, params: reason.coded.params } } };
}

export function jobWarning(code: JobWarningCode, text: string, values: NoticeParams = {}): Notice {
  return { text, coded: { code, params: values } };
}

export const isJobErrorCode = (code: string): code is JobErrorCode => (JOB_ERROR_CODES as readonly string[]).includes(code);
export const isJobWarningCode = (code: string): code is JobWarningCode => (JOB_WARNING_CODES as readonly string[]).includes(code);
