import { copyInto, type ColumnType } from '../trace/columns.js';
import { fieldsOf, keyTableFor } from '../trace/key-table.js';
import type { SizeColumn, TimeColumn, Trace } from '../trace/trace.js';
import type { SharedTrace } from './messages.js';

/**
 * Returns the trace's columns and key table in shared memory, for every
 * worker. Readers and the trace cache allocate them there already, so
 * usually nothing is copied; columns of other traces are copied once.
 */
export function sharedTrace(trace: Trace): SharedTrace {
  return {
    fields: {
      ...fieldsOf(trace),
      times: inSharedMemory(trace.times),
      keyIds: inSharedMemory(trace.keyIds),
      sizes: inSharedMemory(trace.sizes),
      ops: inSharedMemory(trace.ops),
    },
    keyTable: keyTableFor(trace),
  };
}

function inSharedMemory<T extends TimeColumn | SizeColumn | Uint32Array>(column: T): T {
  if (column.buffer instanceof SharedArrayBuffer) return column;
  return copyInto(column, column.constructor as ColumnType<T>);
}
