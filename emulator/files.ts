import { randomBytes } from "node:crypto";
import { extname } from "node:path";
import type { PhotoSize } from "grammy/types";
import { badRequest } from "./api-error.ts";
import { imageSize } from "./image-size.ts";

export type FileKind = "photo" | "document" | "sticker" | "voice";

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  kind: FileKind;
  bytes: Buffer;
  /** Relative path served under /file/bot<token>/, as returned by getFile. */
  file_path: string;
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
  /** Set when the bot sent a URL: the emulator never downloads it and keeps placeholder bytes. */
  url?: string;
}

type FileMeta = Partial<Pick<StoredFile, "file_name" | "mime_type" | "width" | "height" | "url">>;

// Prefixes resemble real file ids, which helps when eyeballing logs.
const KINDS: Record<FileKind, { prefix: string; folder: string; ext: string }> = {
  photo: { prefix: "AgACAgIAAxkBAA", folder: "photos", ext: "jpg" },
  document: { prefix: "BQACAgIAAxkBAA", folder: "documents", ext: "dat" },
  sticker: { prefix: "CAACAgIAAxkBAA", folder: "stickers", ext: "webp" },
  voice: { prefix: "AwACAgIAAxkBAA", folder: "voice", ext: "oga" },
};

/** Longest sides of the downscaled copies Telegram keeps of every photo. */
const THUMBNAIL_SIDES = [90, 320, 800, 1280];
const MAX_PHOTO_SIDE = 2560;

/** Every file the emulator knows: uploads by the bot and media sent by simulated users. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  /** Any size's file_id → all sizes of that photo, so a photo can be re-sent by file_id. */
  private readonly photos = new Map<string, PhotoSize[]>();
  private count = 0;

  add(kind: FileKind, bytes: Buffer, meta: FileMeta = {}): StoredFile {
    const n = ++this.count;
    const { prefix, folder, ext } = KINDS[kind];
    const extension = meta.file_name ? extname(meta.file_name).slice(1) || ext : ext;
    const file: StoredFile = {
      file_id: `${prefix}${n.toString(36)}${randomId(30)}`,
      file_unique_id: `AQAD${n.toString(36)}${randomId(8)}`,
      kind,
      bytes,
      file_path: `${folder}/file_${n}.${extension}`,
      ...meta,
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    return file;
  }

  /**
   * Stores a photo the way Telegram does: downscaled sizes plus the original, largest last.
   * The smaller sizes are not really resized; they share the original bytes.
   */
  addPhoto(bytes: Buffer, url?: string): PhotoSize[] {
    const size = imageSize(bytes);
    if (!size || size.width === 0 || size.height === 0) throw badRequest("IMAGE_PROCESS_FAILED");
    const longest = Math.max(size.width, size.height);
    if (longest / Math.min(size.width, size.height) > 20) {
      throw badRequest("PHOTO_INVALID_DIMENSIONS");
    }

    const sides = [
      ...THUMBNAIL_SIDES.filter((side) => side < longest),
      Math.min(longest, MAX_PHOTO_SIDE),
    ];
    const sizes = sides.map((side, index): PhotoSize => {
      const scale = side / longest;
      const width = Math.max(1, Math.round(size.width * scale));
      const height = Math.max(1, Math.round(size.height * scale));
      const file = this.add("photo", bytes, { width, height, ...(url ? { url } : {}) });
      const isOriginal = index === sides.length - 1;
      return {
        file_id: file.file_id,
        file_unique_id: file.file_unique_id,
        width,
        height,
        // An estimate for the thumbnails: proportional to their area.
        file_size: isOriginal
          ? bytes.length
          : Math.max(1, Math.round(bytes.length * scale * scale)),
      };
    });
    for (const photoSize of sizes) this.photos.set(photoSize.file_id, sizes);
    return sizes;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  getByPath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  /** All sizes of the photo that `fileId` belongs to. */
  photoSizes(fileId: string): PhotoSize[] | undefined {
    return this.photos.get(fileId);
  }
}

function randomId(length: number): string {
  return randomBytes(length).toString("base64url").slice(0, length);
}

const MIME_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
  zip: "application/zip",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

/** Telegram derives a document's mime_type from its name; unknown names get none. */
export function mimeTypeOf(fileName: string): string | undefined {
  return MIME_TYPES[extname(fileName).slice(1).toLowerCase()];
}
