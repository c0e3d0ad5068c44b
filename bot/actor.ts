import type { Actor } from '../services/auth';
import type { Inbound } from './types';

// Who writes to the bot, as the Actor the services take: the same permission rules as in the API.

/** The bound worker behind a contact, or null when the contact is not a worker of the station. */
export function workerActor(m: Inbound): Actor | null {
  const w = m.who.worker;
  if (!w) return null;
  return { kind: 'worker', id: w.id, role: w.role, stationId: w.stationId, county: w.county, name: w.name };
}

/** Whoever writes, as a WeChat contact of the station: bound to a resident (who books, signs up, rates) or not. */
export function contactActor(m: Inbound): Actor {
  return { kind: 'contact', stationId: m.station.id, contactId: m.contactId, residentId: m.who.resident?.id ?? null };
}

/** Whoever writes: a bound worker as a worker, anyone else as a WeChat contact of the station. */
export function actorOf(m: Inbound): Actor {
  return workerActor(m) ?? contactActor(m);
}
