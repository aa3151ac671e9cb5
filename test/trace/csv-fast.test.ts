import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvTrace, type CsvReadOptions } from '../../src/trace/csv.js';
import type { Trace } from '../../src/trace/trace.js';
import { realTrace, temporaryDirectory } from '../helpers.js';
import { CSV_PRESETS } from '../../src/trace/presets.js';

const dir = temporaryDirectory();

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Reads a file with both splitters; returns both traces or both errors. */
async function bothSplitters(path: string, options: CsvReadOptions = {}) {
  const read = (splitter: 'fast' | 'csv-parse') =>
    readCsvTrace(path, { ...options, splitter }).catch((error: Error) => error);
  return { fast: await read('fast'), quoted: await read('csv-parse') };
}

function plain(trace: Trace | Error) {
  if (trace instanceof Error) return trace.message;
  return { ...trace, times: Array.from(trace.times), keyIds: Array.from(trace.keyIds), sizes: Array.from(trace.sizes), ops: Array.from(trace.ops) };
}

/** Files whose rows exercise each branch of the fast splitter. */
const FILES: [string, string, CsvReadOptions][] = [
  ['plain', 'time,key,size\n1,a,10\n2,b,20\n3,a,10\n', {}],
  ['byte-order mark and CRLF', '\uFEFFtime,key\r\n1,x\r\n2,y\r\n', {}],
  ['blank lines', 'key\n\na\n   \nb\n\n', {}],
  ['spaces around fields', 'time , key , size\n 1 ,  a , 10 \n2,\tb\t,20\n', {}],
  ['no final newline', 'key,size\na,1\nb,2', {}],
  ['decimal and signed times', 'time,key\n1.5,a\n-2,b\n+3,c\n1e3,d\n', {}],
  [
    'decimal corner cases',
    'time,key,size\n.5,a,4096.0\n5.,b,1\n-.25,c,2\n0.1,d,3\n1456095145.133076000,e,4\n123456789012345.6,f,5\n9007199254740993,g,6\n.,h,7\n1.2.3,i,8\n0.30000000000000004,j,9\n',
    { skipInvalid: true },
  ],
  ['big integer times', 'time,key\n128166385295514663,a\n128166385295514878,b\n128166385295514000,c\n', {}],
  ['sixteen-digit time', 'time,key\n1234567890123456,a\n1234567890123457,b\n', {}],
  ['non-ASCII keys', 'key\nclé\nclé\n鍵\n', {}],
  ['composite keys with colons', 'vol,off\n1,2\n1:2,3\n1,2:3\n', { keyColumn: ['vol', 'off'] }],
  ['ops and counts', 'op_time,key,key_size,op,op_count,size\n1,k,3,GET,2,5\n2,k,3,SET,1,5\n3,j,1,DELETE,3,0\n', CSV_PRESETS['meta-kvcache']],
  ['headerless with a preset', '1,10,8,0,7\n1,10,8,1,7\n2,10,8,1,8\n', CSV_PRESETS.tencent],
  ['bad size', 'key,size\na,1\nb,x\n', {}],
  ['bad size skipped', 'key,size\na,1\nb,x\nc,-1\nd,2\n', { skipInvalid: true }],
  ['missing key', 'time,key\n1,a\n2,\n', {}],
  ['short row', 'time,key,size\n1,a\n', {}],
  ['line of commas', 'time,key\n1,a\n,\n', {}],
  ['comment lines', '# head\ntime,key\n1,a\n  # indented\n\t#tab\n2,#b\n# last', {}],
  ['hash as delimiter', 'time#key\n1#a\n#\n2#b\n', { delimiter: '#' }],
  ['semicolons', 'time;key\n1;a\n2;b\n', {}],
];

describe('fast CSV splitter', () => {
  for (const [name, text, options] of FILES) {
    it(`matches csv-parse: ${name}`, async () => {
      const { fast, quoted } = await bothSplitters(file(`${name.replaceAll(' ', '-')}.csv`, text), options);
      expect(plain(fast)).toEqual(plain(quoted));
    });
  }

  it('hands a quoted file over to csv-parse', async () => {
    const path = file('quoted.csv', 'time,key\n1,"a,b"\n2,"c ""d"""\n');
    const trace = await readCsvTrace(path);
    expect(trace.keys).toEqual(['a,b', 'c "d"']);
  });

  it('hands over when the quote comes after the first chunk', async () => {
    // About 2 MiB of rows, so that the quote lies beyond the first 1 MiB chunk.
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i},key-${i % 10}-padding`).join('\n');
    const path = file('late-quote.csv', `time,key\n${rows}\n100000,"q,r"\n`);
    const trace = await readCsvTrace(path);
    expect(trace.length).toBe(100_001);
    expect(trace.keys.at(-1)).toBe('q,r');
  });

  for (const name of ['tencent-cbs-sample.csv', 'systor17-sample.csv', 'msr-hm0-sample.csv']) {
    const real = realTrace(name);
    it.skipIf(real.isMissing)(`matches csv-parse on ${name}${real.why}`, async () => {
      const preset = name.startsWith('tencent') ? CSV_PRESETS.tencent
        : name.startsWith('systor') ? CSV_PRESETS.systor
        : CSV_PRESETS.msr;
      const { fast, quoted } = await bothSplitters(real.path, preset);
      expect(fast).not.toBeInstanceOf(Error);
      expect(plain(fast)).toEqual(plain(quoted));
    });
  }
});
