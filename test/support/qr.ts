import jsQR from "jsqr";
import { PNG } from "pngjs";

/** Reads the QR code in a PNG, as a staff member's phone camera would. */
export function decodeQrPng(bytes: Buffer): string | null {
  const png = PNG.sync.read(bytes);
  const result = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return result?.data ?? null;
}
