/** Runs `n` tasks with `clients` at a time; returns the rate per second and the statuses. */
export async function pool(n: number, clients: number, task: (i: number) => Promise<number>): Promise<{ perSecond: number; ms: number; statuses: Record<string, number> }> {
  let next = 0;
  const statuses: Record<string, number> = {};
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < n) {
      const i = next++;
      const s = String(await task(i));
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
  }));
  const ms = performance.now() - t0;
  return { perSecond: Math.round((n / ms) * 1000), ms: Math.round(ms), statuses };
}
