import type { ResidentTag } from '../entities';
import { ageOn } from './idnumber';

const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '令狐', '夏侯', '端木', '独孤', '南宫', '西门'];
const ELDER_TAGS: ReadonlySet<string> = new Set<ResidentTag>(['empty_nest_elder', 'living_alone', 'left_behind_elder']);
/** From this age a resident is addressed as 奶奶 / 爷爷. */
const ELDER_AGE = 60;

/** Who is being addressed: what the reminders and the bot's replies both know of them. */
export interface AddressRef {
  name: string;
  gender: 'male' | 'female' | null;
  birthDate?: string | null;
  tags?: readonly string[] | null;
  /** Holds a check-in plan (then, with no known age, they are taken for an elder). */
  planHolder?: boolean;
}

/** A Chinese name's surname (compound surnames such as 欧阳 included). */
export function surname(name: string): string {
  return COMPOUND_SURNAMES.find((s) => name.startsWith(s)) ?? name.slice(0, 1);
}

/**
 * The one way to address a resident, for the reminders and the bot's replies alike: an elder (60
 * or older; with no known age, tagged as an elder or holding a check-in plan) whose gender is known
 * is 王奶奶 / 欧阳爷爷; anyone else is called by name.
 */
export function addressResident(r: AddressRef, today: string): string {
  const age = r.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(r.birthDate) ? ageOn(r.birthDate, today) : null;
  const elder = age !== null ? age >= ELDER_AGE : Boolean(r.planHolder) || (r.tags ?? []).some((t) => ELDER_TAGS.has(t));
  if (!r.gender || !elder) return r.name;
  return `${surname(r.name)}${r.gender === 'female' ? '奶奶' : '爷爷'}`;
}
