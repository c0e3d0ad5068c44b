import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';

const MORE = new Set(['详细', '全文', '详情', '看全文', '详细的', '详细点', '详细说说', '具体说说', '更多']);

// Words that make a message a question (or a need) rather than a remark like "好着呢".
const QUESTION = /[?？吗嘛么呢]|怎|咋|啥|什么|哪|多少|几[个岁块钱天]|能不能|可不可以|有没有|是不是|如何|要不要|会不会|给不给|领不|办不|申请|补贴|补助|救助|政策|报销|手续|条件|标准|流程|想问|请问|咨询|帮帮|没钱|困难/;

/** True when an unanswered message is worth logging as a question for the workers. */
export function looksLikeQuestion(compact: string): boolean {
  return compact.length >= 12 || QUESTION.test(compact);
}

interface PolicyState {
  policy?: { lastId: number };
}

async function remember(m: Inbound, policyId: number): Promise<void> {
  await m.ctx.services.conversations.set(m.station.id, m.contactId, { ...(m.state ?? {}), policy: { lastId: policyId } });
}

/** `详细`: the whole text of the policy last answered in this conversation. */
export const policyDetailHandler: IntentHandler = {
  name: 'policy_detail',
  match: (m) => m.kind === 'text' && MORE.has(m.compact),
  handle: async (m) => {
    const id = (m.state as PolicyState | null)?.policy?.lastId;
    const policy = id ? await m.ctx.services.policies.findForStation(m.station.id, id) : null;
    await m.reply(policy ? P.policyDetail(policy) : P.policyDetailNone);
  },
};

/**
 * A free question (not chit-chat): the best policy with its source, or, when nothing is a confident match, an
 * honest "not sure" with the question logged for the workers and the offer of a person.
 */
export const policyQuestionHandler: IntentHandler = {
  name: 'policy_question',
  match: async (m) => m.kind === 'text' && m.compact.length > 0 && !(await m.ctx.services.policies.isChitChat(m.text)),
  handle: async (m) => {
    const { policies } = m.ctx.services;
    const res = await policies.search(m.text, { stationId: m.station.id, limit: 1 });
    if (res.answered) {
      const policy = res.hits[0].policy;
      await m.reply(P.policyAnswer(policy));
      await remember(m, policy.id);
      return;
    }
    // A chatty answer to the morning reminder ("好着呢") already got its 平安 reply.
    if (m.checkinAcknowledged) return;
    if (!looksLikeQuestion(m.compact)) return m.reply(P.notUnderstood());
    await policies.logUnanswered(m.station.id, m.text);
    await m.reply(P.policyUnknown);
  },
};
