import type { AuditEntry, Community, FamilyContact, Resident, Station, Worker } from '../../entities';
import { ageOn } from '../../services/idnumber';
import { maskPhone } from '../../services/phone';
import type { ResidentListItem, ResidentPage } from '../../services/residents';
import { JsonText } from '../route';
import { toIso } from '../../services/time';

/** A station as the console shows it (its phone is the station's public number, not masked). */
export function presentStation(s: Station) {
  return { id: s.id, name: s.name, township: s.township, county: s.county, address: s.address, phone: s.phone, openHours: s.openHours };
}

export function presentCommunity(c: Community) {
  return { id: c.id, stationId: c.stationId, name: c.name };
}

/** A worker account: never the password hash or the WeChat id, phone masked. */
export function presentWorker(w: Worker) {
  return {
    id: w.id, username: w.username, name: w.name, role: w.role, stationId: w.stationId, county: w.county,
    phone: maskPhone(w.phone), active: w.active, wechatBound: w.wechatContactId !== null,
  };
}

/**
 * A resident for the station's workers: phone masked, the ID number never (only whether one is
 * held), contact ids never; `age` in whole years on `today` when the birth date is known.
 */
export function presentResident(r: ResidentListItem, today: string) {
  return {
    id: r.id, stationId: r.stationId, communityId: r.communityId, name: r.name, phone: maskPhone(r.phone),
    birthDate: r.birthDate, age: r.birthDate ? ageOn(r.birthDate, today) : null, gender: r.gender,
    tags: r.tags, address: r.address, status: r.status, riskTier: r.riskTier,
    hasIdNumber: r.idNumberHash !== null, wechatBound: r.wechatContactId !== null, miniProgramBound: r.openid !== null,
    optedOut: r.optedOut, erased: r.erasedAt !== null, erasedAt: toIso(r.erasedAt),
    createdAt: toIso(r.createdAt), updatedAt: toIso(r.updatedAt),
  };
}

const presentedPages = new WeakMap<ResidentPage, { today: string; json: JsonText }>();

/**
 * A page of the residents list as the response's JSON. The service hands out the same page object
 * while the station's residents are unchanged, so its JSON is built once per page and day (ages move
 * with the day).
 */
export function presentResidentPage(page: ResidentPage, today: string): JsonText {
  const kept = presentedPages.get(page);
  if (kept && kept.today === today) return kept.json;
  const json = new JsonText(JSON.stringify({ items: page.items.map((r) => presentResident(r, today)), total: page.total }));
  presentedPages.set(page, { today, json });
  return json;
}

/** A resident's own record, as the mini-program shows it to them. */
export function presentOwnResident(r: Resident, today: string) {
  return {
    id: r.id, stationId: r.stationId, communityId: r.communityId, name: r.name, phone: maskPhone(r.phone),
    birthDate: r.birthDate, age: r.birthDate ? ageOn(r.birthDate, today) : null, gender: r.gender,
    status: r.status, wechatBound: r.wechatContactId !== null, optedOut: r.optedOut,
  };
}

export function presentFamily(f: FamilyContact) {
  return {
    id: f.id, residentId: f.residentId, name: f.name, relation: f.relation, phone: maskPhone(f.phone),
    wechatBound: f.wechatContactId !== null, createdAt: toIso(f.createdAt),
    // Told on binding what they will receive and how to stop it; 退订 stops their reminders.
    consentAt: toIso(f.consentAt ?? null), optedOut: f.optedOut ?? false,
  };
}

export function presentAudit(a: AuditEntry & { workerName?: string | null }) {
  return { id: a.id, residentId: a.residentId, workerId: a.workerId, workerName: a.workerName ?? null, action: a.action, detail: a.detail, at: toIso(a.at) };
}

/** A binding code as handed out: shown once, with its expiry. */
export function presentCode(c: { code: string; expiresAt: Date }) {
  return { code: c.code, expiresAt: toIso(c.expiresAt) };
}
