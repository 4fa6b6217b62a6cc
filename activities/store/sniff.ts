/**
 * Recognises media by its content (magic bytes), never by its file name. A hand-written table
 * rather than the `file-type` package: its current releases need Node 22 and are ESM-only, and
 * Taskdeck supports Node 20; the formats a dataset accepts are few and have fixed signatures.
 */
export interface MediaType {
  mime: string;
  ext: string;
  kind: 'image' | 'video';
}

const ascii = (buf: Buffer, start: number, text: string): boolean => buf.subarray(start, start + text.length).toString('latin1') === text;
const bytes = (buf: Buffer, start: number, sig: number[]): boolean => sig.every((b, i) => buf[start + i] === b);

export const SUPPORTED_MEDIA = 'PNG, JPEG, GIF, WebP, BMP, TIFF images and MP4, MOV, WebM, AVI videos';

/** Bytes of a file's head that `sniffMedia` needs. */
export const SNIFF_BYTES = 64;

export function sniffMedia(head: Buffer): MediaType | undefined {
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mime: 'image/png', ext: 'png', kind: 'image' };
  if (bytes(head, 0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', ext: 'jpg', kind: 'image' };
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return { mime: 'image/gif', ext: 'gif', kind: 'image' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { mime: 'image/webp', ext: 'webp', kind: 'image' };
  if (ascii(head, 0, 'BM') && head.length >= 26) return { mime: 'image/bmp', ext: 'bmp', kind: 'image' };
  if (bytes(head, 0, [0x49, 0x49, 0x2a, 0x00]) || bytes(head, 0, [0x4d, 0x4d, 0x00, 0x2a])) return { mime: 'image/tiff', ext: 'tif', kind: 'image' };
  if (ascii(head, 4, 'ftyp')) {
    return ascii(head, 8, 'qt  ') ? { mime: 'video/quicktime', ext: 'mov', kind: 'video' } : { mime: 'video/mp4', ext: 'mp4', kind: 'video' };
  }
  if (bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return { mime: 'video/webm', ext: 'webm', kind: 'video' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return { mime: 'video/x-msvideo', ext: 'avi', kind: 'video' };
  return undefined;
}

/** A short description of unrecognised content for the error message: text, or the first bytes. */
export function describeContent(head: Buffer): string {
  if (head.length === 0) return 'the file is empty';
  const printable = [...head.subarray(0, 16)].every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (printable) return 'it is text';
  return `it starts with bytes ${head.subarray(0, 8).toString('hex')}`;
}
