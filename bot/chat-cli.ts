import readline from 'node:readline';

/**
 * `npm run chat [-- --from wang --name 王奶奶 --station 1]`: talk to a running instance's bot from
 * the terminal, as a WeChat contact, through the simulator endpoints (/api/dev/chat, /api/dev/sent).
 */
interface Args {
  from: string;
  name?: string;
  station?: number;
  base: string;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const from = get('--from') ?? 'cli-user';
  if (/[@\s]/.test(from)) {
    console.error('--from 不能含 @ 或空白 / must not contain @ or spaces');
    process.exit(2);
  }
  const station = get('--station');
  return {
    from, name: get('--name'), station: station ? Number(station) : undefined,
    base: get('--url') ?? `http://localhost:${process.env.PORT ?? 3000}`,
  };
}

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `HTTP ${res.status}`);
  return json;
}

/** Lines that send a voice note or a picture instead of words. */
const MEDIA: Partial<Record<string, 'voice' | 'image'>> = { '/语音': 'voice', '/voice': 'voice', '/图片': 'image', '/image': 'image' };

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let after = 0;
  const pending: string[] = [];
  let stationName = '';
  try {
    const stations = await call<{ items: { id: number; name: string }[] }>(args.base, 'GET', '/api/dev/stations');
    const chosen = args.station ? stations.items.find((s) => s.id === args.station) : stations.items[0];
    if (!chosen) throw new Error(args.station ? `没有站点 ${args.station}` : '还没有站点');
    args.station = chosen.id;
    stationName = chosen.name;
    // Skip what was sent before this session.
    const old = await call<{ items: { id: number }[] }>(args.base, 'GET', `/api/dev/sent?to=${encodeURIComponent(args.from)}`);
    after = old.items.at(-1)?.id ?? 0;
  } catch (err) {
    console.error(`连不上 ${args.base}：${(err as Error).message}\n请先在另一个终端运行 npm start。`);
    process.exit(1);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: `${args.name ?? args.from}> ` });
  const print = (text: string, pushed: boolean) => {
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
    const label = pushed ? '助手（主动推送）' : '助手';
    console.log(text.split('\n').map((l, i) => (i ? ' '.repeat(label.length * 2 + 2) : `${label}: `) + l).join('\n'));
    rl.prompt(true);
  };
  let polling = false;
  const poll = async () => {
    if (polling) return;
    polling = true;
    try {
      const res = await call<{ items: { id: number; text: string }[] }>(args.base, 'GET', `/api/dev/sent?to=${encodeURIComponent(args.from)}&after=${after}`);
      for (const m of res.items) {
        after = Math.max(after, m.id);
        const reply = pending[0] === m.text;
        if (reply) pending.shift();
        print(m.text, !reply);
      }
    } catch {
      // The server went away for a moment; the next poll tries again.
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), 1000);
  console.log(`以 ${args.name ?? args.from}（${args.from}）的身份和 ${stationName} 聊天。输入消息回车发送；/语音 发一条语音，/图片 发一张图片；Ctrl+C 退出。`);
  rl.prompt();
  rl.on('line', async (line) => {
    if (!line.trim()) return rl.prompt();
    const kind = MEDIA[line.trim().toLowerCase()] ?? 'text';
    try {
      const res = await call<{ replies: string[] }>(args.base, 'POST', '/api/dev/chat', {
        from: args.from, name: args.name, text: kind === 'text' ? line : '', kind, stationId: args.station,
      });
      pending.push(...res.replies);
      await poll();
    } catch (err) {
      console.log(`（发送失败：${(err as Error).message}）`);
    }
    rl.prompt();
  });
  rl.on('close', () => {
    clearInterval(timer);
    process.exit(0);
  });
}

void main();
