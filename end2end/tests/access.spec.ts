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

test('an admin creates an API token on the tokens page, sees it once, and revokes it', async ({ page, context }) => {
  const today = await simToday();
  const api = `${base}/api/v1/block-access?from_date=${today}&to_date=${today}`;
  await page.goto('/?lang=en&range=7d');
  await waitForHydration(page);
  // The header leads to the settings pages, plain server-rendered pages with plain forms.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'API tokens' }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await page.fill('#token-name', 'portal script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').locator('code').textContent()) ?? '';
  expect(token).toMatch(/^bi_/);
  // The token came in the answer's short-lived cookie, not in an address, and that
  // cookie is gone: shown this once.
  expect(page.url()).not.toContain(token);
  expect((await context.cookies()).map(c => c.name)).not.toContain('bi_flash');
  expect((await fetch(api, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  const row = page.locator('.token-list tr', { hasText: 'portal script' });
  await expect(row).toBeVisible();
  await expect(page.locator('.token-list')).not.toContainText(token);
  await screenshot(page, 'api-token-created');
  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(token);
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  expect((await fetch(api, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  expect((await fetch(api)).status).toBe(401);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'api-tokens-phone');
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
