import { z } from 'zod';
import { rowOf } from './entities.js';
import type { Mutation } from './records.js';
import type { CloudProblemCode } from './status.js';

/**
 * The HTTP side of cloud-sync.md: two requests, their answers validated (the cloud is an input like
 * any other), and every failure sorted into what the sync does about it.
 */

export class CloudError extends Error {
  constructor(
    readonly code: CloudProblemCode,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

const changeSchema = z.object({
  entity: z.enum(['client', 'group']),
  op: z.enum(['upsert', 'delete']),
  id: z.string().min(1).max(64),
  version: z.number().int().min(0),
  data: z.unknown().optional(),
});
export type Change = z.infer<typeof changeSchema>;

const pageSchema = z.object({
  changes: z.array(changeSchema),
  cursor: z.string().min(1),
  hasMore: z.boolean(),
  /** Not in the contract: a server may say how many changes follow, for the progress shown. */
  remaining: z.number().int().min(0).optional(),
});
export type ChangePage = z.infer<typeof pageSchema>;

const resultSchema = z.discriminatedUnion('status', [
  z.object({ mutationId: z.string(), status: z.literal('applied'), version: z.number().int().min(0), data: z.unknown().optional() }),
  z.object({ mutationId: z.string(), status: z.literal('conflict'), current: z.unknown().nullable().default(null) }),
  z.object({ mutationId: z.string(), status: z.literal('rejected'), code: z.string(), message: z.string() }),
]);
export type MutationResult = z.infer<typeof resultSchema>;
const resultsSchema = z.object({ results: z.array(resultSchema) });

export interface CloudClientOptions {
  url: string;
  token: string;
  agentId: string;
  timeoutMs: number;
  /** The config file the token comes from, named when the cloud refuses it (null: the default name). */
  configFile?: string | null;
  fetch?: typeof fetch;
}

export class CloudClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: CloudClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  async changes(cursor: string | null, limit: number, signal: AbortSignal): Promise<ChangePage> {
    const qs = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) qs.set('cursor', cursor);
    const body = await this.request('GET', `/v1/directory/changes?${qs}`, undefined, signal);
    const page = pageSchema.safeParse(body);
    if (!page.success) throw invalidAnswer('GET /v1/directory/changes', page.error);
    return page.data;
  }

  async push(mutations: readonly Mutation[], signal: AbortSignal): Promise<MutationResult[]> {
    if (mutations.length === 0) return [];
    const body = await this.request('POST', '/v1/directory/mutations', { mutations: mutations.map(wireMutation) }, signal);
    const parsed = resultsSchema.safeParse(body);
    if (!parsed.success) throw invalidAnswer('POST /v1/directory/mutations', parsed.error);
    const results = parsed.data.results;
    if (results.length !== mutations.length || results.some((r, i) => r.mutationId !== mutations[i]!.mutationId)) {
      throw new CloudError(
        'invalid',
        `the cloud answered ${results.length} results for ${mutations.length} mutations, or not in the same order; ` +
          'nothing was changed here and the edits stay in the outbox. The cloud server does not follow the sync contract: tell its provider.',
      );
    }
    return results;
  }

  private async request(method: 'GET' | 'POST', path: string, json: unknown, stop: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = AbortSignal.any([timeout, stop]);
    const where = `${this.base}${path.split('?')[0]}`;
    try {
      const res = await this.fetchImpl(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'x-agent-id': this.options.agentId,
          accept: 'application/json',
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal,
      });
      if (!res.ok) {
        const detail = await problemDetail(res);
        throw httpError(res.status, where, detail, this.options.configFile ?? 'agent.config.json');
      }
      // A body cut off or timed out while read is sorted below like any network failure.
      const text = await res.text();
      try {
        return JSON.parse(text);
      } catch {
        throw new CloudError('invalid', `${where} answered ${res.status} with a body that is not JSON; the edits stay in the outbox.`);
      }
    } catch (err) {
      if (err instanceof CloudError) throw err;
      if (timeout.aborted) {
        throw new CloudError('timeout', `${where} did not answer within ${this.options.timeoutMs / 1000} s; will retry.`);
      }
      if (stop.aborted) throw new CloudError('network', 'the agent is stopping');
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new CloudError('network', `cannot reach ${this.base} (${cause}); check the shop's internet connection. Will retry.`);
    }
  }
}

/** The mutation as the contract sends it (without the outbox's own bookkeeping). */
export function wireMutation(m: Mutation): Record<string, unknown> {
  const out: Record<string, unknown> = { mutationId: m.mutationId, entity: m.entity, op: m.op, id: m.id, baseVersion: m.baseVersion };
  const data = rowOf(m).wireData(m);
  if (data !== undefined) out.data = data;
  return out;
}

function httpError(status: number, where: string, detail: string, configFile: string): CloudError {
  const said = detail ? ` (${detail.replace(/[.\s]+$/, '')})` : '';
  if (status === 401 || status === 403) {
    return new CloudError(
      'auth',
      `the cloud refused the agent's token: ${status}${said}. Sync is stopped (the local copy is kept and edits wait in the outbox): ` +
        `put the right token in "cloud.token" of ${configFile} and restart the agent.`,
      status,
    );
  }
  if (status === 410) return new CloudError('gone', `the cloud no longer knows the sync cursor (410)${said}`, status);
  if (status >= 500) return new CloudError('server', `the cloud answered ${status}${said} at ${where}; will retry.`, status);
  return new CloudError('http', `the cloud answered ${status}${said} at ${where}; the edits stay in the outbox, will retry.`, status);
}

async function problemDetail(res: Response): Promise<string> {
  try {
    const text = (await res.text()).slice(0, 2000);
    const parsed = z.object({ detail: z.string().optional(), title: z.string().optional() }).safeParse(JSON.parse(text));
    if (parsed.success) return (parsed.data.detail ?? parsed.data.title ?? '').slice(0, 300);
    return '';
  } catch {
    return '';
  }
}

function invalidAnswer(where: string, error: z.ZodError): CloudError {
  const first = error.issues[0];
  const at = first ? `${first.path.join('.') || '(body)'}: ${first.message}` : 'unexpected shape';
  return new CloudError(
    'invalid',
    `the cloud's answer to ${where} does not follow the sync contract (${at}); nothing was changed here. Tell the cloud server's provider.`,
  );
}
