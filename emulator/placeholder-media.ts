import { deflateSync } from "node:zlib";

/**
 * Stand-in media for things that carry no real bytes in the emulator: photos users "send"
 * from a test, and photos the bot sends by URL (the emulator never downloads URLs).
 * A valid PNG keeps every consumer working: getFile downloads, the terminal chat, image checks.
 */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  // Benchmarks send many stickers and photos; encoding the same image again is wasted time.
  const key = `${width}x${height}:${rgb.join(",")}`;
  const cached = pngCache.get(key);
  if (cached) return cached;
  const png = encodePng(width, height, rgb);
  pngCache.set(key, png);
  return png;
}

const pngCache = new Map<string, Buffer>();

function encodePng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3); // filter byte 0 + RGB pixels
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));

  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, truecolor, default compression/filter/interlace

  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(pixels)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Bytes that merely look like an Ogg/Opus voice note; nothing decodes them. */
export function fakeVoiceNote(): Buffer {
  return Buffer.concat([Buffer.from("OggS"), Buffer.alloc(60)]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
