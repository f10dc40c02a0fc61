import { describe, expect, it } from 'vitest';
import { ByteWindow } from './byte-window.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('ByteWindow', () => {
  it('hands out consecutive units that add up to every byte appended', () => {
    const window = new ByteWindow(100);
    window.append(bytes(1, 2, 3));
    window.append(bytes(4, 5));
    const first = window.take(2);
    const second = window.take(5);
    expect(first).toEqual({ byteOffset: 0, byteLength: 2, bytes: bytes(1, 2) });
    expect(second).toEqual({ byteOffset: 2, byteLength: 3, bytes: bytes(3, 4, 5) });
    expect(first.byteLength + second.byteLength).toBe(window.end);
  });

  it('keeps at most maxUnitBytes of a unit but reports its full length', () => {
    const window = new ByteWindow(4);
    window.append(new Uint8Array(1000).fill(7));
    window.trim();
    window.append(new Uint8Array(1000).fill(8));
    window.trim();
    const unit = window.take(2000);
    expect(unit.byteLength).toBe(2000);
    expect(unit.bytes).toEqual(bytes(7, 7, 7, 7));
  });

  it('after a trim, keeps the start of the unit in progress, not the bytes already handed out', () => {
    const window = new ByteWindow(3);
    window.append(bytes(1, 2, 3, 4, 5, 6, 7, 8));
    expect(window.take(2).bytes).toEqual(bytes(1, 2));
    window.trim();
    window.append(bytes(9));
    expect(window.take(9)).toEqual({ byteOffset: 2, byteLength: 7, bytes: bytes(3, 4, 5) });
  });

  it('never hands out bytes it has not seen', () => {
    const window = new ByteWindow(10);
    window.append(bytes(1, 2));
    expect(window.take(50)).toEqual({ byteOffset: 0, byteLength: 2, bytes: bytes(1, 2) });
    expect(window.take(50).byteLength).toBe(0);
  });
});
