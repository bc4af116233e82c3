/** Waits until `predicate` holds (checked every 10 ms), or fails after `ms`; resolves with the milliseconds it took. */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<number> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() > started + ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}
