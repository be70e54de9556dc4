import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../agent/config.js';

/** agent-api.md "Non-loopback binding", and the config rules that keep the API closed. */

const TOKEN = 'a-long-random-token-0123456789';

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'test-config');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('non-loopback binding', () => {
  it.each(['0.0.0.0', '::', '[::]', '192.168.1.20', '10.0.0.5', 'shop-pc.local', '127.0.0.1.nip.io', '::ffff:192.168.1.20'])(
    'http.host %s with no token and no PIN is refused, naming api.tokens and ui.pin',
    (host) => {
      const problems = problemsOf({ http: { host } });
      expect(problems.some((p) => p.startsWith('api.tokens:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('ui.pin:'))).toBe(true);
      expect(problems).toHaveLength(2);
    },
  );

  it('a token but no PIN: refused, naming ui.pin only', () => {
    const problems = problemsOf({ http: { host: '0.0.0.0' }, api: { tokens: [TOKEN] } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^ui\.pin: /);
    expect(problems[0]).toContain('0.0.0.0');
  });

  it('a PIN but no token: refused, naming api.tokens only', () => {
    const problems = problemsOf({ http: { host: '0.0.0.0' }, ui: { pin: '4821' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^api\.tokens: /);
  });

  it('a token and a PIN: accepted', () => {
    const config = parseConfig({ http: { host: '0.0.0.0' }, api: { tokens: [TOKEN] }, ui: { pin: '4821' } }, 'test-config');
    expect(config.http.host).toBe('0.0.0.0');
  });

  it('a scoped token object counts as a token', () => {
    const config = parseConfig(
      { http: { host: '192.168.1.20' }, api: { tokens: [{ name: 'till-1', token: TOKEN, scopes: ['directory:read'] }] }, ui: { pin: '4821' } },
      'test-config',
    );
    expect(config.api.tokens).toHaveLength(1);
  });

  it.each(['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])('loopback http.host %s needs neither token nor PIN', (host) => {
    expect(parseConfig({ http: { host } }, 'test-config').http.host).toBe(host);
  });

  it('the default host is 127.0.0.1 and needs nothing', () => {
    const config = parseConfig({}, 'test-config');
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.api.tokens).toEqual([]);
  });
});

describe('config rules that keep the API closed', () => {
  it('"*" is not an allowed origin', () => {
    const problems = problemsOf({ http: { allowedOrigins: ['*'] } });
    expect(problems.some((p) => p.startsWith('http.allowedOrigins.0:'))).toBe(true);
  });

  it('an origin with a path or without a scheme is refused', () => {
    const problems = problemsOf({ http: { allowedOrigins: ['https://till.example.ch/app', 'till.example.ch'] } });
    expect(problems.some((p) => p.startsWith('http.allowedOrigins.0:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('http.allowedOrigins.1:'))).toBe(true);
  });

  it('a short token is refused (no guessable tokens)', () => {
    const problems = problemsOf({ api: { tokens: ['1234'] } });
    expect(problems.some((p) => p.startsWith('api.tokens.0'))).toBe(true);
  });

  it('an unknown scope or an empty scope list is refused', () => {
    expect(problemsOf({ api: { tokens: [{ name: 'x', token: TOKEN, scopes: ['root'] }] } }).some((p) => p.startsWith('api.tokens.0'))).toBe(true);
    expect(problemsOf({ api: { tokens: [{ name: 'x', token: TOKEN, scopes: [] }] } }).some((p) => p.startsWith('api.tokens.0'))).toBe(true);
  });

  it('a typo in a security key is an error, not silently ignored', () => {
    const problems = problemsOf({ http: { allowedOrigin: ['https://till.example.ch'] } });
    expect(problems.some((p) => p.startsWith('http:') && p.includes('allowedOrigin'))).toBe(true);
  });
});
