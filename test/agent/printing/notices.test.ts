import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf, JobStore, warningsOf } from '../../../agent/printing/jobs.js';
import { EventBus } from '../../../agent/events.js';
import { memoryLogger } from '../../../agent/log.js';
import { Journal } from '../../../agent/store/journal.js';
import { jobErrorText, jobWarningText, translator } from '../../../web/i18n/translator.js';
import { agentPerTest, openTestAgent, tempDir } from '../../helpers/agent.js';
import { receiptRequest, standInsPerTest } from '../../helpers/standins.js';
import { until } from '../../helpers/until.js';

/**
 * What a job says: the till gets English sentences in `error` and `warnings`, as the contract
 * always had; each is kept with a code and the values it names, so the printers page says it in
 * the staff's language. Records written before the codes load and show their English.
 */

const open = agentPerTest();
const standIn = standInsPerTest();

const receipt = receiptRequest;

const fr = translator('fr');
const printersPage = async (t: Awaited<ReturnType<typeof open>>) => (await t.api('/printers', { headers: { accept: 'text/html' } })).text();

describe('a job\'s error and warnings', () => {
  it('paper out, then switched off: the till reads the English, the job keeps its code and the printer\'s name, the page says it in French', async () => {
    const s = await standIn();
    s.paper = 'out';
    const t = await open({ config: { printers: [{ id: 'front', name: 'Caisse', roles: ['receipt'], transport: { type: 'tcp', host: '127.0.0.1', port: s.port } }] } });
    const { id } = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000010') })).json()) as { id: string };
    await until('waiting with the reason', () => t.agent.services.jobs.get(id)?.errorCode?.code === 'paper-out');
    const job = t.agent.services.jobs.get(id)!;
    expect(job).toMatchObject({ error: 'Caisse: paper out', errorCode: { code: 'paper-out', params: { printer: 'Caisse' } } });
    expect(((await (await t.api(`/api/v1/jobs/${id}`)).json()) as { error: string }).error).toBe('Caisse: paper out');
    expect(await printersPage(t)).toContain('Caisse : plus de papier');

    await s.stop();
    await until('unreachable', () => t.agent.services.jobs.get(id)?.errorCode?.code === 'unreachable', 8000);
    const off = t.agent.services.jobs.get(id)!;
    expect(off.error).toContain('refused the connection');
    expect(jobErrorText(fr, errorOf(off)!)).toBe('Caisse ne répond pas : est-elle allumée et raccordée ?');
    // the driver's English, with the address, stays on the page for support, marked as English
    const page = await printersPage(t);
    expect(page).toContain('Caisse ne répond pas');
    expect(page).toMatch(/<summary>Détail technique<\/summary><span lang="en">the printer at 127\.0\.0\.1:\d+ refused the connection/);
  }, 15_000);

  it('a printer that stays offline hands its job to its fallback: the reason and the fallback\'s name, in French', async () => {
    const kitchen = await standIn();
    const bar = await standIn();
    await kitchen.stop();
    bar.paper = 'out'; // the job waits on the fallback too, so its error stays to be read
    const t = await open({
      config: {
        printers: [
          { id: 'kitchen', name: 'Cuisine', roles: ['receipt'], fallback: 'bar', fallbackAfterSeconds: 1, transport: { type: 'tcp', host: '127.0.0.1', port: kitchen.port } },
          { id: 'bar', name: 'Bar du fond', roles: [], transport: { type: 'tcp', host: '127.0.0.1', port: bar.port } },
        ],
      },
    });
    const { id } = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('2026-000012') })).json()) as { id: string };
    await until('moved', () => t.agent.services.jobs.get(id)?.errorCode?.code === 'moved', 10_000);
    const job = t.agent.services.jobs.get(id)!;
    expect(job.error).toMatch(/ — sent to bar instead$/);
    expect(jobErrorText(fr, errorOf(job)!)).toBe('Cuisine ne répond pas : est-elle allumée et raccordée ? — envoyé à Bar du fond à la place');
  }, 20_000);

  it('a barcode too long for the paper, and data no barcode holds: the till reads English, each warning keeps its code', async () => {
    const t = await open({ config: { printers: [{ id: 'small', name: 'Mobile', profile: 'generic-58mm', roles: ['receipt'], transport: { type: 'virtual' } }] } });
    const long = 'REF-ABCDEFGHIJ-KLMNOP';
    const qr = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('A-1', { barcode: long }) })).json()) as { id: string; warnings: string[] };
    expect(qr.warnings).toEqual([`the barcode "${long}" is too long for this paper: printed as a QR code`]);
    const text = (await (await t.api('/api/v1/print', { method: 'POST', json: receipt('A-2', { barcode: 'Café-é' }) })).json()) as { id: string; warnings: string[] };
    expect(text.warnings).toEqual(['no barcode can hold "Café-é": printed as text']);
    const said = [qr.id, text.id].map((id) => warningsOf(t.agent.services.jobs.get(id)!).map((w) => jobWarningText(fr, w)));
    expect(said).toEqual([[`Le code-barres « ${long} » est trop long pour ce papier : imprimé en code QR`], ['Aucun code-barres ne peut contenir « Café-é » : imprimé en texte']]);
  });

  it('an unknown code (a newer agent\'s) and a record without one show the English', () => {
    expect(jobErrorText(fr, { text: 'Caisse: on fire', coded: { code: 'on-fire', params: {} } })).toBe('Caisse: on fire');
    expect(jobErrorText(fr, { text: 'Caisse: paper out', coded: null })).toBe('Caisse: paper out');
    // moved for a reason this agent has no words for: the English of the whole
    expect(jobErrorText(fr, { text: 'x — sent to bar instead', coded: { code: 'moved', params: { printer: 'Bar' }, cause: { code: 'on-fire', params: {} } } })).toBe('x — sent to bar instead');
    expect(jobWarningText(fr, { text: 'the barcode "X" is too long', coded: { code: 'barcode-too-wide-someday', params: {} } })).toBe('the barcode "X" is too long');
  });
});

describe('a job\'s ticket number and client', () => {
  it('are kept with the job, and with its reprint, as are the warnings\' codes', async () => {
    const t = await open({ config: { printers: [{ id: 'small', name: 'Mobile', profile: 'generic-58mm', roles: ['receipt', 'client'], transport: { type: 'virtual' } }] } });
    const c = await t.agent.services.directory.createClient({ firstName: 'Hélène', lastName: 'Müller', reference: 'CARD-7' });
    const { id } = (await (await t.api('/api/v1/print', { method: 'POST', json: { ...receipt('2026-000042', { barcode: 'REF-ABCDEFGHIJ-KLMNOP' }), client: { reference: 'CARD-7' } } })).json()) as { id: string };
    expect(t.agent.services.jobs.get(id)).toMatchObject({ number: '2026-000042', clientId: c.id, warningCodes: [{ code: 'barcode-as-qr' }] });
    const copy = await t.agent.services.print.reprint(id);
    expect(t.agent.services.jobs.get(copy.id)).toMatchObject({ number: '2026-000042', clientId: c.id, reprintOf: id, warningCodes: [{ code: 'barcode-as-qr' }] });
    await t.agent.services.print.printClientCard(c.id);
    expect(t.agent.services.jobs.list('queued', 10).concat(t.agent.services.jobs.list(null, 10)).find((j) => j.type === 'client')).toMatchObject({ number: null, clientId: c.id });
  });
});

describe('jobs on disk written before', () => {
  it('a record without codes, number or client loads: the page shows its English error and warning as written', async () => {
    const dir = tempDir();
    const log = memoryLogger();
    const config = { printers: [{ id: 'front', name: 'Caisse', roles: ['receipt'], transport: { type: 'virtual' } }] };
    await (await openTestAgent({ dir, config })).close(); // a store an agent used
    // a job line as an agent before this one wrote it (format 1, the fields it had)
    const journal = new Journal(path.join(dir, 'jobs', 'journal'), log);
    await journal.open();
    const old = {
      format: 1, id: 'job_00mabcdef_OLDjob01', status: 'failed', type: 'receipt', printer: 'front', copies: 1, attempts: 3,
      error: 'the printer at 10.0.0.9:9100 refused the connection', reprint: false, createdAt: '2026-11-27T09:15:00.000Z', updatedAt: '2026-11-27T09:16:00.000Z',
      bytes: Buffer.from('Ticket 1\n').toString('base64'), idempotencyKey: null, bodyHash: null, reprintOf: null, drawer: false, confirmed: null,
      warnings: ['the barcode "X" is too long for this paper: printed as a QR code'],
    };
    await journal.append([old]).durable;
    await journal.close();

    const store = new JobStore(path.join(dir, 'jobs'), new EventBus(), log);
    await store.load({ readOnly: true });
    expect(store.get(old.id)).toMatchObject({ error: old.error, errorCode: null, warningCodes: [], number: null, clientId: null });
    expect(log.lines.join('\n')).not.toContain('skipped');

    const t = await open({ dir, config });
    const page = await printersPage(t);
    expect(page).toContain('<span lang="en">the printer at 10.0.0.9:9100 refused the connection</span>');
    expect(page).toContain('<span lang="en">the barcode &quot;X&quot; is too long for this paper: printed as a QR code</span>');
    // a ticket without a number is named by the end of its job id
    expect(page).toMatch(/<td class="ticket-number" data-job-number="true"><span class="sub" title="[^"]*job_00mabcdef_OLDjob01[^"]*">Djob01<\/span><\/td>/);
  });
});
