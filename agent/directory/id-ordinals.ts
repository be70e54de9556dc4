/**
 * The search index's map from a client id to its ordinal, as one Int32Array (open addressing,
 * linear probing) over the index's own array of ids, instead of a Map. A Map of 100,000 string
 * keys holds a 3.5 MB table of 8-byte slots (key, value, chain) and regrows, copying it, as it
 * fills; this holds 4 bytes a slot, the ordinal + 1, and finds the key through `ids[ordinal]`:
 * ~1 MB at 100,000 clients, ~8 MB at 1,000,000 (a Map: ~35 MB, and its regrowths at every start).
 */

const EMPTY = 0;
/** A removed entry: probing goes on past it (a later key may have been placed beyond it). */
const GONE = -1;
const MIN_SLOTS = 1024;

/** FNV-1a over the UTF-16 code units: ids are UUIDs or short references, well spread by it. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Slots for `n` keys at most half full, a power of two. */
function slotsFor(n: number): number {
  let size = MIN_SLOTS;
  while (size < n * 2) size *= 2;
  return size;
}

export class IdOrdinals {
  private slots: Int32Array;
  private count = 0;
  /** Live entries and GONE marks: what the probes walk over. */
  private filled = 0;
  private remade = 0;

  /** `ids[ordinal]` is the id an ordinal was given (the index never changes it); `expected` sizes the table once. */
  constructor(
    private readonly ids: ReadonlyArray<string | undefined>,
    expected = 0,
  ) {
    this.slots = new Int32Array(slotsFor(expected));
  }

  /** A table of every ordinal of `ids` (each id once), sized for them. */
  static over(ids: ReadonlyArray<string | undefined>): IdOrdinals {
    const table = new IdOrdinals(ids, ids.length);
    for (let ord = 0; ord < ids.length; ord++) table.set(ids[ord]!, ord);
    return table;
  }

  /** Times the table was made again (a test holds it to a few per doubling). */
  get regrowths(): number {
    return this.remade;
  }

  get size(): number {
    return this.count;
  }

  get(id: string): number | undefined {
    const mask = this.slots.length - 1;
    for (let i = hashOf(id) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === EMPTY) return undefined;
      if (s !== GONE && this.ids[s - 1] === id) return s - 1;
    }
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Files `ordinal` (whose `ids[ordinal]` is `id`) under `id`, replacing what the id had; false if it had one. */
  set(id: string, ordinal: number): boolean {
    return this.swap(id, ordinal) < 0;
  }

  /** `set`, answering the ordinal the id had before (-1: none), in the same one walk of the table. */
  swap(id: string, ordinal: number): number {
    if (this.ids[ordinal] !== id) throw new Error(`IdOrdinals.set/swap: ordinal ${ordinal} is not the id's`);
    const mask = this.slots.length - 1;
    let free = -1;
    for (let i = hashOf(id) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === EMPTY) {
        if (free < 0) {
          free = i;
          this.filled++;
        }
        break;
      }
      if (s === GONE) {
        if (free < 0) free = i;
      } else if (this.ids[s - 1] === id) {
        this.slots[i] = ordinal + 1;
        return s - 1;
      }
    }
    this.slots[free] = ordinal + 1;
    this.count++;
    if (this.filled * 2 > this.slots.length) this.regrow();
    return -1;
  }

  delete(id: string): boolean {
    const mask = this.slots.length - 1;
    for (let i = hashOf(id) & mask; ; i = (i + 1) & mask) {
      const s = this.slots[i]!;
      if (s === EMPTY) return false;
      if (s !== GONE && this.ids[s - 1] === id) {
        this.slots[i] = GONE;
        this.count--;
        return true;
      }
    }
  }

  /**
   * Every live entry again (GONE marks dropped), in a table at most a quarter full: sized for
   * them alone, a table just under half full would be made again after every second add when
   * removals and adds alternate (a pull that removes and adds clients).
   */
  private regrow(): void {
    this.remade++;
    const old = this.slots;
    const slots = new Int32Array(slotsFor(this.count * 2));
    const mask = slots.length - 1;
    for (const s of old) {
      if (s === EMPTY || s === GONE) continue;
      let i = hashOf(this.ids[s - 1]!) & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = s;
    }
    this.slots = slots;
    this.filled = this.count;
  }
}
