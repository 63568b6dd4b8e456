/**
 * A small multipart/form-data parser.
 *
 * Why not `Request.formData()` / Hono's `parseBody`: grammY writes part headers as
 * `content-disposition:form-data;name="photo";filename=photo.jpg` (no spaces, unquoted
 * filename). Telegram accepts that, but undici's strict parser rejects the whole body, so the
 * emulator has to be as lenient as the real server.
 */

export interface MultipartPart {
  name: string;
  /** Set for file parts. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/** Extracts the boundary from a `multipart/form-data; boundary=...` content type. */
export function multipartBoundary(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.concat([CRLF, delimiter]);
  const parts: MultipartPart[] = [];

  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error("multipart boundary not found");
  pos += delimiter.length;

  while (pos < body.length) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // "--": closing delimiter
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const end = body.indexOf(nextDelimiter, pos);
    if (end < 0) throw new Error("unterminated multipart part");

    const raw = body.subarray(pos, end);
    const headerEnd = raw.indexOf(HEADER_END);
    const headerText = (headerEnd < 0 ? raw : raw.subarray(0, headerEnd)).toString("utf8");
    const data = headerEnd < 0 ? Buffer.alloc(0) : raw.subarray(headerEnd + HEADER_END.length);
    const part = toPart(headerText, data);
    if (part) parts.push(part);

    pos = end + nextDelimiter.length;
  }
  return parts;
}

function toPart(headerText: string, data: Buffer): MultipartPart | undefined {
  const headers = new Map<string, string>();
  for (const line of headerText.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = dispositionParams(headers.get("content-disposition") ?? "");
  const name = disposition.get("name");
  if (name === undefined) return undefined;
  return {
    name,
    filename: disposition.get("filename"),
    contentType: headers.get("content-type"),
    data: Buffer.from(data), // copy: the request body buffer may be large and short-lived
  };
}

/** Parses `form-data; name="a"; filename=b.jpg` into its parameters (quoted or not). */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const pattern = /;\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (const match of value.matchAll(pattern)) {
    const key = (match[1] ?? "").toLowerCase();
    let val = (match[2] ?? "").trim();
    if (val.startsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, "$1");
    params.set(key, val);
  }
  return params;
}
