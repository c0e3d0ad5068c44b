import { isAmountQuestion } from '../../services/policy-amounts';

describe('amount questions', () => {
  it('knows a question about how much money from one about how long, how old or what criteria', () => {
    for (const q of ['高龄补贴多少钱', '今年医保交多少钱', '一个月能领几百块', '低保标准是多少', '养老金每月有多少', '残疾补贴好多钱一个月']) {
      expect(isAmountQuestion(q)).toBe(true);
    }
    for (const q of ['低保咋申请', '评残有什么标准', '几岁能领高龄津贴', '养老保险要交多少年', '办下来要多久']) {
      expect(isAmountQuestion(q)).toBe(false);
    }
  });
});
