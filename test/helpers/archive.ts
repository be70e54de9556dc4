import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { list } from 'tar';
import { tempDir } from './config.js';

/** A .tar.gz as tar lists it: each file's path (without the top folder) and text. */
export async function readArchive(bytes: Uint8Array | string): Promise<{ top: string; files: Map<string, string>; tarBytes: Buffer }> {
  let file: string;
  if (typeof bytes === 'string') file = bytes;
  else {
    file = path.join(tempDir('archive-'), 'a.tar.gz');
    writeFileSync(file, bytes);
  }
  const files = new Map<string, string>();
  const tops = new Set<string>();
  await list({
    file,
    onReadEntry: (entry) => {
      const [top, ...rest] = entry.path.split('/');
      tops.add(top!);
      if (entry.type !== 'File') return;
      const chunks: Buffer[] = [];
      entry.on('data', (d: Buffer) => chunks.push(d));
      entry.on('end', () => files.set(rest.join('/'), Buffer.concat(chunks).toString('utf8')));
    },
  });
  if (tops.size !== 1) throw new Error(`expected one top folder, got ${[...tops].join(', ')}`);
  const { readFileSync } = await import('node:fs');
  return { top: [...tops][0]!, files, tarBytes: gunzipSync(readFileSync(file)) };
}

/** Every secret given that appears anywhere in the bytes (the tar's, ungzipped: names, headers and contents). */
export function secretsIn(tarBytes: Buffer, secrets: readonly string[]): string[] {
  const text = tarBytes.toString('latin1');
  return secrets.filter((s) => text.includes(Buffer.from(s, 'utf8').toString('latin1')));
}
