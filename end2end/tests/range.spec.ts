import { test, expect } from '@playwright/test';
import { addDays, groundTruth, grouped, screenshot, simToday, waitForHydration } from './helpers';

test('a range chosen in the form shows the simulator\'s rows and totals, without a full reload', async ({ page }) => {
  const today = await simToday();
  const from = addDays(today, -20);
  const to = addDays(today, -14);
  const truth = await groundTruth(from, to);
  expect(truth.length).toBeGreaterThan(0);

  await page.goto('/');
  await waitForHydration(page);
  // A marker on window survives client-side navigation but not a full page load.
  await page.evaluate(() => ((window as any).__sameDocument = true));

  await page.fill('input[name=from]', from);
  await page.fill('input[name=to]', to);
  await page.click('button[type=submit]');

  await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
  const rows = page.locator('[data-testid=rows] tbody tr');
  await expect(rows).toHaveCount(truth.length);
  const pv = truth.reduce((s, r) => s + r.pv, 0);
  const uv = truth.reduce((s, r) => s + r.uv, 0);
  await expect(page.getByTestId('total-pv')).toHaveText(grouped(pv));
  await expect(page.getByTestId('total-uv')).toHaveText(grouped(uv));
  // First and last rows match the ground truth exactly.
  await expect(rows.first().locator('td')).toHaveText([truth[0].date, truth[0].block_id, grouped(truth[0].pv), grouped(truth[0].uv)]);
  const last = truth[truth.length - 1];
  await expect(rows.last().locator('td')).toHaveText([last.date, last.block_id, grouped(last.pv), grouped(last.uv)]);
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
  await screenshot(page, 'range-after-hydration');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the plain form submit renders the numbers on the server', async ({ page }) => {
    const today = await simToday();
    const from = addDays(today, -9);
    const to = addDays(today, -3);
    const truth = await groundTruth(from, to);
    await page.goto('/');
    await page.fill('input[name=from]', from);
    await page.fill('input[name=to]', to);
    await page.click('button[type=submit]');
    await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
    await expect(page.locator('[data-testid=rows] tbody tr')).toHaveCount(truth.length);
    await expect(page.getByTestId('total-pv')).toHaveText(grouped(truth.reduce((s, r) => s + r.pv, 0)));
    await screenshot(page, 'range-without-javascript');
  });
});
