/**
 * Candidate serial ports for `panel.port` (`deskphone ports`). SerialPort.list() needs udev; where udev is
 * missing it fails, and the caller is told to give the path by hand.
 */
import { SerialPort } from 'serialport';
import { PanelError } from '../../core/errors.ts';

export interface PortCandidate {
  path: string;
  manufacturer?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  /** USB serial adapters and Arduino-class boards (ttyUSB*, ttyACM*). */
  likelyBoard: boolean;
}

export async function listPorts(list: () => Promise<Array<Omit<PortCandidate, 'likelyBoard'>>> = () => SerialPort.list()): Promise<PortCandidate[]> {
  let ports;
  try {
    ports = await list();
  } catch (err) {
    throw new PanelError(
      `cannot list serial ports (${(err as Error).message}); without udev, set panel.port to the path, e.g. /dev/ttyUSB0`,
      { cause: err },
    );
  }
  return ports.map((p) => ({
    path: p.path,
    ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
    ...(p.vendorId ? { vendorId: p.vendorId } : {}),
    ...(p.productId ? { productId: p.productId } : {}),
    ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
    likelyBoard: /ttyUSB|ttyACM|usbserial|usbmodem/i.test(p.path),
  }));
}
