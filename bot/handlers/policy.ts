import { isAmountQuestion } from '../../services/policy-amounts';
import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';
import { acknowledgeElderRemark } from './elder-remark';

const MORE = new Set(['详细', '全文', '详情', '看全文', '详细的', '详细点', '详细说说', '具体说说', '更多']);

// Words that make a message a question (or a need) rather than a remark like "好着呢". The
// particles 呢/嘛/么 are left out on purpose: elders end remarks with them ("好着呢", "吃了嘛",
// "挺好的么"); the question words that contain them (什么, 怎么, 干嘛) are matched as words.
const QUESTION = /[?？吗]|怎|咋|啥|什么|干嘛|为何|哪|谁|多少|多久|多长|几[个岁块钱天号点时月年次]|能不能|可不可以|可以不|行不行|有没有|是不是|是否|如何|要不要|会不会|给不给|领不|办不|能否|申请|补贴|补助|救助|政策|报销|手续|条件|标准|流程|想问|请问|咨询|帮帮|没钱|困难/;

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
    await m.reply(policy ? P.policyDetail(policy, await m.ctx.services.policies.amountFor(policy, m.station.county)) : P.policyDetailNone);
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
    const res = await policies.search(m.text, { stationId: m.station.id, limit: 1, count: true });
    if (res.answered) {
      const policy = res.hits[0].policy;
      const amount = await policies.amountFor(policy, m.station.county);
      await m.reply(P.policyAnswer(policy, { amount, amountAsked: isAmountQuestion(m.text), station: m.station }));
      await remember(m, policy.id);
      return;
    }
    if (!looksLikeQuestion(m.compact)) {
      // A chatty answer to the morning reminder ("好着呢") already got its 平安 reply; a later one gets a warm word.
      if (m.checkinAcknowledged || (await acknowledgeElderRemark(m))) return;
      return m.reply(P.notUnderstood());
    }
    // A real question is logged for the workers even when it also confirmed the day.
    await policies.logUnanswered(m.station.id, m.text);
    await m.reply(P.policyUnknown);
  },
};
