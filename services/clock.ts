/** Where every business "now" comes from (security timers use real time instead). */
export interface Clock {
  now(): Date;
  /** True once someone has moved the clock; scheduled job runs pause then. */
  readonly adjusted: boolean;
}

/**
 * The years a clock may be set to: business dates are formatted as `YYYY-MM-DD` and kept in
 * `datetime` columns, and a year such as 275760 turns into `NaN-NaN-NaN` days.
 */
export const SANE_YEARS = { from: 2000, to: 2100 } as const;

/** True for a valid instant within SANE_YEARS (UTC years; a day either side changes nothing). */
export function isSaneInstant(at: Date): boolean {
  const y = at.getUTCFullYear();
  return !Number.isNaN(at.getTime()) && y >= SANE_YEARS.from && y < SANE_YEARS.to;
}

/** The real time. */
export class SystemClock implements Clock {
  readonly adjusted = false;
  now(): Date {
    return new Date();
  }
}

/**
 * A clock that can be set (tests, the simulator). Frozen, it stays where it was put until moved;
 * running, it goes on from the set instant at real speed.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  adjusted = false;

  constructor(start?: Date, options: { frozen?: boolean } = {}) {
    if (start) this.set(start, options);
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  set(at: Date, options: { frozen?: boolean } = {}): void {
    if (!isSaneInstant(at)) throw new RangeError(`clock must stay within ${SANE_YEARS.from}–${SANE_YEARS.to}: ${at.getTime()}`);
    this.adjusted = true;
    if (options.frozen ?? this.frozenAt !== null) {
      this.frozenAt = at.getTime();
    } else {
      this.frozenAt = null;
      this.offsetMs = at.getTime() - Date.now();
    }
  }

  /** Moves the clock forward (or back, with a negative amount). */
  advance(ms: number): void {
    this.set(new Date(this.now().getTime() + ms));
  }
}
