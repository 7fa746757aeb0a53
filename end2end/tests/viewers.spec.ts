import { test, expect, Browser, BrowserContext, Page } from '@playwright/test';
import {
  addDays, card, expectAccessible, groundTruth, screenshot, simToday, simUrl, sum, waitForHydration,
} from './helpers';

/** feishu_sim::DEMO_MEMBER_OPEN_ID: not an admin; the viewer here. */
const MEMBER = 'ou_a9b4c10c302e7d04d5264ac200609920';
/** feishu_sim::DEMO_NO_EMAIL_OPEN_ID: a person of the tenant, neither admin nor viewer. */
const COLLEAGUE = 'ou_7a5bb86ace1bb7dc4856c7fa5d52c3e9';

interface SimWorkplace { id: string; names: [string, string][]; blocks: string[] }

/**
 * A browser of its own, signed in with Feishu as `openId` on the way to `next` (the
 * simulator's sign-in page is told whom to sign in: the e2e simulator signs everyone in
 * as the demo admin otherwise).
 */
async function personAt(browser: Browser, baseURL: string, openId: string, width: number, next = '/'): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width, height: width < 500 ? 844 : 900 } });
  const step = async (url: string) => {
    const res = await context.request.get(url, { maxRedirects: 0 });
    expect(res.status(), url).toBeGreaterThanOrEqual(300);
    return res.headers()['location'];
  };
  const login = next.startsWith('/s/') ? await step(next) : `/login?next=${encodeURIComponent(next)}`;
  const authorize = await step(login);
  const callback = await step(`${authorize}&login_hint=${openId}`);
  await step(callback);
  return context;
}

/** Names `blocks` into `workplace` (or takes the names off, with an empty workplace) as the admin. */
async function nameInto(page: Page, blocks: string[], workplace: string, baseURL: string) {
  for (const [i, block] of blocks.entries()) {
    const res = await page.request.post('/api/block_name', {
      headers: { origin: baseURL, accept: 'application/json' },
      form: { block_id: block, name: workplace ? `e2e viewer block ${i + 1}` : '', workplace },
    });
    expect(res.ok(), `${res.status()} ${await res.text()}`).toBeTruthy();
  }
}

const words = {
  en: { grant: 'Grant', make: 'Make a link', revoke: 'Revoke', shared: 'A read-only view shared by' },
  zh: { grant: '授予', make: '生成链接', revoke: '吊销', shared: '分享的只读视图' },
};

test('an admin grants a workplace and makes a link; the viewer sees that workplace only; the link opens its view', async ({ page, browser, baseURL }) => {
  const today = await simToday();
  const workplaces: SimWorkplace[] = (await (await fetch(`${simUrl}/_sim/workplaces`)).json()).workplaces;
  const [mine, other] = [workplaces[1], workplaces[2]];
  const blocks = mine.blocks.slice(0, 2);
  await page.goto('/?lang=en'); // signs the admin in
  await nameInto(page, blocks, mine.id, baseURL!);
  // Final days only: today's numbers still grow while the test runs.
  const [from, to] = [addDays(today, -29), addDays(today, -1)];
  const view = `from=${from}&to=${to}&workplace=${mine.id}`;
  const truth = (await Promise.all(blocks.map((b) => groundTruth(from, to, b)))).flat();

  for (const [lang, width] of [['en', 1280], ['zh', 390]] as const) {
    const w = words[lang];
    // The admin grants the member the workplace on the viewers page.
    await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
    await page.goto(`/viewers?lang=${lang}`);
    const form = page.getByTestId('viewer-form');
    await form.locator('#viewer-who').fill(MEMBER);
    await form.locator(`input[name="custom_workplace_ids[]"][value="${mine.id}"]`).check();
    await form.getByRole('button', { name: w.grant }).click();
    await expect(page.getByTestId('viewers')).toContainText(MEMBER);
    await expectAccessible(page);
    await screenshot(page, `viewers-${lang}-${width}`);

    // … and makes a read-only link to the workplace's view.
    await page.goto(`/?lang=${lang}&${view}`);
    await waitForHydration(page);
    await page.getByTestId('share').locator('summary').click();
    await page.getByTestId('share').getByRole('button', { name: w.make }).click();
    await waitForHydration(page);
    const url = (await page.getByTestId('new-link').locator('code').textContent())!.trim();
    expect(url).toContain('/s/');
    await expectAccessible(page);
    await screenshot(page, `share-${lang}-${width}`);

    // The viewer signs in and sees that workplace only, by the ground truth.
    const viewer = await personAt(browser, baseURL!, MEMBER, width);
    const theirs = await viewer.newPage();
    await theirs.goto(`/?lang=${lang}&from=${from}&to=${to}`);
    await waitForHydration(theirs);
    await expect.poll(() => card(theirs, 'card-pv')).toBe(sum(truth, 'pv'));
    await expect(theirs.locator('a[href="/digests"]')).toHaveCount(0);
    await expect(theirs.getByTestId('block-names')).toHaveCount(0);
    await expectAccessible(theirs);
    await screenshot(theirs, `viewer-${lang}-${width}`);
    await theirs.goto(`/?lang=${lang}&tab=workplaces&from=${from}&to=${to}`);
    await expect(theirs.getByTestId('workplace-row')).toHaveCount(1);
    await expect(theirs.locator(`[data-workplace-id="${other.id}"]`)).toHaveCount(0);
    await expect(theirs.getByTestId('workplace-cards')).toHaveCount(0);
    await expectAccessible(theirs);

    // A colleague opens the link: exactly its view, and who shared it.
    const linkPath = new URL(url).pathname;
    const colleague = await personAt(browser, baseURL!, COLLEAGUE, width, linkPath);
    const visit = await colleague.newPage();
    await visit.goto(`${linkPath}?lang=${lang}`);
    await waitForHydration(visit);
    await expect(visit).toHaveURL(new RegExp(`workplace=${mine.id}`));
    await expect(visit.getByTestId('visiting')).toContainText(w.shared);
    await expect.poll(() => card(visit, 'card-pv')).toBe(sum(truth, 'pv'));
    await expectAccessible(visit);
    await screenshot(visit, `link-${lang}-${width}`);
    // A wider view asked for in the URL gives the link's view back.
    await visit.goto(`/?lang=${lang}&range=90d`);
    await expect(visit).toHaveURL(new RegExp(`workplace=${mine.id}`));
    await colleague.close();

    // Revoked: the viewer is refused at their next request.
    await page.goto(`/viewers?lang=${lang}`);
    const grant = page.locator(`li.viewer-grant[data-viewer="${MEMBER}"]`);
    await grant.getByRole('button', { name: new RegExp(w.revoke) }).click();
    await expect(grant).toHaveCount(0);
    // Their next request finds no grant: their session ends.
    const after = await viewer.request.get(`/api/v1/block-access?from_date=${from}&to_date=${to}`, { maxRedirects: 0 });
    expect(after.status()).toBe(401);
    await viewer.close();
  }
  await nameInto(page, blocks, '', baseURL!);
});
