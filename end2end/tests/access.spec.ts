import { test, expect } from '@playwright/test';
import { screenshot, simToday, waitForHydration } from './helpers';

const base = `http://127.0.0.1:${process.env.E2E_PORT}`;

test('signing in goes through Feishu and lands on the link that was asked for', async ({ page }) => {
  await page.goto('/?lang=en&range=14d');
  await expect(page).toHaveURL(/\/\?lang=en&range=14d$/);
  await waitForHydration(page);
  await expect(page.getByTestId('account')).toContainText('Signed in as');
  await screenshot(page, 'signed-in');
});

test('an admin creates an API token on the page, sees it once, and revokes it', async ({ page }) => {
  const today = await simToday();
  const api = `${base}/api/v1/block-access?from_date=${today}&to_date=${today}`;
  await page.goto('/?lang=en&range=7d');
  await waitForHydration(page);
  await page.getByTestId('api-tokens').locator('summary').click();
  await page.fill('#token-name', 'portal script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').locator('code').textContent()) ?? '';
  expect(token).toMatch(/^bi_/);
  expect((await fetch(api, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  const row = page.locator('.token-list tr', { hasText: 'portal script' });
  await expect(row).toBeVisible();
  await expect(page.locator('.token-list')).not.toContainText(token);
  await screenshot(page, 'api-token-created');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  expect((await fetch(api, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  expect((await fetch(api)).status).toBe(401);
});

test('signing out ends the session on the server', async ({ page, context }) => {
  await page.goto('/?lang=en');
  await waitForHydration(page);
  const before = (await context.cookies()).find(c => c.name === 'bi_session');
  expect(before?.httpOnly).toBe(true);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signed-out$/);
  await expect(page.locator('h1')).toContainText(/signed out|已退出/);
  // The old cookie, replayed, no longer opens anything.
  const replay = await fetch(`${base}/api/v1/block-access?from_date=2024-01-01&to_date=2024-01-01`, {
    headers: { cookie: `bi_session=${before!.value}` },
  });
  expect(replay.status).toBe(401);
  await screenshot(page, 'signed-out');
});
