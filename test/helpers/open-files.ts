import { readdirSync, readlinkSync } from 'node:fs';

/** Files under `dir` this process holds open (Linux: /proc/self/fd), counted from the kernel's side. */
export function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return ''; // closed meanwhile (the listing's own fd)
      }
    })
    .filter((target) => target.startsWith(dir));
}
