import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';

/** Words of distress: an elder who writes any of these is treated as an emergency. */
export const HELP_WORDS = [
  '救命', '救救', '摔倒', '摔了', '跌倒', '不舒服', '难受', '胸口疼', '胸口痛', '心口疼', '心口痛', '喘不上气', '喘不过气',
  '上不来气', '快来人', '来人啊', '起不来', '头晕', '晕倒', '出血', '流血', '着火', '失火', '急救', '救护车', 'sos', '疼死',
];
// "不难受" / "没有不舒服" are not distress.
const NEGATED = /(不|没有|没|别)(难受|不舒服)/;

// Words that leave no doubt it is happening now, whatever else the message says.
const URGENT_NOW = /救命|救救|快来人|来人啊|sos|急救|救护车|喘不上气|喘不过气|上不来气|起不来|晕倒|疼死|快救/;
// A question about help afterwards ("房子着火了啥都没了", "摔了腿能报销吗") is a policy question, not a call for help.
const AFTERMATH = /申请|补贴|补助|救助|报销|政策|怎么办理|怎么领|能不能领|有没有钱|给不给钱|啥都没了|什么都没了|烧没了|烧光|去年|前年|以前|上个月|之前|后来|住过院|低保|医保/;

/** True when a compact text says distress. */
export function isHelpCall(compact: string): boolean {
  if (!compact) return false;
  if (!HELP_WORDS.some((w) => compact.includes(w))) return false;
  if (!URGENT_NOW.test(compact) && AFTERMATH.test(compact)) return false;
  return !(NEGATED.test(compact) && !HELP_WORDS.filter((w) => w !== '不舒服' && w !== '难受').some((w) => compact.includes(w)));
}

/** Fire is 119, not 120. */
export function isFire(compact: string): boolean {
  return /着火|失火|火灾|烧起来/.test(compact);
}

function who(m: Inbound): string {
  if (m.who.resident) return m.who.resident.name;
  if (m.who.family.length) return `家属${m.who.family[0].name}`;
  return `未绑定联系人“${m.contactName ?? m.contactId}”`;
}

/** A help call: an urgent alert to the workers and the family at once, and the 120 reply. */
export const helpCallHandler: IntentHandler = {
  name: 'help_call',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && isHelpCall(m.compact),
  handle: async (m) => {
    const now = m.ctx.clock.now();
    // Quote what they wrote, as they wrote it (minus control characters and runs of spaces).
    const said = m.raw.replace(/\s+/g, ' ').trim().slice(0, 100);
    const resident = m.who.resident;
    await m.ctx.services.alerts.raiseHelpCall({
      stationId: m.station.id, contactId: m.contactId, residentId: resident?.id ?? null, who: who(m), said,
      workerText: P.helpCallWorkerText(who(m), said, now),
      familyText: resident ? P.helpCallFamilyText(resident.name, said, m.station) : undefined,
    });
    await m.reply(P.helpCallReply(m.station, isFire(m.compact)));
  },
};
