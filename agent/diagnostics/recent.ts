import type { Logger } from '../log.js';

/** One warning or error the agent said, kept for the diagnostics archive. */
export interface RecentLine {
  at: string;
  level: 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

const rings = new WeakMap<object, RecentProblems>();

/**
 * The last warnings and errors, in memory: support sees what went wrong without the log files
 * (which a till may not keep). The ring travels with the logger that feeds it, so whatever holds
 * the agent's logger (the services, the routes) can find it with RecentProblems.of(log).
 */
export class RecentProblems {
  private readonly lines: RecentLine[] = [];
  constructor(readonly size = 200) {}

  /** The ring that the logger made by wrap() feeds, or null for any other logger. */
  static of(log: Logger): RecentProblems | null {
    return rings.get(log) ?? null;
  }

  /** Oldest first. */
  list(): RecentLine[] {
    return [...this.lines];
  }

  remember(level: RecentLine['level'], msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ at: new Date().toISOString(), level, msg, ...(fields === undefined ? {} : { fields }) });
    if (this.lines.length > this.size) this.lines.splice(0, this.lines.length - this.size);
  }

  /**
   * The same logger, its warnings and errors also kept here. Everything else the logger has (its
   * own fields, a flush) is inherited, and an optional second `fields` argument is passed on.
   */
  wrap(inner: Logger): Logger {
    const forward = (fn: Logger['info'], msg: string, fields: Record<string, unknown> | undefined) =>
      Reflect.apply(fn, inner, fields === undefined ? [msg] : [msg, fields]);
    const wrapped: Logger = Object.create(inner);
    wrapped.info = (msg: string, fields?: Record<string, unknown>) => forward(inner.info, msg, fields);
    wrapped.warn = (msg: string, fields?: Record<string, unknown>) => {
      this.remember('warn', msg, fields);
      forward(inner.warn, msg, fields);
    };
    wrapped.error = (msg: string, fields?: Record<string, unknown>) => {
      this.remember('error', msg, fields);
      forward(inner.error, msg, fields);
    };
    rings.set(wrapped, this);
    return wrapped;
  }
}
