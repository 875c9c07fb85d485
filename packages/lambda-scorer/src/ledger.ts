/**
 * What a warm container has already handed off (delivered to Firehose or dead-lettered), per
 * scheduled event, so a retried event does not send it again.
 * @packageDocumentation
 */

/** Options of {@link createDeliveryLedger}. @public */
export interface DeliveryLedgerOptions {
  /**
   * Most record ids remembered in total; the oldest events are forgotten first.
   * @defaultValue 200000
   */
  maxIds?: number;
}

/** Record ids handed off per event, bounded in memory. @public */
export interface DeliveryLedger {
  /** Whether the record `id` of event `eventId` was already handed off. */
  has(eventId: string, id: string): boolean;
  /** Remembers record ids of event `eventId` as handed off. */
  add(eventId: string, ids: Iterable<string>): void;
  /** Record ids remembered in total. */
  readonly size: number;
}

/**
 * Creates an in-memory ledger (one per container: module scope in the Lambda). Lambda retries an
 * asynchronous invocation in the same execution environment when one is warm, so remembering what
 * went out lets the retry send only the rest; a retry in a fresh environment re-sends, and the
 * records' stable ids let consumers de-duplicate that.
 * @example
 * ```ts
 * const ledger = createDeliveryLedger();
 * ledger.add(event.id, ["0123…"]);
 * ledger.has(event.id, "0123…"); // true
 * ```
 * @public
 */
export function createDeliveryLedger(options: DeliveryLedgerOptions = {}): DeliveryLedger {
  const maxIds = options.maxIds ?? 200_000;
  // Map iteration order is insertion order: the first key is the oldest event
  const events = new Map<string, Set<string>>();
  let size = 0;
  return {
    has: (eventId, id) => events.get(eventId)?.has(id) ?? false,
    add(eventId, ids) {
      let set = events.get(eventId);
      if (!set) events.set(eventId, (set = new Set()));
      for (const id of ids) {
        if (set.has(id)) continue;
        set.add(id);
        size++;
      }
      for (const [oldest, old] of events) {
        if (size <= maxIds || oldest === eventId) break;
        events.delete(oldest);
        size -= old.size;
      }
    },
    get size() {
      return size;
    },
  };
}
