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
  // Each scanline: filter type 0 (none), then the pixels, 1 = white, 0 = black.
  const raw = Buffer.alloc((rowBytes + 1) * side, 0xff);
  for (let y = 0; y < side; y++) {
    const line = y * (rowBytes + 1);
    raw[line] = 0;
    const row = Math.floor(y / scale) - margin;
    if (row < 0 || row >= modules.size) continue;
    for (let col = 0; col < modules.size; col++) {
      if (modules.data[row * modules.size + col] !== 1) continue;
      const left = (col + margin) * scale;
      for (let x = left; x < left + scale; x++) {
        const at = line + 1 + (x >> 3);
        raw[at] = (raw[at] as number) & ~(0x80 >> (x & 7));
      }
    }
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
