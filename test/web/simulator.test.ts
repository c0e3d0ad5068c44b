/** @jest-environment jsdom */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const HTML = readFileSync(path.join(__dirname, '..', '..', 'web', 'simulator.html'), 'utf8');

interface Call { method: string; url: string; body: Record<string, unknown> | null }

/** Loads the simulator page into jsdom with a fake API; returns the calls it made. */
function loadPage(): Call[] {
  const calls: Call[] = [];
  const answers: Record<string, unknown> = {
    '/api/dev/stations': { items: [{ id: 1, name: '沙河镇社工站' }] },
    '/api/dev/contacts': {
      items: [
        { id: 'demo-wangxiuying', name: '王秀英', role: 'resident', label: '王秀英（居民）' },
        { id: 'demo-wangxiaoming', name: '王小明', role: 'family', label: '王小明（王秀英的儿子）' },
        { id: 'demo-worker-shahe', name: '赵敏', role: 'worker', label: '赵敏（社工）' },
      ],
    },
    '/api/dev/sent': { items: [] },
    '/api/dev/chat': { replies: ['收到您的语音啦！'] },
  };
  (global as unknown as { fetch: unknown }).fetch = (url: string, init?: { method?: string; body?: string }) => {
    calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(init.body) : null });
    const body = answers[url.split('?')[0]] ?? {};
    return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) });
  };
  localStorage.clear();
  document.open();
  document.write(HTML.replace('setInterval(function () { poll(true); }, 1000);', ''));
  document.close();
  return calls;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the chat simulator page', () => {
  it('lists the demo contacts (resident, family, worker, newcomer) and talks as the one picked', async () => {
    const calls = loadPage();
    for (let i = 0; i < 5; i++) await flush();
    const who = document.getElementById('who') as HTMLSelectElement;
    const labels = Array.from(who.options, (o) => o.textContent);
    expect(labels).toEqual(['（手动填写）', '新联系人（未绑定）', '王秀英（居民）', '王小明（王秀英的儿子）', '赵敏（社工）']);
    who.value = 'demo-wangxiaoming';
    who.dispatchEvent(new Event('change'));
    expect((document.getElementById('from') as HTMLInputElement).value).toBe('demo-wangxiaoming');
    expect((document.getElementById('name') as HTMLInputElement).value).toBe('王小明');
    who.value = '__new__';
    who.dispatchEvent(new Event('change'));
    expect((document.getElementById('from') as HTMLInputElement).value).toMatch(/^newcomer-/);
    expect(calls.some((c) => c.url.startsWith('/api/dev/contacts?stationId=1'))).toBe(true);
  });

  it('sends a voice note and a picture', async () => {
    const calls = loadPage();
    for (let i = 0; i < 5; i++) await flush();
    (document.getElementById('voice') as HTMLButtonElement).click();
    for (let i = 0; i < 5; i++) await flush();
    (document.getElementById('image') as HTMLButtonElement).click();
    for (let i = 0; i < 5; i++) await flush();
    const sent = calls.filter((c) => c.url === '/api/dev/chat').map((c) => c.body!.kind);
    expect(sent).toEqual(['voice', 'image']);
    expect(document.getElementById('log')!.textContent).toContain('[语音');
    expect(document.getElementById('log')!.textContent).toContain('[图片]');
  });
});
