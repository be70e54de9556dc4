import type { Client, Group } from './schema.js';

/**
 * What one client's API JSON was made of, and the JSON. Records and groups are replaced on every
 * change, never edited in place (the store's change events and the search index count on it as
 * well), so the objects themselves say whether the JSON is still right; the etag is compared as a
 * string because the recorder's part of it (a pending outbox entry) changes without the record.
 */
interface Entry {
  record: Readonly<Client>;
  group: Readonly<Group> | undefined;
  etag: string;
  json: string;
  /** Served since it last came to the front of the queue: it gets a second chance there. */
  used: boolean;
}

/**
 * The JSON of the clients served most recently, so that a search page is a join of strings
 * instead of 20 objects built and serialised again on every keystroke. Bounded: all 100,000
 * clients would add ~50 MB to an agent that should stay under 200 MB.
 */
export class ClientJsonCache {
  /**
   * Map order is the order of arrival; a hit only marks its entry (moving it to the end cost a
   * delete and a set on every hit, each a cache miss of the CPU, twenty times a search page). When
   * full, the first entry goes out unless it was used since: then it goes to the end, unmarked.
   */
  private readonly entries = new Map<string, Entry>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The JSON made from exactly these inputs, or undefined. */
  get(record: Readonly<Client>, group: Readonly<Group> | undefined, etag: string): string | undefined {
    const e = this.entries.get(record.id);
    if (!e || e.record !== record || e.group !== group || e.etag !== etag) return undefined;
    e.used = true;
    return e.json;
  }

  set(record: Readonly<Client>, group: Readonly<Group> | undefined, etag: string, json: string): void {
    this.entries.delete(record.id);
    this.entries.set(record.id, { record, group, etag, json, used: false });
    while (this.entries.size > this.capacity) {
      const [id, first] = this.entries.entries().next().value!;
      this.entries.delete(id);
      if (first.used) {
        first.used = false;
        this.entries.set(id, first);
      }
    }
  }

  /** A client changed or went: its entry would never match again, and would keep the old record alive. */
  delete(id: string): void {
    this.entries.delete(id);
  }
}
