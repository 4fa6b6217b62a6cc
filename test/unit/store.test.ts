import { describe, expect, it } from 'vitest';
import { differenceHash, hammingDistance, meanColor } from '../../activities/store/images';
import { parseMetadata } from '../../activities/store/metadata';
import { describeContent, sniffMedia } from '../../activities/store/sniff';
import { PNG } from 'pngjs';
import { pngImage } from '../support/fixtures';

const pixels = (buffer: Buffer) => {
  const png = PNG.sync.read(buffer);
  return { width: png.width, height: png.height, data: png.data };
};

describe('media types are recognised by content', () => {
  it('knows a PNG whatever its name, and says what an unknown file looks like', () => {
    expect(sniffMedia(pngImage([1, 2, 3]))).toMatchObject({ mime: 'image/png', kind: 'image' });
    expect(sniffMedia(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({ mime: 'image/jpeg' });
    expect(sniffMedia(Buffer.from('\0\0\0\x18ftypisom'))).toMatchObject({ mime: 'video/mp4', kind: 'video' });
    expect(sniffMedia(Buffer.from('hello'))).toBeUndefined();
    expect(describeContent(Buffer.from('hello'))).toBe('it is text');
    expect(describeContent(Buffer.alloc(0))).toBe('the file is empty');
  });
});

describe('image features', () => {
  it('near-duplicates have close perceptual hashes, different images distant ones', () => {
    const a = differenceHash(pixels(pngImage([250, 20, 20], 1)));
    const b = differenceHash(pixels(pngImage([250, 20, 20], 2)));
    const c = differenceHash(pixels(pngImage([20, 20, 250], 1, 24, true)));
    expect(hammingDistance(a, b)).toBeLessThanOrEqual(8);
    expect(hammingDistance(a, c)).toBeGreaterThan(20);
  });

  it('mean colour is the average of the pixels', () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([0, 100, 200, 255, 100, 200, 0, 255]);
    expect(meanColor({ width: 2, height: 1, data: png.data })).toEqual([50, 150, 100]);
  });
});

describe('custom metadata', () => {
  it('reads CSV rows with their line numbers and JSON items', () => {
    expect(parseMetadata('file,label\na.png,red\n\nb.png,blue\n', 'csv')).toEqual([
      { where: 'line 2', file: 'a.png', fields: { label: 'red' } },
      { where: 'line 4', file: 'b.png', fields: { label: 'blue' } },
    ]);
    expect(parseMetadata('[\n {"file": "a.png", "score": 3},\n {"file": "b.png"}\n]', 'json')).toEqual([
      { where: 'item 1 (line 2)', file: 'a.png', fields: { score: 3 } },
      { where: 'item 2 (line 3)', file: 'b.png', fields: {} },
    ]);
  });

  it('rejects an invalid format naming the line at fault', () => {
    expect(() => parseMetadata('file,label\na.png,red\nb.png,blue,extra\n', 'csv')).toThrow(/Invalid metadata format: .*line 3/);
    expect(() => parseMetadata('name,label\na.png,red\n', 'csv')).toThrow(/line 1: the header has no "file" column/);
    expect(() => parseMetadata('file,label\n,red\n', 'csv')).toThrow(/line 2: the "file" column is empty/);
    expect(() => parseMetadata('[\n {"file": "a.png"},\n {"file": 3}\n]', 'json')).toThrow(/item 2 \(line 3\): "file" must be a non-empty string/);
    expect(() => parseMetadata('[\n {"file": "a.png"},\n {"file": "b.png",}\n]', 'json')).toThrow(/Invalid metadata format: line 3/);
  });
});
