/**
 * The authorization matrix: beside every route, what each kind of caller gets from it, on a record of
 * their own station (or county) and of another. `test/api/matrix.test.ts` calls every route as every
 * caller and fails for a route without a declaration or one whose answers differ from it.
 *
 * Writing one for a new route: start from a preset (`STATION_CASES`, `PUBLIC`, …) or spell it out,
 * and say how to build the call from the probed station's records (`World`):
 *
 *   matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: () => ({ note: '好' }) },
 *
 * `MATRIX_PRINT=1 npx jest test/api/matrix.test.ts` prints what every route answers today.
 */

/**
 * What a caller gets: `'ok'` a 2xx; `'blind'` a 2xx that does not mention a word of the probed
 * station's records (a list seen from another station); or that HTTP status (401, 403, 404, 409…).
 */
export type Outcome = 'ok' | 'blind' | number;

/** For a caller with a station or county: the outcome on their own and on another one's records. */
export type Scoped = Outcome | { own: Outcome; other: Outcome };

/** Every kind of caller. Residents are mini-program users bound to a resident of the station. */
export interface Expectations {
  anonymous: Outcome;
  resident: Scoped;
  worker: Scoped;
  station_admin: Scoped;
  county_admin: Scoped;
}

/**
 * The records of the probed station (station A) that a call can name; built afresh for every call
 * expected to succeed. A feature whose routes name a new kind of record adds its id here and its
 * builder in `test/api/matrix-world.ts`.
 */
export interface World {
  stationId: number;
  county: string;
  communityId: number;
  residentId: number;
  familyId: number;
  /** A worker account of the station other than the callers. */
  workerId: number;
  /** A policy of the station's own. */
  policyId: number;
  unansweredId: number;
  alertId: number;
  handoffId: number;
  /** A need of the station's resident (帮扶需求清单). */
  needId: number;
  /** A bookable service of the station, a slot with free seats, a full slot, the resident's booking, and an offer of a held seat to them. */
  serviceId: number;
  slotId: number;
  fullSlotId: number;
  bookingId: number;
  offerId: number;
  /** An upcoming activity of the station, open to all, and a broadcast (scheduled) of it. */
  activityId: number;
  broadcastId: number;
  /** The username and password of the station's own worker (the `worker` caller). */
  login: { username: string; password: string };
  /** A fresh binding code for the station's resident. */
  bindingCode: string;
}

export interface MatrixSpec {
  expect: Expectations;
  params?: (w: World) => Record<string, string | number>;
  query?: (w: World) => Record<string, string | number>;
  /** A JSON body that is valid for the route, so that a refusal comes from authorization. */
  body?: (w: World) => unknown;
  /** For upload routes: the CSV file sent as the body. */
  csv?: (w: World) => string;
}

/** Own station's record: allowed; another station's: as if it did not exist. */
export const OWN = { own: 'ok', other: 404 } as const;
/** A list of the caller's own station: another station's records are never in it. */
export const OWN_LIST = { own: 'ok', other: 'blind' } as const;

/** Anyone, signed in or not, with the same answer. */
export const PUBLIC: Expectations = { anonymous: 'ok', resident: 'ok', worker: 'ok', station_admin: 'ok', county_admin: 'ok' };

/** A station's cases (residents and what hangs on them): its workers and admin only; county admins 404. */
export const STATION_CASES: Expectations = { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: 404 };

/** A list of a station's cases: its workers and admin see their own; county admins are refused. */
export const STATION_CASE_LIST: Expectations = { anonymous: 401, resident: 403, worker: OWN_LIST, station_admin: OWN_LIST, county_admin: 403 };

/** The mini-program resident's own data: residents only (each sees their own). */
export const RESIDENT_SELF: Expectations = { anonymous: 401, resident: 'ok', worker: 403, station_admin: 403, county_admin: 403 };

/** Any signed-in worker, of any station or county, acting within their own. */
export const STAFF_ANY: Expectations = { anonymous: 401, resident: 403, worker: 'ok', station_admin: 'ok', county_admin: 'ok' };

/** A station's work items (alerts, hand-offs): its workers and admin only; county admins are refused (403). */
export const STATION_WORK: Expectations = { ...STATION_CASES, county_admin: 403 };
