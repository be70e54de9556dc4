import { afterEach, describe, expect, it } from 'vitest';
import { decode, printedText } from '../../drivers/printer/decode.js';
import { encode } from '../../drivers/printer/escpos.js';
import { SerialTransport } from '../../drivers/printer/serial.js';
import { tempDir } from '../helpers/config.js';
import { type PtyPair, ptyPair } from '../helpers/pty.js';

/** A serial printer on a real pseudo-terminal (socat): the test plays the printer on the other end. */

let pair: PtyPair | null = null;
let transport: SerialTransport | null = null;
afterEach(async () => {
  await transport?.close();
  await pair?.close();
  pair = null;
  transport = null;
});

describe('serial printer on a pty', () => {
  it('prints the ticket and answers DLE EOT status like a printer', async () => {
    pair = await ptyPair(tempDir(), 'printer');
    const got: number[] = [];
    let paperOut = false;
    pair.onData((chunk) => {
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === 0x10 && chunk[i + 1] === 0x04) {
          const n = chunk[i + 2];
          void pair!.write(Uint8Array.from([0x12 | (paperOut && n === 4 ? 0x60 : 0) | (paperOut && n === 1 ? 0x08 : 0) | (paperOut && n === 2 ? 0x20 : 0)]));
          i += 2;
        } else got.push(chunk[i]!);
      }
    });
    transport = new SerialTransport(pair.app, 9600);
    await transport.send(encode([{ kind: 'text', text: 'Reçu Zürich 12.50 €' }, { kind: 'cut' }], { model: 'epson', width: 42, codePage: 'PC858_EURO' }));
    for (let i = 0; i < 200 && !printedText(decode(Buffer.from(got))).length; i++) await new Promise((r) => setTimeout(r, 5));
    expect(printedText(decode(Buffer.from(got)))).toEqual(['Reçu Zürich 12.50 €']);
    expect(await transport.status()).toBe('online');
    paperOut = true;
    expect(await transport.status()).toBe('paper-out');
  });

  it('a port that is not there: offline status, and a send says what to check', async () => {
    transport = new SerialTransport(`${tempDir()}/ttyNOPE`, 9600);
    expect(await transport.status()).toBe('offline');
    await expect(transport.send(Buffer.from('x'))).rejects.toThrow(/not found: is the printer plugged in and on\?/);
  });
});
