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
