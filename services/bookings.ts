import { EntityManager, In, IsNull, LessThanOrEqual, MoreThan, Not } from 'typeorm';
import {
  BookableService, Booking, BookingSettings, BookingSlot, BookingStatus, PRIORITY, Resident, ServiceRecord, Station, WaitlistEntry,
} from '../entities';
import type { Actor } from './auth';
import type { Database, RawResult, SqlTx } from './db';
import { dbInstant, parseInstant, sqlOf } from './db';
import { AppError, badRequest, conflict, forbidden, isUniqueViolation, notFound } from './errors';
import type { Infra } from './infra';
import type { NotifyService } from './notify';
import { addressResident } from './address';
import { assertStation, canSeeResidentRecord, canWorkCases, ownStationId, selfResident } from './permissions';
import { addDays, afterQuietHours, atLocal, formatForChat, localDate, localWeekday, toIso } from './time';
import {
  MAX_DAYS_AHEAD, MAX_SLOT_MINUTES, MAX_SLOTS_PER_REQUEST, ServiceInput, SettingsInput, SlotInput, WeeklyInput,
} from './booking-input';
import { bookingReminderKey, bookingSlotCancelledKey, waitlistOfferExpiredKey, waitlistOfferKey } from './messaging/keys';
import { offerExpiredText, offerText, reminderText, slotCancelledText } from './booking-texts';
import { deleteServiceRecords, insertServiceRecord } from './record-store';
import type { SatisfactionService } from './satisfaction';


const DEFAULT_SETTINGS: Omit<BookingSettings, 'stationId'> = {
  maxActivePerResident: 3, closeMinutesBefore: 60, cancelCutoffMinutes: 120, offerHoldMinutes: 30,
};
/** No-shows over this many days count towards "repeatedly did not come". */
const NO_SHOW_WINDOW_DAYS = 90;
/** This many no-shows in the window flag a resident to the workers. */
export const REPEATED_NO_SHOWS = 2;
/** Reminder windows before the start (API.md): within 24 hours, and again within 2 hours. */
const REMINDER_WINDOWS = [
  { key: '24h', ms: 24 * 3600_000 },
  { key: '2h', ms: 2 * 3600_000 },
] as const;
/** The default slot list: the next fortnight. */
const DEFAULT_RANGE_DAYS = 14;
const MAX_RANGE_DAYS = 92;
const MINUTE = 60_000;

export type Channel = Booking['channel'];

/** A booking with what it is for: the slot, the service, the resident. */
export interface BookingView {
  booking: Booking;
  slot: BookingSlot;
  service: BookableService;
  resident: Pick<Resident, 'id' | 'name'>;
}

/** A slot as lists show it: seats left for booking, and the caller's own part when known. */
export interface SlotView {
  slot: BookingSlot;
  available: number;
  bookable: boolean;
}

interface LockedResident {
  id: number;
  stationId: number;
  name: string;
  status: string;
  tags: string[];
}

/** The id of a row a raw `INSERT` wrote, on both engines. */
const num = (v: unknown): number => Number(v);

function activeKey(slotId: number, residentId: number): string {
  return `${slotId}:${residentId}`;
}

/** Runs a raw write inside a transaction and returns how many rows it changed, on both engines. */
async function write(em: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const res = await em.queryRunner!.query(sql, params, true);
  return res.affected ?? 0;
}

/**
 * Station services residents book (理发, 康复理疗, 心理咨询 …), their slots, bookings, waiting
 * lists and reminders. Capacity is held by one conditional update per seat
 * (`booked + held < capacity`), one booking per resident per slot by a unique key, and a resident's
 * own bookings are serialised by a row lock on the resident (MySQL) or the single writer (SQLite),
 * so the cap on active bookings holds under concurrent requests too.
 */
export class BookingService {
  constructor(
    private readonly infra: Infra,
    private readonly peers: { notify: NotifyService; satisfaction: SatisfactionService },
  ) {}

  private get db(): Database {
    return this.infra.db;
  }

  private now(): Date {
    return this.infra.clock.now();
  }

  // ---- settings --------------------------------------------------------------------------

  /** The station's booking rules (defaults when it has set none). */
  async settings(stationId: number, em: EntityManager = this.db.manager): Promise<BookingSettings> {
    const row = await em.findOne(BookingSettings, { where: { stationId } });
    return row ?? Object.assign(new BookingSettings(), { stationId, ...DEFAULT_SETTINGS });
  }

  /** Reads a station's rules: its workers and the county admin. */
  async readSettings(actor: Actor, stationId: number): Promise<BookingSettings> {
    assertStation(actor, await this.db.manager.findOne(Station, { where: { id: stationId } }), 'read');
    return this.settings(stationId);
  }

  /** Sets a station's rules: its station admin (or the county admin). */
  async saveSettings(actor: Actor, stationId: number, input: SettingsInput): Promise<BookingSettings> {
    assertStation(actor, await this.db.manager.findOne(Station, { where: { id: stationId } }), 'manage');
    await this.db.manager.upsert(BookingSettings, { stationId, ...input }, ['stationId']);
    return this.settings(stationId);
  }

  // ---- services and slots ----------------------------------------------------------------

  /** The station a public list is for: the caller's own, or the one asked for. */
  private stationFor(actor: Actor, stationId: number | undefined): number {
    if ((actor.kind === 'resident' || actor.kind === 'contact' || actor.kind === 'worker') && actor.stationId) return actor.stationId;
    if (stationId) return stationId;
    throw badRequest('station_required', '请指定站点（stationId）');
  }

  /** A station's active services, by name (public: residents browse before they bind). */
  async listServices(actor: Actor, stationId?: number): Promise<BookableService[]> {
    return this.db.manager.find(BookableService, { where: { stationId: this.stationFor(actor, stationId), active: true }, order: { id: 'ASC' } });
  }

  /** One active service, or 404. */
  async service(id: number): Promise<BookableService> {
    const s = await this.db.manager.findOne(BookableService, { where: { id, active: true } });
    if (!s) throw notFound('服务');
    return s;
  }

  /** A service of the caller's own station, for changing it or its slots. */
  private async ownService(actor: Actor, id: number): Promise<BookableService> {
    const s = await this.db.manager.findOne(BookableService, { where: { id } });
    if (!s || !canWorkCases(actor, s.stationId)) throw notFound('服务');
    return s;
  }

  /** A new service of the station: its station admin. */
  async createService(actor: Actor, input: ServiceInput): Promise<BookableService> {
    const stationId = ownStationId(actor);
    if (actor.kind !== 'worker' || actor.role !== 'station_admin') throw forbidden('服务项目由站长设置');
    const repo = this.db.manager.getRepository(BookableService);
    return repo.save(repo.create({
      stationId, name: input.name, description: input.description, durationMinutes: input.durationMinutes,
      location: input.location ?? null, tags: input.tags, recordType: input.recordType, active: true, createdBy: actor.id,
    }));
  }

  private checkSlot(s: SlotInput, now: Date, index: number): void {
    const at = `第 ${index + 1} 个时段`;
    const minutes = (s.endsAt.getTime() - s.startsAt.getTime()) / MINUTE;
    if (minutes <= 0) throw badRequest('invalid_slot', `${at}：结束时间必须晚于开始时间`);
    if (minutes > MAX_SLOT_MINUTES) throw badRequest('invalid_slot', `${at}：一个时段最长 12 小时`);
    if (s.startsAt <= now) throw badRequest('invalid_slot', `${at}：开始时间已经过去`);
    if (s.startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * 86400_000) throw badRequest('invalid_slot', `${at}：最多提前一年开放`);
  }

  /** Opens slots of a service, all or none; a start the service already has is 409 `slot_exists`. */
  async createSlots(actor: Actor, serviceId: number, slots: SlotInput[]): Promise<BookingSlot[]> {
    const service = await this.ownService(actor, serviceId);
    const now = this.now();
    slots.forEach((s, i) => this.checkSlot(s, now, i));
    const starts = new Set<number>();
    for (const s of slots) {
      if (starts.has(s.startsAt.getTime())) throw badRequest('invalid_slot', `同一开始时间出现了两次：${formatForChat(s.startsAt)}`);
      starts.add(s.startsAt.getTime());
    }
    try {
      return await this.db.transaction(async (em) => {
        const out: BookingSlot[] = [];
        for (const s of slots) {
          out.push(await em.save(BookingSlot, em.create(BookingSlot, {
            serviceId, stationId: service.stationId, startsAt: s.startsAt, endsAt: s.endsAt, capacity: s.capacity,
            booked: 0, held: 0, status: 'open', cancelReason: null,
          })));
        }
        return out;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('slot_exists', '该服务在这个开始时间已经有时段了');
      throw err;
    }
  }

  /**
   * Opens slots on a weekly pattern over a date range (e.g. Tue/Thu 9:00–11:30 in 30-minute slots):
   * starts already taken are skipped, so the same pattern can be applied again safely.
   */
  async createWeeklySlots(actor: Actor, serviceId: number, p: WeeklyInput): Promise<{ items: BookingSlot[]; skipped: number }> {
    return this.openWeekly(await this.ownService(actor, serviceId), p);
  }

  /** A weekly pattern applied to a service (the caller has checked who may). */
  async openWeekly(service: BookableService, p: WeeklyInput): Promise<{ items: BookingSlot[]; skipped: number }> {
    const serviceId = service.id;
    const now = this.now();
    if (p.to < p.from) throw badRequest('invalid_pattern', '结束日期不能早于开始日期');
    if (p.to > addDays(localDate(now), MAX_DAYS_AHEAD)) throw badRequest('invalid_pattern', '最多提前一年开放');
    if (p.endTime <= p.startTime) throw badRequest('invalid_pattern', '每天的结束时间必须晚于开始时间');
    const step = p.slotMinutes ?? service.durationMinutes;
    const planned: SlotInput[] = [];
    for (let d = p.from; d <= p.to; d = addDays(d, 1)) {
      if (!p.weekdays.includes(localWeekday(atLocal(d, '12:00')))) continue;
      const dayEnd = atLocal(d, p.endTime).getTime();
      for (let t = atLocal(d, p.startTime).getTime(); t + step * MINUTE <= dayEnd; t += step * MINUTE) {
        if (t <= now.getTime()) continue;
        planned.push({ startsAt: new Date(t), endsAt: new Date(t + step * MINUTE), capacity: p.capacity });
      }
      if (planned.length > MAX_SLOTS_PER_REQUEST) throw badRequest('invalid_pattern', `一次最多生成 ${MAX_SLOTS_PER_REQUEST} 个时段，请缩短日期范围`);
    }
    if (!planned.length) throw badRequest('invalid_pattern', '这个规则在所选日期内生成不了任何未来的时段');
    const taken = new Set((await this.db.manager.find(BookingSlot, {
      where: { serviceId, startsAt: In(planned.map((s) => s.startsAt)) }, select: { id: true, startsAt: true },
    })).map((s) => s.startsAt.getTime()));
    const fresh = planned.filter((s) => !taken.has(s.startsAt.getTime()));
    const created = new Date();
    await this.db.insertMany(
      'booking_slots',
      ['serviceId', 'stationId', 'startsAt', 'endsAt', 'capacity', 'booked', 'held', 'status', 'createdAt'],
      fresh.map((s) => [serviceId, service.stationId, s.startsAt, s.endsAt, s.capacity, 0, 0, 'open', created]),
      { ignore: true },
    );
    const items = fresh.length
      ? await this.db.manager.find(BookingSlot, { where: { serviceId, startsAt: In(fresh.map((s) => s.startsAt)) }, order: { startsAt: 'ASC' } })
      : [];
    return { items, skipped: planned.length - items.length };
  }

  /**
   * A service's slots in a range (default: from now, the next fortnight), open ones only for the
   * public; `bookable` says whether booking is still open (seats left and before the closing time).
   */
  async listSlots(actor: Actor, serviceId: number, range: { from?: string; to?: string }): Promise<SlotView[]> {
    const service = await this.service(serviceId);
    const worker = canWorkCases(actor, service.stationId);
    const now = this.now();
    const from = range.from ? atLocal(range.from) : now;
    const to = range.to ? atLocal(addDays(range.to, 1)) : new Date(from.getTime() + DEFAULT_RANGE_DAYS * 86400_000);
    if (to <= from) throw badRequest('invalid_range', '结束日期不能早于开始日期');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86400_000) throw badRequest('invalid_range', `一次最多查询 ${MAX_RANGE_DAYS} 天`);
    const qb = this.db.manager.createQueryBuilder(BookingSlot, 's')
      .where('s.serviceId = :serviceId', { serviceId })
      .andWhere('s.startsAt >= :from AND s.startsAt < :to', { from: dbInstant(from), to: dbInstant(to) })
      .orderBy('s.startsAt', 'ASC')
      .take(1000);
    if (!worker) qb.andWhere("s.status = 'open'");
    const slots = await qb.getMany();
    const settings = await this.settings(service.stationId);
    return slots.map((slot) => this.slotView(slot, settings, now));
  }

  private slotView(slot: BookingSlot, settings: BookingSettings, now: Date): SlotView {
    const available = slot.status === 'open' ? Math.max(0, slot.capacity - slot.booked - slot.held) : 0;
    const open = slot.status === 'open' && slot.startsAt.getTime() - settings.closeMinutesBefore * MINUTE > now.getTime();
    return { slot, available, bookable: open && available > 0 };
  }

  /** The slots of a station's services residents can still book now, soonest first (the chat's list). */
  async openSlots(serviceId: number, limit: number): Promise<SlotView[]> {
    const service = await this.service(serviceId);
    const settings = await this.settings(service.stationId);
    const now = this.now();
    const slots = await this.db.manager.find(BookingSlot, {
      where: { serviceId, status: 'open', startsAt: MoreThan(new Date(now.getTime() + settings.closeMinutesBefore * MINUTE)) },
      order: { startsAt: 'ASC' },
      take: limit * 4,
    });
    const views = slots.map((s) => this.slotView(s, settings, now));
    const free = views.filter((v) => v.bookable);
    return (free.length ? free : views).slice(0, limit);
  }

  /**
   * Cancels (closes) a slot: its bookings are cancelled and each resident booked is told once;
   * waiting lists end. 409 when it was already cancelled.
   */
  async cancelSlot(actor: Actor, slotId: number, reason: string | null): Promise<{ slot: BookingSlot; cancelledBookings: number }> {
    const slot = await this.db.manager.findOne(BookingSlot, { where: { id: slotId } });
    if (!slot || !canWorkCases(actor, slot.stationId)) throw notFound('时段');
    const by = actor.kind === 'worker' ? actor.id : null;
    const now = this.now();
    const cancelled = await this.db.transaction(async (em) => {
      const n = await write(em, "UPDATE booking_slots SET status = 'cancelled', cancelReason = ?, booked = 0, held = 0 WHERE id = ? AND status = 'open'", [reason, slotId]);
      if (!n) throw conflict('slot_cancelled', '这个时段已经取消了');
      const bookings = await em.find(Booking, { where: { slotId, status: 'booked' } });
      if (bookings.length) {
        await em.update(Booking, { id: In(bookings.map((b) => b.id)), status: 'booked' }, {
          status: 'cancelled', activeKey: null, cancelledAt: now, cancelledBy: by, cancelReason: 'slot_cancelled',
        });
      }
      await em.update(WaitlistEntry, { slotId, status: In(['waiting', 'offered']) }, { status: 'cancelled', activeKey: null });
      return bookings;
    });
    const service = await this.db.manager.findOneOrFail(BookableService, { where: { id: slot.serviceId } });
    const residents = await this.residents(cancelled.map((b) => b.residentId));
    for (const b of cancelled) {
      const r = residents.get(b.residentId);
      if (!r) continue;
      await this.peers.notify.resident(r, slotCancelledText(addressResident(r, localDate(now)), service, slot.startsAt, reason), {
        kind: 'booking_slot_cancelled', purpose: 'booking_reminder', dedupeKey: bookingSlotCancelledKey(b.id), refType: 'booking', refId: b.id,
      });
    }
    return { slot: await this.db.manager.findOneOrFail(BookingSlot, { where: { id: slotId } }), cancelledBookings: cancelled.length };
  }

  // ---- booking ---------------------------------------------------------------------------

  /** The resident an act is for: a resident acts for self; a worker names one of their station. */
  private residentFor(actor: Actor, residentId: number | undefined): { residentId: number; by: number | null; stationId: number | null } {
    const self = selfResident(actor);
    if (self) {
      if (residentId !== undefined && residentId !== self.residentId) throw forbidden('只能为自己预约');
      return { ...self, by: null };
    }
    if (actor.kind === 'resident' || actor.kind === 'contact') throw forbidden('请先绑定：向社工索取绑定码', 'not_bound');
    const stationId = ownStationId(actor);
    if (residentId === undefined) throw badRequest('validation_failed', '请指定为哪位居民预约（residentId）');
    return { residentId, by: actor.kind === 'worker' ? actor.id : null, stationId };
  }

  /** Reads the resident and locks the row for the rest of the transaction (MySQL); SQLite has one writer anyway. */
  private lockResident(residentId: number): [string, unknown[]] {
    return [`SELECT id, stationId, name, status, tags, erasedAt FROM residents WHERE id = ?${this.db.sqlite ? '' : ' FOR UPDATE'}`, [residentId]];
  }

  private lockedResident(rows: unknown[]): LockedResident | null {
    const r = rows[0] as { id: number; stationId: number; name: string; status: string; tags: string; erasedAt: unknown } | undefined;
    if (!r || r.erasedAt) return null;
    return { id: num(r.id), stationId: num(r.stationId), name: r.name, status: r.status, tags: JSON.parse(r.tags || '[]') as string[] };
  }

  /**
   * The checks every way of taking a seat shares (booking, joining the waiting list, accepting
   * an offer): the resident of the slot's station, active, allowed by the service's tags, before
   * the closing time; returns the slot, its service and the station's rules.
   */
  private async admissible(tx: SqlTx, who: { residentId: number; stationId: number | null }, slotId: number) {
    // The resident (locked), then the slot with its service and the station's rules, and the
    // resident's standing bookings (read after the lock, so the count is current): three raw
    // statements in one round trip on MySQL, as this runs once per booking on the hottest path there
    // is. (Two separate reads cost MariaDB less than one with the count as a derived table.)
    const now = this.now();
    const [residentRows, slotRows, standingRows] = await tx.batch([
      this.lockResident(who.residentId),
      [`SELECT s.id, s.serviceId, s.stationId, s.startsAt, s.endsAt, s.capacity, s.booked, s.held, s.status,
              v.name, v.description, v.durationMinutes, v.location, v.tags, v.recordType, v.active,
              c.maxActivePerResident, c.closeMinutesBefore, c.cancelCutoffMinutes, c.offerHoldMinutes
         FROM booking_slots s
         JOIN bookable_services v ON v.id = s.serviceId
         LEFT JOIN booking_settings c ON c.stationId = s.stationId
        WHERE s.id = ?`, [slotId]],
      [`SELECT COALESCE(SUM(CASE WHEN activeKey = ? THEN 1 ELSE 0 END), 0) AS mine,
              COALESCE(SUM(CASE WHEN status = 'booked' AND startsAt > ? THEN 1 ELSE 0 END), 0) AS active
         FROM bookings WHERE residentId = ? AND status <> 'cancelled'`, [activeKey(slotId, who.residentId), dbInstant(now), who.residentId]],
    ]);
    const resident = this.lockedResident(residentRows.rows);
    if (!resident || (who.stationId !== null && resident.stationId !== who.stationId)) throw notFound('居民');
    const row = slotRows.rows[0] as Record<string, unknown> | undefined;
    if (!row || num(row.stationId) !== resident.stationId) throw notFound('时段');
    const slot = Object.assign(new BookingSlot(), {
      id: num(row.id), serviceId: num(row.serviceId), stationId: num(row.stationId), startsAt: parseInstant(row.startsAt)!, endsAt: parseInstant(row.endsAt)!,
      capacity: num(row.capacity), booked: num(row.booked), held: num(row.held), status: row.status as BookingSlot['status'],
    });
    const service = Object.assign(new BookableService(), {
      id: slot.serviceId, stationId: slot.stationId, name: String(row.name), description: String(row.description), durationMinutes: num(row.durationMinutes),
      location: (row.location as string | null) ?? null, tags: JSON.parse(String(row.tags || '[]')) as BookableService['tags'],
      recordType: row.recordType as BookableService['recordType'], active: Boolean(num(row.active)),
    });
    const settings = Object.assign(new BookingSettings(), {
      stationId: slot.stationId, ...DEFAULT_SETTINGS,
      ...(row.maxActivePerResident === null || row.maxActivePerResident === undefined ? {} : {
        maxActivePerResident: num(row.maxActivePerResident), closeMinutesBefore: num(row.closeMinutesBefore),
        cancelCutoffMinutes: num(row.cancelCutoffMinutes), offerHoldMinutes: num(row.offerHoldMinutes),
      }),
    });
    if (resident.status !== 'active') throw conflict('resident_inactive', '该居民当前不在册（住院、迁出等），不能预约');
    if (service.tags.length && !service.tags.some((t) => resident.tags.includes(t))) {
      throw forbidden('该服务只面向特定人群，您暂不在范围内，可回复“5”问问社工', 'not_eligible');
    }
    if (slot.status !== 'open' || !service.active) throw conflict('slot_cancelled', '这个时段已取消');
    if (slot.startsAt <= now) throw conflict('slot_past', '这个时段已经开始或过去了');
    if (slot.startsAt.getTime() - settings.closeMinutesBefore * MINUTE <= now.getTime()) {
      throw conflict('booking_closed', `开始前 ${settings.closeMinutesBefore} 分钟截止预约，这个时段已截止`);
    }
    const standing = standingRows.rows[0] as { mine: unknown; active: unknown };
    if (num(standing.mine)) throw conflict('already_booked', '您已经约过这个时段了');
    return { resident, slot, service, settings, now, activeBookings: num(standing.active) };
  }

  private assertUnderCap(activeBookings: number, settings: BookingSettings): void {
    if (activeBookings >= settings.maxActivePerResident) {
      throw conflict('booking_limit', `每人最多同时保留 ${settings.maxActivePerResident} 个预约，请先完成或取消已有的`);
    }
  }

  /**
   * A booking row and the statement that writes it (its id is the insert's); with `onlyIf`, an
   * `INSERT … SELECT` that writes it only when that condition holds.
   */
  private newBooking(slot: BookingSlot, residentId: number, by: number | null, channel: Channel, now: Date, onlyIf?: string): { booking: Booking; insert: [string, unknown[]] } {
    const b = Object.assign(new Booking(), {
      stationId: slot.stationId, slotId: slot.id, serviceId: slot.serviceId, residentId, status: 'booked' as const,
      activeKey: activeKey(slot.id, residentId), bookedBy: by, channel, startsAt: slot.startsAt,
      cancelledAt: null, cancelledBy: null, cancelReason: null, attendanceAt: null, attendanceBy: null, createdAt: now,
    });
    const values = "?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?";
    return {
      booking: b,
      insert: [
        `INSERT INTO bookings (stationId, slotId, serviceId, residentId, status, activeKey, bookedBy, channel, startsAt, createdAt)
         ${onlyIf ? `SELECT ${values} ${onlyIf}` : `VALUES (${values})`}`,
        [b.stationId, b.slotId, b.serviceId, residentId, b.activeKey, by, channel, dbInstant(b.startsAt), dbInstant(now)],
      ],
    };
  }

  /** Runs statements that write a booking: its unique key taken is 409 `already_booked`. */
  private async writingBooking(run: () => Promise<RawResult[]>): Promise<RawResult[]> {
    try {
      return await run();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('already_booked', '您已经约过这个时段了');
      throw err;
    }
  }

  private async insertBooking(tx: SqlTx, slot: BookingSlot, residentId: number, by: number | null, channel: Channel, now: Date): Promise<Booking> {
    const { booking, insert } = this.newBooking(slot, residentId, by, channel, now);
    booking.id = (await this.writingBooking(() => tx.batch([insert])))[0].insertId;
    return booking;
  }

  /**
   * Books a seat: the resident for self, or a worker on their behalf. One transaction: the
   * resident's row lock and the checks, then the seat by a conditional update (409 `slot_full`
   * when none is left), the booking row only if the update took a seat (under its unique key:
   * 409 `already_booked`, which rolls the seat back), and COMMIT.
   *
   * On MySQL the seat's update holds the slot's row lock, which every other booking of the slot
   * waits on, until COMMIT: so the update, the insert and COMMIT go to the server together and the
   * lock is held for no round trip at all (the insert asks `ROW_COUNT()` whether the update took
   * the seat; SQLite, one writer, asks `changes()`).
   */
  async book(actor: Actor, input: { slotId: number; residentId?: number; channel: Channel }): Promise<BookingView> {
    const who = this.residentFor(actor, input.residentId);
    // Raw statements on the driver, not TypeORM's transaction: this is the hottest write there is.
    return this.db.rawTransaction(async (tx) => {
      const { resident, slot, service, settings, now, activeBookings } = await this.admissible(tx, who, input.slotId);
      this.assertUnderCap(activeBookings, settings);
      const seatTaken = this.db.sqlite ? 'WHERE changes() = 1' : 'FROM DUAL WHERE ROW_COUNT() = 1';
      const { booking, insert } = this.newBooking(slot, resident.id, who.by, input.channel, now, seatTaken);
      const [seat, inserted] = await this.writingBooking(() => tx.commitWith([
        ["UPDATE booking_slots SET booked = booked + 1 WHERE id = ? AND status = 'open' AND booked + held < capacity", [slot.id]],
        insert,
      ]));
      if (!seat.affected) throw conflict('slot_full', '这个时段已经约满了，可以排候补或换个时间');
      if (inserted.affected !== 1) throw new Error(`booking: the seat was taken but the booking row not written (slot ${slot.id})`);
      booking.id = inserted.insertId;
      return { booking, slot: { ...slot, booked: slot.booked + 1 }, service, resident: { id: resident.id, name: resident.name } };
    });
  }

  /** One booking the caller may see: the resident's own, or one of the worker's station; else 404. */
  async get(actor: Actor, id: number): Promise<Booking> {
    const b = await this.db.manager.findOne(Booking, { where: { id } });
    if (!b || !canSeeResidentRecord(actor, b)) throw notFound('预约');
    return b;
  }

  /**
   * Cancels a booking. Residents may until the station's cut-off before the start; workers at any
   * time. The seat goes to the first on the waiting list (held for them) or back to everyone.
   */
  async cancel(actor: Actor, id: number): Promise<BookingView> {
    const b = await this.get(actor, id);
    const now = this.now();
    const byWorker = actor.kind === 'worker';
    if (b.status === 'cancelled') throw conflict('already_cancelled', '这个预约已经取消过了');
    if (b.status !== 'booked') throw conflict('not_cancellable', '已登记到场情况的预约不能取消');
    const settings = await this.settings(b.stationId);
    if (!byWorker && b.startsAt.getTime() - settings.cancelCutoffMinutes * MINUTE <= now.getTime()) {
      throw conflict('cancel_closed', `开始前 ${settings.cancelCutoffMinutes} 分钟内不能自己取消了，请联系社工`);
    }
    const offered = await this.db.transaction(async (em) => {
      const n = await write(em, "UPDATE bookings SET status = 'cancelled', activeKey = NULL, cancelledAt = ?, cancelledBy = ?, cancelReason = ? WHERE id = ? AND status = 'booked'", [
        dbInstant(now), byWorker ? (actor as { id: number }).id : null, byWorker ? 'worker' : 'resident', id,
      ]);
      if (!n) throw conflict('already_cancelled', '这个预约已经取消过了');
      return this.passSeatOn(em, b.slotId, settings, now, 'freed');
    });
    if (offered) await this.tellOffer(offered);
    return (await this.views([await this.db.manager.findOneOrFail(Booking, { where: { id } })]))[0];
  }

  /**
   * A seat came free (`freed`: it was booked; `held`: it was held for an offer that lapsed): offer
   * it to the first still waiting, keeping it held for them, or give it back to everyone.
   */
  private async passSeatOn(em: EntityManager, slotId: number, settings: BookingSettings, now: Date, seat: 'freed' | 'held'): Promise<WaitlistEntry | null> {
    const slot = await em.findOneOrFail(BookingSlot, { where: { id: slotId } });
    const canOffer = slot.status === 'open' && slot.startsAt.getTime() - settings.closeMinutesBefore * MINUTE > now.getTime();
    const offerAt = afterQuietHours(now);
    const expires = new Date(offerAt.getTime() + settings.offerHoldMinutes * MINUTE);
    const waiting = canOffer ? await em.find(WaitlistEntry, { where: { slotId, status: 'waiting' }, order: { id: 'ASC' }, take: 20 }) : [];
    for (const w of waiting) {
      const n = await write(em, "UPDATE booking_waitlist SET status = 'offered', offeredAt = ?, offerExpiresAt = ? WHERE id = ? AND status = 'waiting'", [
        dbInstant(now), dbInstant(expires), w.id,
      ]);
      if (!n) continue;
      if (seat === 'freed') await write(em, 'UPDATE booking_slots SET booked = booked - 1, held = held + 1 WHERE id = ? AND booked > 0', [slotId]);
      return em.findOneOrFail(WaitlistEntry, { where: { id: w.id } });
    }
    if (seat === 'freed') await write(em, 'UPDATE booking_slots SET booked = booked - 1 WHERE id = ? AND booked > 0', [slotId]);
    else await write(em, 'UPDATE booking_slots SET held = held - 1 WHERE id = ? AND held > 0', [slotId]);
    return null;
  }

  private async tellOffer(entry: WaitlistEntry): Promise<void> {
    const [slot, r] = await Promise.all([
      this.db.manager.findOneOrFail(BookingSlot, { where: { id: entry.slotId } }),
      this.db.manager.findOne(Resident, { where: { id: entry.residentId } }),
    ]);
    const service = await this.db.manager.findOneOrFail(BookableService, { where: { id: slot.serviceId } });
    if (!r) return;
    await this.peers.notify.resident(r, offerText(addressResident(r, localDate(this.now())), service, slot.startsAt, entry.offerExpiresAt!), {
      kind: 'booking_offer', purpose: 'booking_reminder', dedupeKey: waitlistOfferKey(entry.id), refType: 'waitlist', refId: entry.id,
    });
  }

  /** Marks a booking attended or not shown (workers of the station, once the slot has begun). */
  async attendance(actor: Actor, id: number, status: 'attended' | 'no_show'): Promise<BookingView> {
    const b = await this.get(actor, id);
    if (actor.kind !== 'worker') throw forbidden('到场情况由社工登记');
    const now = this.now();
    if (b.status === 'cancelled') throw conflict('booking_cancelled', '这个预约已经取消了');
    if (b.startsAt > now) throw conflict('attendance_too_early', '服务开始后才能登记到场情况');
    const record = await this.db.transaction(async (em): Promise<ServiceRecord | null> => {
      const n = await write(em, "UPDATE bookings SET status = ?, attendanceAt = ?, attendanceBy = ? WHERE id = ? AND status <> 'cancelled'", [
        status, dbInstant(now), actor.id, id,
      ]);
      if (!n) throw conflict('booking_cancelled', '这个预约已经取消了');
      if (status === 'no_show') {
        await deleteServiceRecords(em, { bookingId: id });
        return null;
      }
      const service = await em.findOneOrFail(BookableService, { where: { id: b.serviceId } });
      try {
        return await insertServiceRecord(em, {
          stationId: b.stationId, type: service.recordType, date: localDate(b.startsAt),
          summary: `预约服务：${service.name}（${formatForChat(b.startsAt)}）`, residentIds: [b.residentId],
          durationMinutes: service.durationMinutes, source: 'booking', bookingId: id, createdBy: actor.id,
        });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err; // marked attended twice: one record
        return null;
      }
    });
    if (record) await this.peers.satisfaction.askAfter(record);
    return (await this.views([await this.db.manager.findOneOrFail(Booking, { where: { id } })]))[0];
  }

  // ---- waiting list ----------------------------------------------------------------------

  /** Joins a full slot's waiting list (resident self, or a worker for one of their station). */
  async joinWaitlist(actor: Actor, slotId: number, residentId?: number): Promise<{ entry: WaitlistEntry; position: number }> {
    const who = this.residentFor(actor, residentId);
    const entryId = await this.db.transaction(async (em) => {
      const { resident, slot } = await this.admissible(sqlOf(em), who, slotId);
      if (slot.booked + slot.held < slot.capacity) throw conflict('slot_available', '这个时段还有空位，可以直接预约');
      try {
        const res = await em.insert(WaitlistEntry, {
          stationId: slot.stationId, slotId, residentId: resident.id, status: 'waiting', activeKey: activeKey(slotId, resident.id),
          addedBy: who.by, offeredAt: null, offerExpiresAt: null, bookingId: null, createdAt: this.now(),
        });
        return Number(res.identifiers[0].id);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('already_waiting', '您已经在这个时段的候补名单里了');
        throw err;
      }
    });
    const entry = await this.db.manager.findOneOrFail(WaitlistEntry, { where: { id: entryId } });
    return { entry, position: await this.position(entry) };
  }

  /** Place in line (1 = next to be offered). */
  private async position(entry: WaitlistEntry): Promise<number> {
    return this.db.manager.count(WaitlistEntry, { where: { slotId: entry.slotId, status: In(['waiting', 'offered']), id: LessThanOrEqual(entry.id) } });
  }

  /** A slot's waiting list: all of it for the station's workers, their own place for a resident. */
  async waitlist(actor: Actor, slotId: number): Promise<WaitlistEntry[]> {
    const slot = await this.db.manager.findOne(BookingSlot, { where: { id: slotId } });
    const self = selfResident(actor);
    if (!slot || !(self ? slot.stationId === self.stationId : canWorkCases(actor, slot.stationId))) throw notFound('时段');
    return this.db.manager.find(WaitlistEntry, {
      where: { slotId, status: In(['waiting', 'offered']), ...(self ? { residentId: self.residentId } : {}) },
      order: { id: 'ASC' },
    });
  }

  /**
   * The resident's latest offer of a seat, live or lapsed within the last two hours (so that a
   * late `1` is told the seat moved on instead of being read as the menu). Null for anyone but a resident.
   */
  async recentOffer(actor: Actor): Promise<WaitlistEntry | null> {
    const self = selfResident(actor);
    if (!self) return null;
    return this.db.manager.findOne(WaitlistEntry, {
      where: { residentId: self.residentId, status: In(['offered', 'expired']), offerExpiresAt: MoreThan(new Date(this.now().getTime() - 2 * 3600_000)) },
      order: { id: 'DESC' },
    });
  }

  /** Slots by id (for what a dialogue or a list refers to). */
  slotsById(ids: number[]): Promise<BookingSlot[]> {
    return ids.length ? this.db.manager.find(BookingSlot, { where: { id: In(ids) } }) : Promise.resolve([]);
  }

  /** Takes the held seat of an offer (`1` by chat, or the mini-program): 409 `offer_expired` once it lapsed. */
  async acceptOffer(actor: Actor, entryId: number, channel: Channel): Promise<BookingView> {
    const entry = await this.db.manager.findOne(WaitlistEntry, { where: { id: entryId } });
    if (!entry || !canSeeResidentRecord(actor, entry)) throw notFound('候补');
    const who = { residentId: entry.residentId, stationId: entry.stationId, by: actor.kind === 'worker' ? actor.id : null };
    const id = await this.db.transaction(async (em) => {
      const now = this.now();
      const n = await write(em, "UPDATE booking_waitlist SET status = 'accepted', activeKey = NULL WHERE id = ? AND status = 'offered' AND offerExpiresAt > ?", [entryId, dbInstant(now)]);
      if (!n) throw conflict('offer_expired', entry.status === 'accepted' ? '这个候补名额您已经约上了' : '这个候补名额的保留时间已过，已让给下一位');
      const { resident, slot, settings, activeBookings } = await this.admissible(sqlOf(em), who, entry.slotId);
      this.assertUnderCap(activeBookings, settings);
      const seat = await write(em, 'UPDATE booking_slots SET held = held - 1, booked = booked + 1 WHERE id = ? AND held > 0', [slot.id]);
      if (!seat) throw conflict('offer_expired', '这个候补名额的保留时间已过');
      const booking = await this.insertBooking(sqlOf(em), slot, resident.id, who.by, channel, now);
      await em.update(WaitlistEntry, { id: entryId }, { bookingId: booking.id });
      return booking.id;
    });
    return (await this.views(await this.db.manager.find(Booking, { where: { id } })))[0];
  }

  /**
   * Offers that lapsed pass to the next in line (or back to everyone); each lapse and each new
   * offer is told once. Safe to run anywhere, any number of times: every step is conditional.
   */
  async expireOffers(at: Date): Promise<{ expired: number; offered: number }> {
    const due = await this.db.manager.find(WaitlistEntry, { where: { status: 'offered', offerExpiresAt: LessThanOrEqual(at) }, order: { id: 'ASC' }, take: 500 });
    let expired = 0;
    let offered = 0;
    for (const e of due) {
      const settings = await this.settings(e.stationId);
      const next = await this.db.transaction(async (em) => {
        const n = await write(em, "UPDATE booking_waitlist SET status = 'expired', activeKey = NULL WHERE id = ? AND status = 'offered' AND offerExpiresAt <= ?", [e.id, dbInstant(at)]);
        if (!n) return undefined;
        return this.passSeatOn(em, e.slotId, settings, at, 'held');
      });
      if (next === undefined) continue;
      expired++;
      const [slot, r] = await Promise.all([
        this.db.manager.findOneOrFail(BookingSlot, { where: { id: e.slotId } }),
        this.db.manager.findOne(Resident, { where: { id: e.residentId } }),
      ]);
      const service = await this.db.manager.findOneOrFail(BookableService, { where: { id: slot.serviceId } });
      if (r) await this.peers.notify.resident(r, offerExpiredText(service, slot.startsAt), { kind: 'booking_offer_expired', purpose: 'booking_reminder', dedupeKey: waitlistOfferExpiredKey(e.id), refType: 'waitlist', refId: e.id });
      if (next) {
        offered++;
        await this.tellOffer(next);
      }
    }
    return { expired, offered };
  }

  // ---- reminders -------------------------------------------------------------------------

  /**
   * The `booking-reminders` sweep: every standing booking that starts within 24 hours is reminded
   * once, and again within 2 hours (not when it was booked inside that window: the booking reply
   * just said it). Dedupe keys make two runs, or two instances, send once.
   */
  async remind(at: Date): Promise<{ queued: number }> {
    const horizon = new Date(at.getTime() + REMINDER_WINDOWS[0].ms);
    const rows = await this.db.rows<Record<string, unknown>>(
      `SELECT b.id AS id, b.startsAt AS startsAt, b.createdAt AS createdAt, b.stationId AS stationId, r.id AS residentId,
              r.name AS name, r.gender AS gender, r.birthDate AS birthDate, r.tags AS tags, r.wechatContactId AS contact, r.openid AS openid,
              v.name AS serviceName, v.location AS location
         FROM bookings b
         JOIN residents r ON r.id = b.residentId
         JOIN booking_slots s ON s.id = b.slotId
         JOIN bookable_services v ON v.id = b.serviceId
        WHERE b.status = 'booked' AND s.status = 'open' AND b.startsAt > ? AND b.startsAt <= ?
          AND r.status = 'active' AND r.erasedAt IS NULL AND (r.wechatContactId IS NOT NULL OR r.openid IS NOT NULL)`,
      [dbInstant(at), dbInstant(horizon)],
    );
    const today = localDate(at);
    let queued = 0;
    for (const row of rows) {
      const startsAt = parseInstant(row.startsAt)!;
      const createdAt = parseInstant(row.createdAt)!;
      const left = startsAt.getTime() - at.getTime();
      // The narrowest window the start is in: within 2 hours only the 2-hour reminder is due.
      const w = left <= REMINDER_WINDOWS[1].ms ? REMINDER_WINDOWS[1] : REMINDER_WINDOWS[0];
      if (createdAt.getTime() >= startsAt.getTime() - w.ms) continue;
      const name = addressResident({
        name: String(row.name), gender: (row.gender as 'male' | 'female' | null) ?? null, birthDate: (row.birthDate as string | null) ?? null,
        tags: JSON.parse(String(row.tags || '[]')) as string[],
      }, today);
      const service = { name: String(row.serviceName), location: (row.location as string | null) ?? null };
      const ok = await this.peers.notify.resident(
        { id: Number(row.residentId), stationId: Number(row.stationId), wechatContactId: (row.contact as string | null) ?? null, openid: (row.openid as string | null) ?? null },
        reminderText(name, service, startsAt, w === REMINDER_WINDOWS[1]),
        { kind: 'booking_reminder', purpose: 'booking_reminder', priority: PRIORITY.reminder, dedupeKey: bookingReminderKey(Number(row.id), w.key), refType: 'booking', refId: Number(row.id) },
      );
      if (ok) queued++;
    }
    return { queued };
  }

  // ---- lists -----------------------------------------------------------------------------

  /** The station's bookings (workers), by start; `from`/`to` are local dates, inclusive. */
  async list(actor: Actor, filter: { residentId?: number; from?: string; to?: string; status?: BookingStatus; limit: number; offset: number }): Promise<{ items: BookingView[]; total: number }> {
    const stationId = ownStationId(actor);
    if (filter.residentId) {
      const r = await this.db.manager.findOne(Resident, { where: { id: filter.residentId, stationId, erasedAt: IsNull() }, select: { id: true } });
      if (!r) throw notFound('居民');
    }
    if (filter.from && filter.to && filter.to < filter.from) throw badRequest('invalid_range', '结束日期不能早于开始日期');
    const qb = this.db.manager.createQueryBuilder(Booking, 'b').where('b.stationId = :stationId', { stationId });
    if (filter.residentId) qb.andWhere('b.residentId = :rid', { rid: filter.residentId });
    if (filter.status) qb.andWhere('b.status = :status', { status: filter.status });
    if (filter.from) qb.andWhere('b.startsAt >= :from', { from: dbInstant(atLocal(filter.from)) });
    if (filter.to) qb.andWhere('b.startsAt < :to', { to: dbInstant(atLocal(addDays(filter.to, 1))) });
    const [rows, total] = await qb.orderBy('b.startsAt', 'ASC').addOrderBy('b.id', 'ASC').take(filter.limit).skip(filter.offset).getManyAndCount();
    return { items: await this.views(rows), total };
  }

  /** The resident's own bookings (mini-program, chat): upcoming ones first, then the past. */
  async mine(actor: Actor, options: { upcomingOnly?: boolean; limit?: number } = {}): Promise<BookingView[]> {
    const self = selfResident(actor);
    if (!self) throw forbidden('请先绑定：向社工索取绑定码', 'not_bound');
    const now = this.now();
    const rows = await this.db.manager.find(Booking, {
      where: options.upcomingOnly ? { residentId: self.residentId, status: 'booked', startsAt: MoreThan(now) } : { residentId: self.residentId, status: Not('cancelled') },
      order: { startsAt: options.upcomingOnly ? 'ASC' : 'DESC' },
      take: options.limit ?? 100,
    });
    return this.views(rows);
  }

  /** No-shows per resident over the last 90 days (repeated ones are flagged to the workers). */
  async noShowCounts(residentIds: number[]): Promise<Map<number, number>> {
    const ids = [...new Set(residentIds)];
    if (!ids.length) return new Map();
    const since = new Date(this.now().getTime() - NO_SHOW_WINDOW_DAYS * 86400_000);
    const rows = await this.db.manager.createQueryBuilder(Booking, 'b')
      .select('b.residentId', 'residentId').addSelect('COUNT(*)', 'n')
      .where('b.residentId IN (:...ids)', { ids }).andWhere("b.status = 'no_show'").andWhere('b.startsAt >= :since', { since: dbInstant(since) })
      .groupBy('b.residentId').getRawMany<{ residentId: number; n: number }>();
    return new Map(rows.map((r) => [Number(r.residentId), Number(r.n)]));
  }

  /** Residents of the station who did not come at least twice in 90 days, most first. */
  async repeatedNoShows(actor: Actor): Promise<{ residentId: number; name: string; noShows: number }[]> {
    const stationId = ownStationId(actor);
    const since = new Date(this.now().getTime() - NO_SHOW_WINDOW_DAYS * 86400_000);
    const rows = await this.db.manager.createQueryBuilder(Booking, 'b')
      .innerJoin(Resident, 'r', 'r.id = b.residentId')
      .select('b.residentId', 'residentId').addSelect('r.name', 'name').addSelect('COUNT(*)', 'n')
      .where('b.stationId = :stationId', { stationId }).andWhere("b.status = 'no_show'").andWhere('b.startsAt >= :since', { since: dbInstant(since) })
      .groupBy('b.residentId').addGroupBy('r.name').having('COUNT(*) >= :min', { min: REPEATED_NO_SHOWS })
      .orderBy('n', 'DESC').getRawMany<{ residentId: number; name: string; n: number }>();
    return rows.map((r) => ({ residentId: Number(r.residentId), name: r.name, noShows: Number(r.n) }));
  }

  /** A resident's bookings and places in line, for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const rows = await em.find(Booking, { where: { residentId: resident.id }, order: { id: 'ASC' }, take: 1000 });
    const services = new Map((rows.length ? await em.find(BookableService, { where: { id: In([...new Set(rows.map((b) => b.serviceId))]) } }) : []).map((s) => [s.id, s.name]));
    return rows.map((b) => ({
      id: b.id, service: services.get(b.serviceId) ?? null, startsAt: toIso(b.startsAt), status: b.status, channel: b.channel,
      createdAt: toIso(b.createdAt), cancelledAt: toIso(b.cancelledAt), attendanceAt: toIso(b.attendanceAt),
    }));
  }

  private async residents(ids: number[]): Promise<Map<number, Resident>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await this.db.manager.find(Resident, { where: { id: In(unique) } }) : [];
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Bookings with their slots, services and residents (three queries, whatever the count). */
  async views(bookings: Booking[]): Promise<BookingView[]> {
    if (!bookings.length) return [];
    const [slots, services, residents] = await Promise.all([
      this.db.manager.find(BookingSlot, { where: { id: In([...new Set(bookings.map((b) => b.slotId))]) } }),
      this.db.manager.find(BookableService, { where: { id: In([...new Set(bookings.map((b) => b.serviceId))]) } }),
      this.db.manager.find(Resident, { where: { id: In([...new Set(bookings.map((b) => b.residentId))]) }, select: { id: true, name: true } }),
    ]);
    const slot = new Map(slots.map((s) => [s.id, s]));
    const service = new Map(services.map((s) => [s.id, s]));
    const resident = new Map(residents.map((r) => [r.id, r]));
    return bookings.map((b) => ({ booking: b, slot: slot.get(b.slotId)!, service: service.get(b.serviceId)!, resident: resident.get(b.residentId) ?? { id: b.residentId, name: '' } }));
  }

  /** Maps an error from a booking attempt to what it means (for the bot's wording). */
  static code(err: unknown): string | null {
    return err instanceof AppError ? err.code : null;
  }
}
