/**
 * Per-key state of the replay engine, shared by its replay loops.
 *
 * A request writes its key's last size, 8 bytes per key, and at a million
 * keys that write is a cache miss for most keys. The rest of a key's state
 * is rare, so a request for an ordinary key does not read it. Fetches in
 * flight are in `InFlightFetches`. Two flag bits sit in a byte per key,
 * read only when a count or a filter calls for it.
 */

/** Completion time of a key with no fetch in flight. */
export const NOT_IN_FLIGHT = -1;

/** Flag bit: a resident key was prefetched and not yet requested. */
export const PREFETCHED_UNUSED = 1;
/** Flag bit: a key's size is an estimate made for a prefetch. */
export const SIZE_ESTIMATED = 2;

/**
 * Buckets of the engine's counting filters: per bucket, how many keys with
 * id = bucket mod FILTER_SIZE have the state. A zero count proves a key
 * lacks it without a lookup, which at a million keys is a cache miss. Few
 * keys are in flight or estimated at once, so most buckets are zero. 16 KB
 * per filter stays in the processor's cache.
 */
export const FILTER_SIZE = 4096;
export const FILTER_MASK = FILTER_SIZE - 1;
