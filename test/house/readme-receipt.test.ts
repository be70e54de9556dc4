import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { agentPerTest } from '../helpers/agent.js';
import { decode, printedText } from '../../drivers/printer/decode.js';

/** The README's receipt example is what the agent takes and prints (a README example that fails is the first thing an integrator meets). */

const open = agentPerTest();

it("the README's receipt example is accepted and prints, with the client's name", async () => {
  const a = await open();
  await a.api('/api/v1/clients', { method: 'POST', json: { civility: 'Mme', lastName: 'Müller', firstName: 'Hélène', reference: '7612345000015' } });
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const body = /-d '(\{\n {2}"type": "receipt"[\s\S]*?\})' http:\/\/127\.0\.0\.1:8410\/api\/v1\/print/.exec(readme)?.[1];
  expect(body, 'the receipt example in the README').toBeDefined();
  const res = await a.api('/api/v1/print', { method: 'POST', json: JSON.parse(body!) });
  expect(res.status).toBe(202);
  const { renderRequest } = await import('../../agent/printing/render.js');
  const lines = printedText(decode(renderRequest(JSON.parse(body!), a.agent.config, a.agent.services.directory).bytes));
  expect(lines).toContain('Mme Hélène Müller');
});
