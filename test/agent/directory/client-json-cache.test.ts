import { expect, it } from 'vitest';
import { ClientJsonCache } from '../../../agent/directory/client-json.js';
import { generateClients, generateGroups } from '../../fixtures/swiss-clients.js';

const clients = generateClients(50);

it('holds at most its capacity; a client served since it came in outlives one never served', () => {
  const cache = new ClientJsonCache(10);
  const put = (i: number) => cache.set(clients[i]!, undefined, '1', `json ${i}`);
  for (let i = 0; i < 10; i++) put(i);
  // 0 and 5 are served again (a search page shown twice); the others are not
  expect(cache.get(clients[0]!, undefined, '1')).toBe('json 0');
  expect(cache.get(clients[5]!, undefined, '1')).toBe('json 5');
  for (let i = 10; i < 14; i++) put(i);
  expect(cache.size).toBe(10);
  const kept = (i: number) => cache.get(clients[i]!, undefined, '1') !== undefined;
  // the four oldest never served went out (1–4); 0 and 5 stayed, as did the newest
  expect([0, 1, 2, 3, 4, 5, 13].map(kept)).toEqual([true, false, false, false, false, true, true]);
  // every entry served: the cache still makes room (each loses its mark once, then the oldest goes)
  for (let i = 0; i < 50; i++) cache.get(clients[i]!, undefined, '1');
  for (let i = 20; i < 50; i++) put(i);
  expect(cache.size).toBe(10);
  expect(kept(49)).toBe(true);
});

it('never answers for other inputs: another record object, group or etag is a miss', () => {
  const cache = new ClientJsonCache(4);
  const c = clients[0]!;
  cache.set(c, undefined, '1', 'json');
  expect(cache.get({ ...c }, undefined, '1')).toBeUndefined();
  expect(cache.get(c, undefined, '2')).toBeUndefined();
  expect(cache.get(c, generateGroups()[0], '1')).toBeUndefined();
  expect(cache.get(c, undefined, '1')).toBe('json');
});
