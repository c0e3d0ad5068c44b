import { connectDatabase, redactUrl, retryOnDeadlock } from '../../services/db';
import { createLogger } from '../../services/logger';
import { useTestEnv } from '../helpers';

describe('database', () => {
  const env = useTestEnv();

  it('runs a step again when it was a deadlock victim (1213, or 1467 on the AUTO-INC lock), not on other errors', async () => {
    for (const victim of [{ errno: 1213, code: 'ER_LOCK_DEADLOCK' }, { errno: 1467, code: 'ER_AUTOINC_READ_FAILED' }, { driverError: { errno: 1467 } }]) {
      let calls = 0;
      const ok = await retryOnDeadlock(async () => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('victim'), victim);
        return 'done';
      });
      expect([ok, calls]).toEqual(['done', 2]);
    }
    let calls = 0;
    const duplicate = Object.assign(new Error('dup'), { errno: 1062, code: 'ER_DUP_ENTRY' });
    await expect(retryOnDeadlock(async () => {
      calls++;
      throw duplicate;
    })).rejects.toBe(duplicate);
    expect(calls).toBe(1);
  });

  it('retries a database that does not answer, then fails with one clear message', async () => {
    const warnings: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => warnings.push(JSON.parse(line).msg) });
    await expect(
      connectDatabase('mysql://root:secret@127.0.0.1:1/test', logger, { attempts: 2, delayMs: 10 }),
    ).rejects.toThrow(/无法连接数据库.*127\.0\.0\.1:1/);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).not.toContain('secret');
  });

  it('hides passwords in URLs it prints', () => {
    expect(redactUrl('mysql://app:hunter2@db:3306/x')).toBe('mysql://app:***@db:3306/x');
  });

  it('runs transactions concurrently without losing one (serialised on SQLite)', async () => {
    const { ctx } = env();
    await ctx.db.dataSource.query('CREATE TABLE tx_probe (n INT NOT NULL)');
    await ctx.db.dataSource.query('INSERT INTO tx_probe (n) VALUES (0)');
    await Promise.all(
      Array.from({ length: 50 }, () =>
        ctx.db.transaction(async (em) => {
          await em.query('UPDATE tx_probe SET n = n + 1');
        }),
      ),
    );
    const [row] = await ctx.db.dataSource.query('SELECT n FROM tx_probe');
    expect(Number(row.n)).toBe(50);
  });

  it('rolls a failed transaction back', async () => {
    const { ctx } = env();
    await expect(
      ctx.db.transaction(async (em) => {
        await em.query('UPDATE tx_probe SET n = 1000');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [row] = await ctx.db.dataSource.query('SELECT n FROM tx_probe');
    expect(Number(row.n)).toBe(50);
  });
});
