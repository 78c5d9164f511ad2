/** The one importer of `qrcode`: text as a QR code for a terminal (two modules per character, dark on light). */
import QRCode from 'qrcode';

export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
