import type { EntityManager, FindOptionsWhere } from 'typeorm';
import { In } from 'typeorm';
import { SatisfactionRating, ServiceRecord, ServiceRecordResident } from '../entities';

/** The fields of a new service record; the optional ones default to null (source: `manual`). */
export type NewServiceRecord = Pick<ServiceRecord, 'stationId' | 'type' | 'date' | 'summary' | 'residentIds'> &
  Partial<Pick<ServiceRecord, 'resourcesYuan' | 'resourcesGiver' | 'resourcesNote' | 'workerId' | 'durationMinutes' | 'source' | 'alertId' | 'bookingId' | 'activityId' | 'createdBy'>>;

/**
 * Writes a service record and its residents row by row (`service_record_residents`, what the
 * statistics count), in the caller's transaction or manager; every door that writes records uses it.
 */
export async function insertServiceRecord(em: EntityManager, f: NewServiceRecord): Promise<ServiceRecord> {
  const residentIds = [...new Set(f.residentIds)];
  const res = await em.insert(ServiceRecord, {
    stationId: f.stationId, type: f.type, date: f.date, summary: f.summary, residentIds, residentCount: residentIds.length,
    resourcesYuan: f.resourcesYuan ?? null, resourcesGiver: f.resourcesGiver ?? null, resourcesNote: f.resourcesNote ?? null,
    workerId: f.workerId ?? f.createdBy ?? null, durationMinutes: f.durationMinutes ?? null, source: f.source ?? 'manual',
    alertId: f.alertId ?? null, bookingId: f.bookingId ?? null, activityId: f.activityId ?? null, createdBy: f.createdBy ?? null,
  });
  const record = await em.findOneByOrFail(ServiceRecord, { id: Number(res.identifiers[0].id) });
  await writeResidents(em, record, residentIds);
  return record;
}

/** Brings a record's resident rows in line with its (changed) residents, type and date. */
export async function syncRecordResidents(em: EntityManager, record: Pick<ServiceRecord, 'id' | 'stationId' | 'type' | 'date' | 'residentIds'>): Promise<void> {
  const ids = [...new Set(record.residentIds)];
  await em.delete(ServiceRecordResident, { recordId: record.id });
  await em.update(ServiceRecord, { id: record.id }, { residentCount: ids.length });
  await writeResidents(em, record, ids);
}

/** Deletes the records matching `where` with their resident rows and the ratings asked about them. */
export async function deleteServiceRecords(em: EntityManager, where: FindOptionsWhere<ServiceRecord>): Promise<void> {
  const ids = (await em.find(ServiceRecord, { where, select: { id: true } })).map((r) => r.id);
  if (!ids.length) return;
  await em.delete(ServiceRecordResident, { recordId: In(ids) });
  await em.delete(SatisfactionRating, { recordId: In(ids) });
  await em.delete(ServiceRecord, { id: In(ids) });
}

async function writeResidents(em: EntityManager, r: Pick<ServiceRecord, 'id' | 'stationId' | 'type' | 'date'>, residentIds: number[]): Promise<void> {
  for (let i = 0; i < residentIds.length; i += 200) {
    await em.insert(ServiceRecordResident, residentIds.slice(i, i + 200).map((residentId) => ({ recordId: r.id, stationId: r.stationId, residentId, type: r.type, date: r.date })));
  }
}
