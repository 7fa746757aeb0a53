import { test, expect, Browser, Page } from '@playwright/test';
import {
  AUTHORIZE_PATH, clearFaults, expectAccessible, feishuClientAgent, recordTraffic, screenshot, setSimFaults,
  simUrl, waitForHydration,
} from './helpers';

// Inside the Feishu client the dashboard signs the person in through the JSSDK (here
// the simulator's stand-in, FEISHU_JSSDK_URL in playwright.config.ts): no authorize
// page, no chooser. An ordinary browser still goes through Feishu's authorize page.

test.afterEach(async () => {
  await clearFaults();
});

/** A page in a fresh context (no session) with the Feishu client's user agent. */
async function feishuClient(browser: Browser, options: { locale?: 'en_US' | 'zh_CN'; width?: number } = {}) {
  const width = options.width ?? 1280;
  const context = await browser.newContext({
    userAgent: feishuClientAgent(options.locale),
    viewport: { width, height: width < 600 ? 844 : 900 },
  });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  return { context, page, traffic: recordTraffic(page), violations };
}

async function expectSignedIn(page: Page, url: RegExp) {
  await expect(page).toHaveURL(url);
  await waitForHydration(page);
  await expect(page.getByTestId('account')).toContainText(/Signed in as|已登录/);
}

test('inside Feishu, opening the dashboard signs in through the JSSDK with no redirect to Feishu', async ({ browser }) => {
  const { context, page, traffic, violations } = await feishuClient(browser);
  const codeAsks: string[] = [];
  page.on('request', (r) => {
    if (r.url() === `${simUrl}/_sim/jssdk/code`) codeAsks.push(JSON.parse(r.postData() ?? '{}').api);
  });
  await page.goto('/?lang=en&range=14d');
  await expectSignedIn(page, /\/\?lang=en&range=14d$/);
  expect(traffic.requests.some((r) => r.includes(AUTHORIZE_PATH)), traffic.requests.join('\n')).toBe(false);
  // The way it went: the deep link, the sign-in page, the deep link again.
  const paths = traffic.navigations.map((u) => new URL(u).pathname + new URL(u).search);
  expect(paths[0]).toBe('/?lang=en&range=14d');
  expect(paths[1]).toMatch(/^\/login\?next=/);
  expect(paths[paths.length - 1]).toBe('/?lang=en&range=14d');
  expect(traffic.requests).toContain(`GET ${simUrl}/_sim/jssdk.js`);
  expect(traffic.requests.filter((r) => r.endsWith('/auth/jssdk'))).toHaveLength(1);
  expect(codeAsks).toEqual(['requestAccess']);
  expect(violations, violations.join('\n')).toEqual([]);
  await context.close();
});

test('an old Feishu client without requestAccess signs in with requestAuthCode', async ({ browser }) => {
  await setSimFaults({ jssdk_old_client: true });
  const { context, page, traffic } = await feishuClient(browser, { locale: 'zh_CN' });
  const codeAsks: string[] = [];
  page.on('request', (r) => {
    if (r.url() === `${simUrl}/_sim/jssdk/code`) codeAsks.push(JSON.parse(r.postData() ?? '{}').api);
  });
  await page.goto('/');
  await expectSignedIn(page, /\/$/);
  expect(codeAsks).toEqual(['requestAuthCode']);
  expect(traffic.requests.some((r) => r.includes(AUTHORIZE_PATH))).toBe(false);
  await context.close();
});

test('a refused consent says so, offers Try again and the browser way, and Try again signs in once allowed', async ({ browser }) => {
  await setSimFaults({ jssdk_refuse: true });
  const { context, page, traffic, violations } = await feishuClient(browser);
  await page.goto('/?lang=en');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('You did not allow Block Insights to use your Feishu account');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Signing in with Feishu');
  const retry = page.getByRole('button', { name: 'Try again' });
  await expect(retry).toBeFocused();
  const browserWay = page.getByRole('link', { name: "Sign in on Feishu's sign-in page instead" });
  await expect(browserWay).toHaveAttribute('href', '/login?next=%2F%3Flang%3Den&browser=1');
  // Before axe and the screenshots, whose own injected styles the page's policy refuses.
  expect(violations, violations.join('\n')).toEqual([]);
  await expectAccessible(page);
  await screenshot(page, 'feishu-client-refused-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await screenshot(page, 'feishu-client-refused-390');

  // Allowed this time: Try again signs in, still without Feishu's authorize page.
  await setSimFaults({ jssdk_refuse: false });
  await retry.click();
  await expectSignedIn(page, /\/\?lang=en$/);
  expect(traffic.requests.some((r) => r.includes(AUTHORIZE_PATH))).toBe(false);
  await context.close();
});

test('the refusal in Chinese on a phone', async ({ browser }) => {
  await setSimFaults({ jssdk_refuse: true });
  const { context, page } = await feishuClient(browser, { locale: 'zh_CN', width: 390 });
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('您没有允许小组件洞察使用您的飞书账号');
  await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
  await expect(page.getByRole('link', { name: '改用飞书登录页登录' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expectAccessible(page);
  await screenshot(page, 'feishu-client-refused-zh-390');
  await context.close();
});

test('an expired code says so, and Try again gets a fresh one', async ({ browser }) => {
  await setSimFaults({ jssdk_expire_codes: true });
  const { context, page } = await feishuClient(browser);
  await page.goto('/?lang=en');
  await expect(page.getByRole('alert')).toHaveText('The sign-in code expired or was used: try again.');
  await setSimFaults({ jssdk_expire_codes: false });
  await page.getByRole('button', { name: 'Try again' }).click();
  await expectSignedIn(page, /\/\?lang=en$/);
  await context.close();
});

test('a browser that only claims to be the Feishu client goes the browser way', async ({ browser }) => {
  await setSimFaults({ jssdk_unavailable: true });
  const { context, page, traffic } = await feishuClient(browser);
  await page.goto('/?lang=en');
  await expectSignedIn(page, /\/\?lang=en$/);
  const authorize = traffic.navigations.filter((u) => u.startsWith(`${simUrl}${AUTHORIZE_PATH}`));
  expect(authorize, traffic.navigations.join('\n')).toHaveLength(1);
  expect(traffic.navigations.some((u) => u.includes('browser=1'))).toBe(true);
  await context.close();
});

test('an ordinary browser still signs in through Feishu\'s authorize page and never loads the JSSDK', async ({ page }) => {
  const traffic = recordTraffic(page);
  await page.goto('/?lang=en&range=7d');
  await expectSignedIn(page, /\/\?lang=en&range=7d$/);
  expect(traffic.navigations.filter((u) => u.startsWith(`${simUrl}${AUTHORIZE_PATH}`))).toHaveLength(1);
  expect(traffic.requests.some((r) => r.includes('/_sim/jssdk'))).toBe(false);
  expect(traffic.requests.some((r) => r.endsWith('/auth/jssdk'))).toBe(false);
});
