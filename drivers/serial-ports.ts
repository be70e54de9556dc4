import type { EventEmitter } from 'node:events';

/** What serialport's `SerialPort.list()` gives per port (the fields the agent uses). */
export interface SerialPortInfo {
  path: string;
  manufacturer?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export type SerialLister = () => Promise<SerialPortInfo[]>;

/**
 * serialport's list, loaded on demand (a native module). It spawns `udevadm` on Linux and rejects
 * with ENOENT where that is missing: callers must catch it.
 */
export const listSerialPorts: SerialLister = async () => {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
};

/** The part of serialport's SerialPort the drivers use (tests pass serialport's own mock). */
export interface SerialPortLike extends EventEmitter {
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err?: Error | null) => void): boolean;
  drain(callback: () => void): void;
  readonly isOpen: boolean;
}

export type SerialOpener = (path: string, baudRate: number) => Promise<SerialPortLike>;

/** serialport, loaded only when a config has a serial scanner or printer (it is a native module). */
export const openSerialPort: SerialOpener = async (path, baudRate) => {
  const { SerialPort } = await import('serialport');
  return new SerialPort({ path, baudRate, autoOpen: false });
};
