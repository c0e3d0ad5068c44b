import type { Actor } from '../../services/auth';
import {
  assertCanEditPolicy, assertCaseRecord, canSeePolicy, logsUnanswered, policyOwner, unansweredStations,
} from '../../services/permissions';

const worker = (stationId: number, role: 'worker' | 'station_admin' = 'worker'): Actor => ({ kind: 'worker', id: 1, role, stationId, county: '甲县', name: '社工' });
const countyAdmin: Actor = { kind: 'worker', id: 9, role: 'county_admin', stationId: null, county: '甲县', name: '县管理员' };
const resident = (stationId: number): Actor => ({ kind: 'resident', openid: 'o', residentId: 3, stationId });
const contact: Actor = { kind: 'contact', stationId: 1, contactId: 'wx', residentId: null };
const anonymous: Actor = { kind: 'anonymous' };
const st1 = { id: 1, county: '甲县' };
const st2 = { id: 2, county: '乙县' };

describe('permissions', () => {
  it('alerts and hand-offs: own station only; a county admin works no case', () => {
    expect(() => assertCaseRecord(worker(1), { stationId: 1 }, '告警')).not.toThrow();
    expect(() => assertCaseRecord(worker(1), { stationId: 2 }, '告警')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertCaseRecord(worker(1), null, '告警')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => assertCaseRecord(countyAdmin, { stationId: 1 }, '告警')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertCaseRecord(resident(1), { stationId: 1 }, '告警')).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('policies: shared ones for all; a station\'s own for its people, its county admin and askers on its behalf', () => {
    const own = { stationId: 1 };
    expect(canSeePolicy(anonymous, { stationId: null }, null)).toBe(true);
    expect(canSeePolicy(anonymous, own, null)).toBe(false);
    expect(canSeePolicy(anonymous, own, null, 1)).toBe(true);
    expect(canSeePolicy(resident(1), own, null)).toBe(true);
    expect(canSeePolicy(resident(2), own, null)).toBe(false);
    expect(canSeePolicy(worker(1), own, st1)).toBe(true);
    expect(canSeePolicy(worker(2), own, st1)).toBe(false);
    expect(canSeePolicy(countyAdmin, own, st1)).toBe(true);
    expect(canSeePolicy(countyAdmin, { stationId: 2 }, st2)).toBe(false);
  });

  it('policies: county admins edit shared ones, a station\'s people and county admin its own', () => {
    expect(() => assertCanEditPolicy(worker(1), { stationId: null }, null)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertCanEditPolicy(countyAdmin, { stationId: null }, null)).not.toThrow();
    expect(() => assertCanEditPolicy(worker(1), { stationId: 1 }, null)).not.toThrow();
    expect(() => assertCanEditPolicy(worker(2), { stationId: 1 }, st1)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertCanEditPolicy(countyAdmin, { stationId: 1 }, st1)).not.toThrow();
    expect(() => assertCanEditPolicy(countyAdmin, { stationId: 2 }, st2)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertCanEditPolicy(resident(1), { stationId: 1 }, st1)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('policies: who owns a new one', () => {
    expect(policyOwner(worker(1), undefined, null)).toBe(1);
    expect(() => policyOwner(worker(1), 2, null)).toThrow(expect.objectContaining({ status: 404 }));
    expect(policyOwner(countyAdmin, null, null)).toBeNull();
    expect(policyOwner(countyAdmin, 1, st1)).toBe(1);
    expect(() => policyOwner(countyAdmin, 2, st2)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => policyOwner(anonymous, null, null)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('unanswered questions: own station, or the county for its admin; logged only for someone known', () => {
    expect(unansweredStations(worker(1), null)).toEqual([1]);
    expect(() => unansweredStations(worker(1), null, 2)).toThrow(expect.objectContaining({ status: 404 }));
    expect(unansweredStations(countyAdmin, [1, 3])).toEqual([1, 3]);
    expect(unansweredStations(countyAdmin, [1, 3], 3)).toEqual([3]);
    expect(() => unansweredStations(countyAdmin, [1, 3], 2)).toThrow(expect.objectContaining({ status: 404 }));
    expect([anonymous, contact, resident(1), worker(1)].map(logsUnanswered)).toEqual([false, true, true, true]);
  });
});
