/** What the bot says to workers about home visits. */

const md = (date: string) => {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
};

export const nothingDue = '今天没有到期的走访 👍 走访后回复“走访 姓名 情况”记录，例如“走访 王秀英 情况良好”。';

export function visitNotFound(who: string): string {
  return `没有找到本站居民“${who}”。请回复“走访 姓名 情况”，例如“走访 王秀英 情况良好”。`;
}

export function visitAmbiguous(who: string, candidates: { id: number; communityName: string | null }[], words: string): string {
  const lines = candidates.map((c, i) => `${i + 1}. 编号${c.id}（${c.communityName ?? '未知村'}）`);
  return [`本站有 ${candidates.length} 位“${who}”，请用编号再发一次，例如“走访 ${candidates[0].id} ${words || '情况良好'}”：`, ...lines].join('\n');
}

export function visitRecorded(name: string, date: string, nextDue: string): string {
  return `已记录：${md(date)} 入户走访 ${name} ✅ 下次走访请在${md(nextDue)}前。`;
}
