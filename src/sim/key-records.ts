/**
 * Layout of the replay engine's per-key records and of its counting
 * filters, shared by its replay loops.
 */

/** UNTIL_WORD of a key with no fetch in flight. */
export const NOT_IN_FLIGHT = -1;

/**
 * Per-key state is one 32-byte record, where five separate arrays cost up
 * to five cache misses per request at a million keys. Float64 words of a
 * record: SIZE_WORD, the last size seen (NaN until requested or estimated
 * for a prefetch), and UNTIL_WORD, the completion time of the fetch in
 * flight or NOT_IN_FLIGHT. Bytes 16 to 18 hold one 0/1 flag each.
 *
 * NOTE: the allocator decides the buffer's alignment, so a record may
 * cross a cache-line boundary. The words a request writes on every request
 * come first, and the flags are read only when a filter below calls for it.
 */
export const RECORD_WORDS = 4;
export const RECORD_BYTES = RECORD_WORDS * Float64Array.BYTES_PER_ELEMENT;
export const SIZE_WORD = 0;
export const UNTIL_WORD = 1;
/** 1 while a key's in-flight fetch is a prefetch not yet requested. */
export const IN_FLIGHT_PREFETCH_BYTE = 16;
/** 1 while a resident key was prefetched and not yet requested. */
export const PREFETCHED_UNUSED_BYTE = 17;
/** 1 while a key's size is an estimate made for a prefetch. */
export const SIZE_ESTIMATED_BYTE = 18;
/**
 * Buckets of the engine's counting filters: per bucket, how many keys with
 * id = bucket mod FILTER_SIZE have the state. A zero count proves a key
 * lacks it without reading its record, which at a million keys is a
 * cache miss. Few keys are in flight or estimated at once, so most
 * buckets are zero. 16 KB per filter stays in the processor's cache.
 */
export const FILTER_SIZE = 4096;
export const FILTER_MASK = FILTER_SIZE - 1;
