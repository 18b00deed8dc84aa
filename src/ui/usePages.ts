// Rows of a worker-side table fetched page by page for the visible window only. A change of
// `key` (new diff version, sort, filter, session) drops the cache and any reply still in flight.
import { useCallback, useEffect, useRef, useState } from "react";
import { track } from "../state/busy";

export const PAGE_SIZE = 200;

export interface PageReply<T> {
  total: number;
  rows: T[];
}

export interface PagedRows<T> {
  /** Null until the first page arrived; after a key change, the previous total until the new one arrives (no layout jump). */
  total: number | null;
  row(index: number): T | undefined;
}

/**
 * `first`/`last` are the visible row indexes (from the virtualizer); the hook loads the pages
 * covering them, and page 0 on every key change so the total is known.
 */
export function usePages<T>(
  key: string,
  /** Null while there is nothing to fetch from (no diff yet). */
  fetchPage: ((offset: number, limit: number) => Promise<PageReply<T>>) | null,
  first: number,
  last: number,
): PagedRows<T> {
  const pages = useRef(new Map<number, T[]>());
  const inFlight = useRef(new Set<number>());
  const currentKey = useRef(key);
  const [total, setTotal] = useState<number | null>(null);
  const [, setTick] = useState(0);

  if (currentKey.current !== key) {
    currentKey.current = key;
    pages.current = new Map();
    inFlight.current = new Set();
  }

  const load = useCallback(
    (page: number) => {
      if (!fetchPage || pages.current.has(page) || inFlight.current.has(page)) return;
      const requestKey = currentKey.current;
      inFlight.current.add(page);
      track(fetchPage(page * PAGE_SIZE, PAGE_SIZE)).then(
        (reply) => {
          if (currentKey.current !== requestKey) return;
          inFlight.current.delete(page);
          pages.current.set(page, reply.rows);
          setTotal(reply.total);
          setTick((t) => t + 1);
        },
        () => {
          if (currentKey.current === requestKey) inFlight.current.delete(page);
        },
      );
    },
    [fetchPage],
  );

  useEffect(() => {
    // Half a page of margin each way: the next page is usually there before it scrolls into view.
    const from = Math.floor(Math.max(0, first - PAGE_SIZE / 2) / PAGE_SIZE);
    const to = Math.max(from, Math.floor((last + PAGE_SIZE / 2) / PAGE_SIZE));
    for (let page = from; page <= to; page++) load(page);
  }, [key, first, last, load]);

  return {
    total,
    row: (index) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
  };
}
