import { escalationLadder, familyRows, inEscalationOrder, workerRows } from '../../../services/messaging/audience';
import { alertLevelKey, checkinAlarmKey, checkinReminderKey, forFamily, forWorker } from '../../../services/messaging/keys';

describe('messaging core', () => {
  const base = { kind: 'alert_x', urgent: true, refType: 'alert', refId: 7 };

  it('tells each bound worker once, under its own key, and skips the unbound', () => {
    const rows = workerRows(3, [{ id: 1, wechatContactId: 'w1' }, { id: 2, wechatContactId: null }, { id: 5, wechatContactId: 'w5' }], '有告警', { ...base, dedupeKey: 'k' });
    expect(rows.map((r) => [r.toContactId, r.toAlias, r.dedupeKey, r.stationId, r.text, r.refId])).toEqual([
      ['w1', 'sgz-w1', 'k:w1', 3, '有告警', 7],
      ['w5', 'sgz-w5', 'k:w5', 3, '有告警', 7],
    ]);
    expect(workerRows(3, [{ id: 1, wechatContactId: 'w1' }], 't', { ...base, dedupeKey: null })[0].dedupeKey).toBeNull();
  });

  it('tells the family in the order given, with a text per contact', () => {
    const fam = [{ id: 4, wechatContactId: 'f4', relation: '儿子' }, { id: 9, wechatContactId: 'f9', relation: '女儿' }];
    const ordered = inEscalationOrder(fam, { familyContactIds: [9, 4], volunteer: null });
    const rows = familyRows(2, ordered, (f) => `您的${f.relation}`, { ...base, dedupeKey: 'a' });
    expect(rows.map((r) => [r.toContactId, r.dedupeKey, r.text, r.toAlias])).toEqual([['f9', 'a:f9', '您的女儿', 'sgz-f9'], ['f4', 'a:f4', '您的儿子', 'sgz-f4']]);
  });

  it('escalates to the next bound family contact, then the volunteer, else the admin alone', () => {
    const fam = [{ id: 1, wechatContactId: 'a' }, { id: 2, wechatContactId: null }, { id: 3, wechatContactId: 'c' }];
    const volunteer = { name: '志愿者', phone: '13800000000' };
    expect(escalationLadder(fam, { familyContactIds: [], volunteer })).toEqual([{ family: fam[2] }, { volunteer }]);
    expect(escalationLadder([fam[0]], { familyContactIds: [], volunteer: null })).toEqual([{ adminOnly: true }]);
    expect(escalationLadder(fam, { familyContactIds: [3], volunteer: null })).toEqual([{ adminOnly: true }]);
  });

  it('builds the keys the sweeps and the tests rely on', () => {
    expect(checkinReminderKey(5, '2026-03-02', 'first')).toBe('checkin:5:2026-03-02:first');
    expect(forFamily(checkinAlarmKey(5, '2026-03-02'), 8)).toBe('checkin:5:2026-03-02:escalate:f8');
    expect(forWorker(alertLevelKey(12, 2), 3)).toBe('alert:12:L2:w3');
  });
});
