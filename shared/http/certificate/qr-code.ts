/** A QR code as inline SVG, drawn by the `qrcode` library (the printed link's only carrier). */
import QRCode from "qrcode";

/**
 * Error correction M (15 % of the code may be damaged, a smudged print still scans) and a quiet
 * zone of 4 modules, as ISO/IEC 18004 asks for reliable scanning.
 */
export function qrCodeSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
}
