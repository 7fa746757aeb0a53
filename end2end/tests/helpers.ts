import { expect, Page } from '@playwright/test';

/** The simulator's own base URL; its /_sim/ routes are test-only and not part of Feishu's API. */
export const simUrl = `http://127.0.0.1:${process.env.E2E_SIM_PORT}`;

export interface TruthRow { date: string; block_id: string; pv: number; uv: number }

/** The simulator's ground truth for a range (and optional block). */
export async function groundTruth(from: string, to: string, blockId?: string): Promise<TruthRow[]> {
  const params = new URLSearchParams({ from_date: from, to_date: to });
  if (blockId) params.set('block_id', blockId);
  const res = await fetch(`${simUrl}/_sim/ground_truth?${params}`);
  expect(res.ok).toBeTruthy();
  return (await res.json()).items as TruthRow[];
}

/** The simulator's "today" (the last day with data). */
export async function simToday(): Promise<string> {
  const res = await fetch(`${simUrl}/_sim/health`);
  return (await res.json()).today as string;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Waits until the WASM has hydrated the page: interactions before that are lost. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
}

export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}
