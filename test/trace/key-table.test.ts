import { describe, expect, it } from 'vitest';
import {
  keyTableFor,
  keyTexts,
  narrowKeyTable,
  textTableOf,
  withFields,
  withKeyTable,
  type KeyTable,
} from '../../src/trace/key-table.js';
import { distinctKeys, emptyReadStats, type Trace } from '../../src/trace/trace.js';

function fieldsOf(length: number): Omit<Trace, 'keys'> {
  return {
    length,
    times: new Uint32Array(length),
    keyIds: Uint32Array.from({ length }, (_, i) => i),
    sizes: new Uint8Array(length).fill(1),
    ops: new Uint8Array(length),
    source: 'test',
    timeUnit: 'index',
    stats: emptyReadStats(),
  };
}

/** True while `keys` is still the accessor that decodes the table. */
function isUndecoded(trace: Trace): boolean {
  return Object.getOwnPropertyDescriptor(trace, 'keys')?.get !== undefined;
}

describe('narrowKeyTable', () => {
  it('stores canonical decimals below 2^32 as Uint32Array', () => {
    const table = textTableOf(['0', '42', '4294967295']);
    expect(table.kind).toBe('decimal');
    expect((table as { values: unknown }).values).toBeInstanceOf(Uint32Array);
    expect(keyTexts(table)).toEqual(['0', '42', '4294967295']);
  });

  it('stores negative and large decimals as Float64Array', () => {
    const keys = ['-3', '4294967296', '999999999999999'];
    const table = textTableOf(keys);
    expect(table.kind).toBe('decimal');
    expect((table as { values: unknown }).values).toBeInstanceOf(Float64Array);
    expect(keyTexts(table)).toEqual(keys);
  });

  it.each([['007'], ['-0'], ['+5'], ['1e3'], ['1.5'], ['1000000000000000'], [''], ['-'], ['12a']])(
    'keeps text when a key is %j',
    (odd) => {
      const keys = ['1', odd, '2'];
      const table = textTableOf(keys);
      expect(table.kind).toBe('text');
      expect(keyTexts(table)).toEqual(keys);
    },
  );

  it('keeps a decimal table as given', () => {
    const table: KeyTable = { kind: 'decimal', values: Uint32Array.of(5) };
    expect(narrowKeyTable(table)).toBe(table);
  });
});

describe('keyTexts', () => {
  it('decodes UTF-8 keys', () => {
    const keys = ['é', 'a', '日本', ''];
    expect(keyTexts(textTableOf(keys))).toEqual(keys);
  });
});

describe('withKeyTable', () => {
  const table = textTableOf(['10', '20', '30']);

  it('counts keys without decoding them', () => {
    const trace = withKeyTable(fieldsOf(3), table);
    expect(distinctKeys(trace)).toBe(3);
    expect(isUndecoded(trace)).toBe(true);
  });

  it('decodes keys on first read, once', () => {
    const trace = withKeyTable(fieldsOf(3), table);
    const keys = trace.keys;
    expect(keys).toEqual(['10', '20', '30']);
    expect(trace.keys).toBe(keys);
    expect(isUndecoded(trace)).toBe(false);
  });

  it('gives a spread copy the decoded keys', () => {
    const copy = { ...withKeyTable(fieldsOf(3), table) };
    expect(copy.keys).toEqual(['10', '20', '30']);
  });

  it('replaces fields without decoding keys', () => {
    const trace = withFields(withKeyTable(fieldsOf(3), table), { source: 'other' });
    expect(trace.source).toBe('other');
    expect(isUndecoded(trace)).toBe(true);
    expect(keyTableFor(trace)).toBe(table);
    expect(trace.keys).toEqual(['10', '20', '30']);
  });
});
