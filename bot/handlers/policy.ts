import { isAmountQuestion } from '../../services/policy-amounts';
import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';
import { acknowledgeElderRemark } from './elder-remark';
import { actorOf } from '../actor';

const MORE = new Set(['详细', '全文', '详情', '看全文', '详细的', '详细点', '详细说说', '具体说说', '更多']);

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
    const policy = id ? await m.ctx.services.policies.findForStation(actorOf(m), m.station.id, id) : null;
    await m.reply(policy ? P.policyDetail(policy, await m.ctx.services.policies.amountFor(policy, m.station.county)) : P.policyDetailNone);
  },
};

/**
 * A free question (not chit-chat): the best policy with its source, or, when nothing is a confident match, an
 * honest "not sure" with the question logged for the workers and the offer of a person.
 */
export const policyQuestionHandler: IntentHandler = {
  name: 'policy_question',
  match: async (m) => m.kind === 'text' && m.compact.length > 0 && !(await m.ctx.services.policyIndex.isChitChat(m.text)),
  handle: async (m) => {
    // One service call decides whether it was answered and whether it is logged for the workers.
    const res = await m.ctx.services.policyAnswers.answer(actorOf(m), m.station.id, m.text, { limit: 1 });
    if (res.answered) {
      const policy = res.hits[0].policy;
      const amount = await m.ctx.services.policies.amountFor(policy, m.station.county);
      await m.reply(P.policyAnswer(policy, { amount, amountAsked: isAmountQuestion(m.text), station: m.station }));
      await remember(m, policy.id);
      return;
    }
    if (!res.question) {
      // A chatty answer to the morning reminder ("好着呢") already got its 平安 reply; a later one gets a warm word.
      if (m.checkinAcknowledged || (await acknowledgeElderRemark(m))) return;
      return m.reply(P.notUnderstood());
    }
    // A real question is logged for the workers (by `answer`) even when it also confirmed the day.
    await m.reply(P.policyUnknown);
  },
};
