// Words that make a message a question (or a need) rather than a remark like "好着呢". The
// particles 呢/嘛/么 are left out on purpose: elders end remarks with them ("好着呢", "吃了嘛",
// "挺好的么"); the question words that contain them (什么, 怎么, 干嘛) are matched as words.
const QUESTION = /[?？吗]|怎|咋|啥|什么|干嘛|为何|哪|谁|多少|多久|多长|几[个岁块钱天号点时月年次]|能不能|可不可以|可以不|行不行|有没有|是不是|是否|如何|要不要|会不会|给不给|领不|办不|能否|申请|补贴|补助|救助|政策|报销|手续|条件|标准|流程|想问|请问|咨询|帮帮|没钱|困难/;

const PUNCT = /[\s\p{P}\p{S}]/gu;

/** A text without spaces and punctuation, lower-case (what the question test reads). */
export function compactText(text: string): string {
  return text.replace(PUNCT, '').toLowerCase();
}

/** True when a message that found no answer is worth logging as a question for the workers. */
export function looksLikeQuestion(compact: string): boolean {
  return compact.length >= 12 || QUESTION.test(compact);
}
