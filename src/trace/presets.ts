/**
 * Column layouts of published delimited traces. Each preset fills in the
 * CSV reader's options; options the user gives override the preset's.
 */
import type { CsvReadOptions } from './csv.js';
import { Op, type OpCode } from './trace.js';

/** SCSI opcodes of the CloudPhysics traces: 0x28 READ(10), 0x2a WRITE(10). */
function parseScsiOp(field: string): OpCode {
  if (field === '28') return Op.Read;
  if (field === '2a') return Op.Write;
  return Op.Other;
}

/** Tencent CBS IOType: 0 read, 1 write. */
function parseReadWriteBit(field: string): OpCode {
  if (field === '0') return Op.Read;
  if (field === '1') return Op.Write;
  return Op.Other;
}

const SECTOR_BYTES = 512;

export const CSV_PRESETS = {
  // CloudPhysics block I/O: header version,time,op,size,lbn; key lbn. The
  // time column is read as seconds: in cloudPhysicsIO.csv it spans exactly
  // 7,200 (two hours) with 6,754 distinct whole values for 113,872 requests,
  // which fits seconds of a VM disk and not microseconds (16 requests/µs).
  cloudphysics: {
    keyColumn: 'lbn',
    timeColumn: 'time',
    sizeColumn: 'size',
    opColumn: 'op',
    timeUnit: 's',
    parseOp: parseScsiOp,
  },
  // MSR Cambridge block I/O: no header,
  // Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime; key
  // host,disk,offset; time in 100 ns ticks from the first request
  msr: {
    hasHeader: false,
    delimiter: ',',
    keyColumn: ['2', '3', '5'],
    timeColumn: '1',
    sizeColumn: '6',
    opColumn: '4',
    timeUnit: '100 ns',
  },
  // SYSTOR '17 block I/O: header Timestamp,Response,IOType,LUN,Offset,Size;
  // key LUN,offset; time in s
  systor: {
    keyColumn: ['LUN', 'Offset'],
    timeColumn: 'Timestamp',
    sizeColumn: 'Size',
    opColumn: 'IOType',
    timeUnit: 's',
  },
  // Tencent CBS block I/O: no header,
  // Timestamp,Offset,Size,IOType,VolumeID; key volume,offset; sizes in
  // 512-byte sectors; time in s
  tencent: {
    hasHeader: false,
    delimiter: ',',
    keyColumn: ['5', '2'],
    timeColumn: '1',
    sizeColumn: '3',
    sizeScale: SECTOR_BYTES,
    opColumn: '4',
    parseOp: parseReadWriteBit,
    timeUnit: 's',
  },
  // Twitter Twemcache: no header,
  // timestamp,key,key_size,value_size,client_id,operation,TTL; size = key +
  // value bytes; time in s
  twitter: {
    hasHeader: false,
    delimiter: ',',
    keyColumn: '2',
    timeColumn: '1',
    sizeColumn: ['3', '4'],
    opColumn: '6',
    timeUnit: 's',
  },
  // Meta kvcache: header with op_time,key,key_size,op,op_count,size (any
  // order); each row issued op_count times; size = key + value bytes; time
  // in s
  'meta-kvcache': {
    keyColumn: 'key',
    timeColumn: 'op_time',
    sizeColumn: ['key_size', 'size'],
    opColumn: 'op',
    countColumn: 'op_count',
    timeUnit: 's',
  },
  // One key per line, no header (LIRS traces); time is the request index.
  lines: {
    // NUL never occurs in a text line, so the whole line is the key.
    hasHeader: false,
    keyColumn: '1',
    delimiter: '\u0000',
  },
} as const satisfies Record<string, CsvReadOptions>;

export type CsvPresetName = keyof typeof CSV_PRESETS;
