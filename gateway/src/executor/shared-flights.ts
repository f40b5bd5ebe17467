/**
 * Identical requests in flight at the same time share one: the first sends, later ones wait for
 * its answer. Nothing outlives the flight (this is no cache): once it settles the entry is gone
 * and the next identical request sends again.
 */
export interface SharedFlights<T> {
  share(key: string, send: () => Promise<T>, onJoined?: () => void): Promise<T>;
  /** Flights in the air now (for tests). */
  inFlight(): number;
}

export function createSharedFlights<T>(): SharedFlights<T> {
  const flights = new Map<string, Promise<T>>();
  return {
    share(key, send, onJoined) {
      const existing = flights.get(key);
      if (existing) {
        onJoined?.();
        return existing;
      }
      const flight = send();
      flights.set(key, flight);
      // Attached before any waiter's continuation, so the entry is gone before anyone sees the answer.
      const forget = () => flights.delete(key);
      flight.then(forget, forget);
      return flight;
    },
    inFlight: () => flights.size,
  };
}
