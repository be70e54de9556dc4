import type { Services } from '../services.js';
import { checkLiveStore } from '../store/check.js';
import { buildArchive, type DiagnosticsArchive, secretValues, versions, withoutSecrets } from './archive.js';
import { RecentProblems } from './recent.js';

/** The failed jobs and sync issues support reads: what went wrong and when, never a ticket's or a client's content. */
const KEPT_FAILURES = 20;

/** The diagnostics archive of the running agent: what only it knows (devices, last errors) with the rest. */
export async function agentDiagnostics(services: Services): Promise<DiagnosticsArchive> {
  const { config } = services;
  const recent = RecentProblems.of(services.log);
  let storeCheck: string[];
  try {
    storeCheck = await checkLiveStore(services, '(as the running agent loaded it)');
  } catch (err) {
    storeCheck = [`the store check failed: ${err instanceof Error ? err.message : String(err)}`];
  }
  return buildArchive({
    origin: `shop agent ${services.version}, from the running agent (agent id ${services.agentId})`,
    config: withoutSecrets(config),
    storeCheck,
    states: {
      printers: services.printers.list(),
      scanners: services.scanners.statuses,
      sync: services.sync?.status() ?? { enabled: false },
      failedJobs: services.jobs.list('failed', KEPT_FAILURES).map((j) => ({
        id: j.id,
        printer: j.printer,
        type: j.type,
        attempts: j.attempts,
        error: j.error,
        createdAt: j.createdAt,
        updatedAt: j.updatedAt,
      })),
      syncIssues: services.syncIssues
        .list()
        .slice(0, KEPT_FAILURES)
        .map((i) => ({ id: i.id, kind: i.kind, entity: i.entity, recordId: i.recordId, op: i.op, at: i.at, code: i.code })),
    },
    recent: recent?.list() ?? [],
    storeDir: services.storeDir,
    versions: versions(services.version, process.uptime()),
    notes: [],
    secrets: [...services.tokens.map((t) => t.token), ...secretValues(config)],
  });
}
