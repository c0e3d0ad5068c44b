import type { MiniappBinding, FollowedElder } from '../../services/miniapp';
import { toIso } from '../../services/time';
import { presentOwnResident } from './people';

/** What a binding code bound: the own record (the documented resident shape) or a family contact. */
export function presentBinding(b: MiniappBinding, today: string) {
  if (b.kind === 'resident') return { boundAs: 'resident' as const, ...presentOwnResident(b.resident, today) };
  return {
    boundAs: 'family' as const, familyContactId: b.contact.id, name: b.contact.name, relation: b.contact.relation,
    elder: { residentId: b.elder.id, name: b.elder.name },
  };
}

/** An elder a family member follows: the name and today's check-in state, nothing more personal. */
export function presentFollowed(f: FollowedElder) {
  return {
    familyContactId: f.contact.id, relation: f.contact.relation, residentId: f.elder.id, name: f.elder.name,
    today: { date: f.today.date, status: f.today.status, confirmedAt: toIso(f.today.confirmedAt) },
  };
}
