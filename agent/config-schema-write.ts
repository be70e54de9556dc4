import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from './config.js';

/** `npm run schema` regenerates agent.config.schema.json; a test fails when the committed file is stale. */
export const SCHEMA_FILE = fileURLToPath(new URL('../agent.config.schema.json', import.meta.url));

export function renderConfigSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderConfigSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
