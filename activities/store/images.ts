import { readFile } from 'node:fs/promises';
import { imageSize } from 'image-size';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { FeatureEntry } from './datasets';

interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Uint8Array;
}

/** Width and height from the file's header; null for what is not an image it knows. */
export function dimensions(buffer: Buffer): { width: number | null; height: number | null } {
  try {
    const size = imageSize(buffer);
    return { width: size.width ?? null, height: size.height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** Decodes PNG and JPEG (pure JS); other formats are indexed but get no pixel features. */
export function decode(buffer: Buffer, mime: string): Pixels | undefined {
  if (mime === 'image/png') {
    const png = PNG.sync.read(buffer);
    return { width: png.width, height: png.height, data: png.data };
  }
  if (mime === 'image/jpeg') {
    const img = jpeg.decode(buffer, { useTArray: true, maxMemoryUsageInMB: 512 });
    return { width: img.width, height: img.height, data: img.data };
  }
  return undefined;
}

/** Features of one image: a 64-bit difference hash (perceptual) and the mean colour. */
export async function imageFeatures(path: string, mime: string): Promise<FeatureEntry | undefined> {
  const pixels = decode(await readFile(path), mime);
  if (!pixels) return undefined;
  return { phash: differenceHash(pixels), mean_color: meanColor(pixels) };
}

export function meanColor({ data }: Pixels): [number, number, number] {
  const sums = [0, 0, 0];
  const count = data.length / 4;
  for (let i = 0; i < data.length; i += 4) {
    sums[0] += data[i];
    sums[1] += data[i + 1];
    sums[2] += data[i + 2];
  }
  return sums.map((s) => Math.round((s / Math.max(1, count)) * 100) / 100) as [number, number, number];
}

/**
 * dHash: the image shrunk to 9×8 grey cells (box average), one bit per cell telling whether it
 * is brighter than its right neighbour. Near-duplicates (resized, re-encoded, slightly edited)
 * differ in few bits.
 */
export function differenceHash({ width, height, data }: Pixels): string {
  const cols = 9;
  const rows = 8;
  const grey: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x0 = Math.floor((c * width) / cols);
      const x1 = Math.max(x0 + 1, Math.floor(((c + 1) * width) / cols));
      const y0 = Math.floor((r * height) / rows);
      const y1 = Math.max(y0 + 1, Math.floor(((r + 1) * height) / rows));
      let sum = 0;
      let n = 0;
      for (let y = y0; y < Math.min(y1, height); y++) {
        for (let x = x0; x < Math.min(x1, width); x++) {
          const i = (y * width + x) * 4;
          sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
          n += 1;
        }
      }
      grey.push(n ? sum / n : 0);
    }
  }
  let bits = 0n;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols - 1; c++) {
      bits = (bits << 1n) | (grey[r * cols + c] > grey[r * cols + c + 1] ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x) {
    count += Number(x & 1n);
    x >>= 1n;
  }
  return count;
}

/** Encodes RGBA pixels as PNG (synthesis output, test fixtures). */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const i = (y * width + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
