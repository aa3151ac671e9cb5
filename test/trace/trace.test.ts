import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Op, TraceBuilder } from '../../src/trace/trace.js';

/** Requests that fill more than one chunk (65,536 requests). */
const MANY = 70_000;

describe('TraceBuilder', () => {
  it('counts resized requests as a per-key reference does, sizes equal or not', () => {
    const request = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom(0, 1, 1, 1, 7));
    fc.assert(
      fc.property(fc.array(request, { maxLength: 40 }), (requests) => {
        const builder = new TraceBuilder();
        const lastSize = new Map<string, number>();
        let resized = 0;
        for (const [key, size] of requests) {
          if (lastSize.has(key) && lastSize.get(key) !== size) resized++;
          lastSize.set(key, size);
          builder.add(0, key, size, Op.Read);
        }
        expect(builder.build('test', 's').stats.resizedRequests).toBe(resized);
      }),
      { seed: 11 },
    );
  });

  it('keeps whole times in a Uint32Array', () => {
    const builder = new TraceBuilder();
    builder.add(0, 'a', 1, Op.Read);
    builder.add(2 ** 32 - 1, 'b', 1, Op.Read);
    const trace = builder.build('test', 's');
    expect(trace.times).toBeInstanceOf(Uint32Array);
    expect(Array.from(trace.times)).toEqual([0, 2 ** 32 - 1]);
  });

  it('widens times of every chunk to Float64Array', () => {
    const builder = new TraceBuilder(16);
    for (let i = 0; i < MANY; i++) builder.add(i, 'k', 1, Op.Read);
    builder.add(MANY + 0.5, 'k', 1, Op.Read);
    const trace = builder.build('test', 's');
    expect(trace.times).toBeInstanceOf(Float64Array);
    expect(trace.times[0]).toBe(0);
    expect(trace.times[MANY - 1]).toBe(MANY - 1);
    expect(trace.times[MANY]).toBe(MANY + 0.5);
  });

  it('widens times on negative zero', () => {
    const builder = new TraceBuilder();
    builder.add(-0, 'a', 1, Op.Read);
    const trace = builder.build('test', 's');
    expect(trace.times).toBeInstanceOf(Float64Array);
    expect(Object.is(trace.times[0], -0)).toBe(true);
  });

  it.each([
    [[1, 255], Uint8Array],
    [[1, 256], Uint16Array],
    [[1, 65536], Uint32Array],
    [[1, 2 ** 32], Float64Array],
    [[1, 2.5], Float64Array],
  ])('stores sizes %j in the narrowest exact type', (sizes, Type) => {
    const builder = new TraceBuilder(16);
    for (let i = 0; i < MANY; i++) builder.add(i, 'k', sizes[0], Op.Read);
    builder.add(MANY, 'k', sizes[1], Op.Read);
    const trace = builder.build('test', 's');
    expect(trace.sizes).toBeInstanceOf(Type);
    expect(trace.sizes[MANY - 1]).toBe(sizes[0]);
    expect(trace.sizes[MANY]).toBe(sizes[1]);
  });

  it('allocates columns in shared memory', () => {
    const builder = new TraceBuilder();
    builder.add(1, 'a', 1, Op.Read);
    const trace = builder.build('test', 's');
    for (const column of [trace.times, trace.keyIds, trace.sizes, trace.ops]) {
      expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('keeps keys that are not well-formed UTF-16', () => {
    const builder = new TraceBuilder();
    const lone = 'x\ud800é';
    builder.add(0, lone, 1, Op.Read);
    builder.add(1, 'é', 1, Op.Read);
    builder.add(2, 'plain', 1, Op.Read);
    expect(builder.build('test', 's').keys).toEqual([lone, 'é', 'plain']);
  });

  it('gives keys in order of first appearance', () => {
    const builder = new TraceBuilder();
    for (const key of ['7', 'é', '7', '007', 'b']) builder.add(0, key, 1, Op.Read);
    const trace = builder.build('test', 's');
    expect(trace.keys).toEqual(['7', 'é', '007', 'b']);
    expect(Array.from(trace.keyIds)).toEqual([0, 1, 0, 2, 3]);
  });
});
