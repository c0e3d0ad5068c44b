import type { Infra } from './infra';

interface AccountState {
  up: boolean;
  since: Date;
  reason?: string;
}

/**
 * Whether each station's WeChat account can send right now, as the bot last saw it (logged in or
 * out, sends failing). In memory per process: the bot role updates it, services read it (the
 * check-ins mark a day unreachable instead of missed while the account is down).
 */
export class AccountStatusService {
  private readonly states = new Map<number, AccountState>();

  constructor(private readonly ctx: Infra) {}

  /** Records the account's state; emits `bot:state` when it changes. */
  set(stationId: number, up: boolean, reason?: string): void {
    const prev = this.states.get(stationId);
    if (prev && prev.up === up) {
      if (!up && reason) prev.reason = reason;
      return;
    }
    this.states.set(stationId, { up, since: this.ctx.clock.now(), reason });
    this.ctx.events.emit('bot:state', { stationId, loggedIn: up, reason });
  }

  /**
   * False when the station's account is known to be down. A station this process knows nothing
   * about (no bot role here) counts as up: the bot sets a station down from its start until login.
   */
  isUp(stationId: number): boolean {
    return this.states.get(stationId)?.up ?? true;
  }

  /** True when this process runs (or ran) the station's account. */
  known(stationId: number): boolean {
    return this.states.has(stationId);
  }

  /** Since when the account has been down (business time), or null while up or never seen. */
  downSince(stationId: number): Date | null {
    const s = this.states.get(stationId);
    return s && !s.up ? s.since : null;
  }

  /** Why the account is down, when it is. */
  reason(stationId: number): string | null {
    const s = this.states.get(stationId);
    return s && !s.up ? (s.reason ?? null) : null;
  }

  /** Every station this process has seen, with its state. */
  list(): { stationId: number; up: boolean; since: Date; reason?: string }[] {
    return [...this.states.entries()].map(([stationId, s]) => ({ stationId, ...s }));
  }
}
