import { test, expect } from '@playwright/test';
import { addDays, expectAccessible, screenshot, simToday, simUrl, ungroup, waitForHydration } from './helpers';

interface Planted { kind: string; block_id: string; date?: string; from?: string }

async function planted(): Promise<Planted[]> {
  return (await (await fetch(`${simUrl}/_sim/anomalies`)).json()).anomalies as Planted[];
}

test('the insights panel says what is unusual, what changed and what nobody uses', async ({ page }) => {
  const today = await simToday();
  const anomalies = await planted();
  const spike = anomalies.find(a => a.kind === 'spike') as Planted;
  const silent = anomalies.find(a => a.kind === 'silent') as Planted;
  expect(spike.date).toBe(addDays(today, -9));
  for (const [lang, width] of [['en', 1280], ['zh', 1280], ['en', 390], ['zh', 390]] as [string, number][]) {
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    await page.goto(`/?lang=${lang}&range=30d`);
    await waitForHydration(page);
    const panel = page.getByTestId('insights');
    await expect(panel.getByTestId('insight-sentences')).toContainText(`${spike.date}`);
    await panel.getByTestId('unusual').locator('summary').click();
    await panel.getByTestId('dormant').locator('summary').click();
    await expect(panel.getByTestId('dormant-list')).toContainText(silent.block_id.slice(-6));
    await screenshot(page, `insights-${lang}-${width < 500 ? 'phone' : 'desktop'}`);
    if (width > 500) await expectAccessible(page);
  }
});

test('the lists sort by a click on their headers, and the dormant window is the admin\'s choice', async ({ page }) => {
  await page.goto('/?lang=en&range=30d');
  await waitForHydration(page);
  const unusual = page.getByTestId('unusual');
  await unusual.locator('summary').click();
  const list = page.getByTestId('unusual-list');
  const scores = async () => (await list.locator('tbody tr td:nth-child(5)').allTextContents()).map(Number);
  await list.getByRole('button', { name: 'Score' }).click();
  let got = await scores();
  expect(got.length).toBeGreaterThan(1);
  expect(got).toEqual([...got].sort((a, b) => b - a));
  await expect(list.locator('th[aria-sort=descending]')).toHaveText('Score');
  await list.getByRole('button', { name: 'Score' }).click();
  got = await scores();
  expect(got).toEqual([...got].sort((a, b) => a - b));
  const views = async () => (await list.locator('tbody tr td:nth-child(3)').allTextContents()).map(ungroup);
  await list.getByRole('button', { name: 'Views' }).click();
  const v = await views();
  expect(v).toEqual([...v].sort((a, b) => b - a));

  const dormant = page.getByTestId('dormant');
  await dormant.locator('summary').click();
  await dormant.locator('input[name=dormant]').fill('7');
  await dormant.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/dormant=7/);
  await expect(page.getByTestId('dormant').locator('.hint').first()).toContainText('the last 7 days');
});

test('an unusual day is ringed on the chart, with the usual range and the score on focus', async ({ page }) => {
  const spike = (await planted()).find(a => a.kind === 'spike') as Planted;
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/?lang=en&range=30d&block=${spike.block_id}`);
  await waitForHydration(page);
  const chart = page.getByTestId('trend');
  await expect(chart.locator('svg circle.marker').first()).toBeAttached();
  const hit = chart.locator('g.hit[aria-label*="Unusual: usually"]').first();
  await hit.focus();
  await expect(hit.locator('.tip')).toBeVisible();
  await expect(hit.locator('.tip')).toContainText('score');
  await screenshot(page, 'insights-marker');
});
