import { crc32, deflateSync } from "node:zlib";

/** A QR code's modules: `size` × `size`, dark where `data[row * size + col]` is 1. */
export type QrModules = { size: number; data: Uint8Array };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A QR code as a black-and-white PNG: one bit per pixel, `scale` pixels per module, a quiet
 * zone of `margin` modules. A QR code needs nothing more, and packing bits and letting zlib
 * compress them costs a fraction of a millisecond, where a general RGBA encoder (pngjs, used by
 * the qrcode package) spends several milliseconds filtering half a megabyte of pixels.
 */
export function qrPng(modules: QrModules, options: { scale: number; margin: number }): Buffer {
  const { scale, margin } = options;
  const side = (modules.size + 2 * margin) * scale;
  const rowBytes = Math.ceil(side / 8);
  // Each scanline: filter type 0 (none), then the pixels, 1 = white, 0 = black. A module row
  // is drawn once and copied `scale` times.
  const lineBytes = rowBytes + 1;
  const raw = Buffer.alloc(lineBytes * side, 0xff);
  const line = Buffer.alloc(lineBytes);
  for (let y = 0; y < side; y++) raw[y * lineBytes] = 0;
  for (let row = 0; row < modules.size; row++) {
    line.fill(0xff);
    line[0] = 0;
    for (let col = 0; col < modules.size; col++) {
      if (modules.data[row * modules.size + col] !== 1) continue;
      const left = (col + margin) * scale;
      for (let x = left; x < left + scale; x++) {
        const at = 1 + (x >> 3);
        line[at] = (line[at] as number) & ~(0x80 >> (x & 7));
      }
    }
    const top = (row + margin) * scale;
    for (let y = top; y < top + scale; y++) line.copy(raw, y * lineBytes);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
