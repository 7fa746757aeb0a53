import { expect, Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';

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

export const sum = (rows: TruthRow[], key: 'pv' | 'uv') => rows.reduce((s, r) => s + r[key], 0);

/** Per-block PV totals, largest first. */
export function blockTotals(rows: TruthRow[]): [string, number][] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.block_id, (m.get(r.block_id) ?? 0) + r.pv);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The simulator's "today" (the last day with data). */
export async function simToday(): Promise<string> {
  const res = await fetch(`${simUrl}/_sim/health`);
  return (await res.json()).today as string;
}

/** Makes every search answer `code` until cleared. */
export async function forceFeishuError(code: number) {
  const res = await fetch(`${simUrl}/_sim/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }),
  });
  expect(res.ok).toBeTruthy();
}

export async function clearFaults() {
  await fetch(`${simUrl}/_sim/faults`, { method: 'DELETE' });
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Waits until the WASM has hydrated the page: interactions before that are lost. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 60_000 });
}

export function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/** Digits of a grouped number. */
export function ungroup(text: string | null): number {
  return Number((text ?? '').replace(/[^0-9]/g, ''));
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync('screenshots', { recursive: true });
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** Runs axe-core and fails on serious or critical violations, listing them. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}×) ${v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | ')}`);
  expect(report, report.join('\n')).toEqual([]);
}

/** The number in a summary card. */
export async function card(page: Page, id: string): Promise<number> {
  return ungroup(await page.getByTestId(`${id}-value`).textContent());
}

/** Turns on the simulator's fault knobs named in `knobs` (e.g. `{ bot_disabled: true }`) until cleared. */
export async function setSimFaults(knobs: Record<string, unknown>) {
  const res = await fetch(`${simUrl}/_sim/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(knobs),
  });
  expect(res.ok).toBeTruthy();
}

export interface SimMessage { message_id: string; uuid: string | null; msg_type: string; content: any; create_time: string }
export interface SimChat { chat_id: string; name: string; bot_is_member: boolean; messages: SimMessage[] }

/** Every chat of the simulated tenant with what the bot posted to it. */
export async function simChats(): Promise<SimChat[]> {
  const res = await fetch(`${simUrl}/_sim/chats`);
  expect(res.ok).toBeTruthy();
  return (await res.json()).chats as SimChat[];
}

/** A screenshot of one part of the page (a panel), not the whole page. */
export async function screenshotOf(part: Locator, name: string) {
  fs.mkdirSync('screenshots', { recursive: true });
  await part.screenshot({ path: `screenshots/${name}.png` });
}

/** The Feishu desktop client's user agent (its web view), in English or Chinese. */
export function feishuClientAgent(locale: 'en_US' | 'zh_CN' = 'en_US'): string {
  return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Lark/7.30.5 LarkLocale/${locale} ttnet SDK-Version/7.30.5`;
}

/** Every URL the page's main frame navigated to, and every request it made, in order. */
export function recordTraffic(page: Page): { navigations: string[]; requests: string[] } {
  const traffic = { navigations: [] as string[], requests: [] as string[] };
  page.on('request', (request) => {
    traffic.requests.push(`${request.method()} ${request.url()}`);
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) traffic.navigations.push(request.url());
  });
  return traffic;
}

/** The path of Feishu's (and the simulator's) authorize page: the browser way of signing in. */
export const AUTHORIZE_PATH = '/open-apis/authen/v1/authorize';
