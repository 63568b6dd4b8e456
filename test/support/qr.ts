import jsQRModule from "jsqr";
import { PNG } from "pngjs";

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

// jsqr is CommonJS with an `exports.default`; depending on the loader the function arrives
// as the default import itself or one level deeper.
const jsQR: Decode =
  typeof jsQRModule === "function"
    ? (jsQRModule as unknown as Decode)
    : (jsQRModule as unknown as { default: Decode }).default;

/** Reads the QR code in a PNG, as a staff member's phone camera would. */
export function decodeQrPng(bytes: Buffer): string | null {
  const png = PNG.sync.read(bytes);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
}
