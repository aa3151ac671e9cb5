import { describe, expect, it } from 'vitest';
import { DeltaEncoding, valueOfText } from '../../src/model/delta.js';

const KEYS = ['10', '11', '12', 'x', '20', '042', '13'];
const idOf = (text: string) => {
  const id = KEYS.indexOf(text);
  return id === -1 ? undefined : id;
};

describe('DeltaEncoding', () => {
  it('numbers deltas in order of first appearance', () => {
    const encoding = new DeltaEncoding(KEYS.length, (id) => KEYS[id]);
    // 10→11 (+1), 11→12 (+1), 12→20 (+8), 20→10 (-10), 10→11 (+1)
    const ids = encoding.encodeSequence([0, 1, 2, 4, 0, 1]);
    expect(Array.from(ids)).toEqual([0, 0, 1, 2, 0]);
    expect(encoding.deltas).toEqual([1, 8, -10]);
  });

  it('gives steps to non-numeric keys one id', () => {
    const encoding = new DeltaEncoding(KEYS.length, (id) => KEYS[id]);
    const ids = encoding.encodeSequence([0, 3, 1, 5, 2]);
    expect(Array.from(ids)).toEqual([0, 0, 0, 0]);
    expect(encoding.deltas).toHaveLength(1);
    expect(encoding.deltas[0]).toBeNaN();
  });

  it('encodes windows with OOV for unseen deltas and padding', () => {
    const encoding = new DeltaEncoding(KEYS.length, (id) => KEYS[id]);
    encoding.encodeSequence([0, 1, 2]);
    // Window 1: padding, 10, 11. Window 2: 10, 20 (+10 unseen), 11.
    const windows = Int32Array.from([-1, 0, 1, 0, 4, 1]);
    expect(Array.from(encoding.encodeWindows(windows, 2, 2))).toEqual([-1, 0, 1, 1]);
    expect(encoding.size).toBe(1);
  });

  it('turns a predicted delta into a key of the trace', () => {
    const encoding = new DeltaEncoding(KEYS.length, (id) => KEYS[id]);
    encoding.encodeSequence([0, 1, 4]);
    expect(encoding.predictedKeyId(2, 0, idOf)).toBe(6);
    expect(encoding.predictedKeyId(6, 0, idOf)).toBe(-1);
    expect(encoding.predictedKeyId(3, 0, idOf)).toBe(-1);
    expect(encoding.predictedKeyId(2, -1, idOf)).toBe(-1);
  });
});

describe('valueOfText', () => {
  it.each([
    ['42', 42],
    ['-7', -7],
    ['0', 0],
  ])('reads %s', (text, value) => {
    expect(valueOfText(text)).toBe(value);
  });

  it.each(['042', '4.2e1', '0x2a', '1.5', '', ' 4', 'abc', '9007199254740993'])('rejects %j', (text) => {
    expect(valueOfText(text)).toBeNaN();
  });
});
