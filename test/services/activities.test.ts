import { Activity } from '../../entities';
import type { Actor } from '../../services/auth';
import { actorOf, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('activities listed by chat (forChat)', () => {
  const env = useTestEnv();

  async function setup() {
    const { ctx } = env();
    const station = await createStation(ctx);
    const wang = await createResident(ctx, { stationId: station.id });
    const li = await createResident(ctx, { stationId: station.id });
    const m = ctx.db.manager;
    const at = (days: number) => new Date(ctx.clock.now().getTime() + days * 86_400_000);
    const activity = (title: string, audience: Activity['audience']) => m.save(Activity, m.create(Activity, {
      stationId: station.id, title, description: '', startsAt: at(2), endsAt: at(2.1), location: '社工站', capacity: null,
      signedUp: 0, signupDeadline: null, audience, kind: 'community', status: 'scheduled', serviceRecordId: null, createdBy: null,
    }));
    await activity('全站活动', { all: true });
    await activity('王的专场', { residentIds: [wang.id] });
    const contact = (residentId: number | null): Actor => ({ kind: 'contact', stationId: station.id, contactId: `c${residentId}`, residentId });
    return { ctx, station, wang, li, contact };
  }

  it('lists a bound resident their audience and anyone else the open ones', async () => {
    const { ctx, wang, contact } = await setup();
    const titles = async (actor: Actor, r: typeof wang | null) => (await ctx.services.activities.forChat(actor, r)).map((a) => a.title);
    expect(await titles(contact(wang.id), wang)).toEqual(['全站活动', '王的专场']);
    expect(await titles(contact(null), null)).toEqual(['全站活动']);
  });

  it("refuses another resident's list, another station's chat and a county admin (the Actor is checked)", async () => {
    const { ctx, wang, li, contact } = await setup();
    await expect(ctx.services.activities.forChat(contact(li.id), wang)).rejects.toMatchObject({ status: 404 });
    const other = await createStation(ctx);
    await expect(ctx.services.activities.forChat({ kind: 'contact', stationId: other.id, contactId: 'x', residentId: wang.id }, wang)).rejects.toMatchObject({ status: 404 });
    const county = await createWorker(ctx, { role: 'county_admin' });
    await expect(ctx.services.activities.forChat(actorOf(county), null)).rejects.toMatchObject({ status: 403 });
  });
});
