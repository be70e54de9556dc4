import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { ALL_SCOPES, type AgentConfig, type Scope } from './config.js';
import type { Logger } from './log.js';
import { DurableJsonFile } from './store/durable-file.js';
import { nodeFs, type StoreFs } from './store/fs.js';

/** A till's credential: its name, its secret and what it may do. */
export interface ApiToken {
  name: string;
  readonly token: string;
  scopes: readonly Scope[];
  /** The name is the agent's, not the installer's: the generated token, or the n-th bare string of api.tokens (pages say so in the staff's words). */
  unnamed?: 'generated' | number;
}

/**
 * What the agent makes for itself on its first start and keeps in store.dir: its id (X-Agent-Id
 * for the cloud) and, when the config lists no API token, one random token. Never a fixed default.
 */
export const secretsSchema = z.object({
  format: z.literal(1),
  agentId: z.uuid(),
  apiToken: z.string().min(32),
});
export type Secrets = z.infer<typeof secretsSchema>;

export async function loadOrCreateSecrets(storeDir: string, log: Logger, fs: StoreFs = nodeFs): Promise<{ secrets: Secrets; created: boolean }> {
  const file = new DurableJsonFile(path.join(storeDir, 'secrets.json'), (raw) => secretsSchema.parse(raw), log, { fs, mode: 0o600 });
  const existing = await file.read();
  if (existing) return { secrets: existing, created: false };
  const secrets: Secrets = { format: 1, agentId: randomUUID(), apiToken: randomBytes(32).toString('base64url') };
  await file.write(secrets);
  return { secrets, created: true };
}

/** The tokens the API accepts: the config's, or else the generated one (all scopes). */
export function effectiveTokens(config: AgentConfig, secrets: Secrets): ApiToken[] {
  if (config.api.tokens.length === 0) return [{ name: 'generated', token: secrets.apiToken, scopes: ALL_SCOPES, unnamed: 'generated' }];
  return config.api.tokens.map((t, i) =>
    typeof t === 'string' ? { name: `token-${i + 1}`, token: t, scopes: ALL_SCOPES, unnamed: i + 1 } : { name: t.name, token: t.token, scopes: t.scopes },
  );
}
