import { test, expect, Page } from '@playwright/test';
import { addDays, expectAccessible, screenshot, TruthRow, ungroup, waitForHydration } from './helpers';

/**
 * A large tenant: 2,000 blocks in 80 workplaces, its own simulator and server (ports
 * E2E_LARGE_PORT and E2E_LARGE_SIM_PORT, set by scripts/test). The page carries a page of
 * the table and what the searches find, whatever the tenant's size: paging, sorting and
 * searching are the server's, in the URL, and every number is the simulator's.
 */
const port = process.env.E2E_LARGE_PORT;
const simPort = process.env.E2E_LARGE_SIM_PORT;
const base = `http://127.0.0.1:${port}`;
const sim = `http://127.0.0.1:${simPort}`;

test.skip(!port || !simPort, 'the large tenant runs through scripts/test (E2E_LARGE_PORT)');

async function today(): Promise<string> {
  return (await (await fetch(`${sim}/_sim/health`)).json()).today as string;
}

async function truth(from: string, to: string, block?: string): Promise<TruthRow[]> {
  const params = new URLSearchParams({ from_date: from, to_date: to });
  if (block) params.set('block_id', block);
  const res = await fetch(`${sim}/_sim/ground_truth?${params}`);
  expect(res.ok).toBeTruthy();
  return (await res.json()).items as TruthRow[];
}

/** Blocks by PV over the rows, most first (ties by id), as the table orders them. */
function byViews(rows: TruthRow[]): [string, number][] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.block_id, (m.get(r.block_id) ?? 0) + r.pv);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

async function tableBlocks(page: Page): Promise<string[]> {
  return page.getByTestId('blocks-table').locator('tbody tr[data-block]').evaluateAll(rows => rows.map(r => r.getAttribute('data-block') as string));
}

/** The bytes of the page's HTML as Chromium received it (compressed) and as rendered. */
async function htmlWeight(page: Page, url: string): Promise<{ transferred: number; html: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let transferred = 0;
  let documentId = '';
  cdp.on('Network.responseReceived', (e: { requestId: string; type: string }) => { if (e.type === 'Document') documentId = e.requestId; });
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => { if (e.requestId === documentId) transferred = e.encodedDataLength; });
  const response = await page.goto(url);
  const html = (await response!.body()).length;
  await waitForHydration(page);
  await cdp.detach();
  return { transferred, html };
}

for (const [lang, width, nth] of [['en', 1280, 700], ['zh', 390, 701]] as const) {
  test(`2,000 blocks, ${lang} at ${width} px: a bounded page whose table pages, sorts and searches on the server`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const day = await today();
    const [from, to] = [addDays(day, -29), addDays(day, -2)];
    const rows = await truth(from, to);
    const blocks = byViews(rows);
    expect(blocks.length).toBeGreaterThan(1000);
    const view = `/?lang=${lang}&from=${from}&to=${to}`;
    await page.goto(base + view); // signs in (the simulator signs the demo admin in at once)
    await waitForHydration(page);
    const weight = await htmlWeight(page, base + view);
    console.log(`2,000-block page (${blocks.length} with visits) in ${lang} at ${width} px: ${(weight.html / 1024).toFixed(1)} KB of HTML, ${(weight.transferred / 1024).toFixed(1)} KB transferred`);
    expect(weight.html).toBeLessThan(250 * 1024);

    // The first page: the 50 most viewed, as the ground truth orders them.
    expect(await tableBlocks(page)).toEqual(blocks.slice(0, 50).map(([id]) => id));
    await expect(page.getByTestId('table-count')).toContainText(lang === 'en' ? `of ${blocks.length.toLocaleString('en-US')} blocks` : `共 ${blocks.length.toLocaleString('en-US')} 个小组件`);
    await expectAccessible(page);
    await screenshot(page, `large-${lang}-${width}`);

    // The next page, then sorted by name (A to Z: unnamed blocks by id), from the server.
    await page.getByTestId('table-pager').locator('a[rel=next]').click();
    await expect(page).toHaveURL(/page=2/);
    expect(await tableBlocks(page)).toEqual(blocks.slice(50, 100).map(([id]) => id));
    await page.getByTestId('blocks-table').locator('thead th').first().locator('a').click();
    await expect(page).toHaveURL(/sort=name/);
    await expect(page).not.toHaveURL(/page=/);
    expect(await tableBlocks(page)).toEqual(blocks.map(([id]) => id).sort().slice(0, 50));

    // Searched by the last digits of a block far down the list (another for each test:
    // the first names its block).
    const [wanted, wantedPv] = blocks[nth];
    const digits = wanted.slice(-7);
    await page.locator('#table-search').fill(digits);
    await page.locator('#table-search').press('Enter');
    await expect(page).toHaveURL(new RegExp(`q=${digits}`));
    const found = await tableBlocks(page);
    expect(found).toContain(wanted);
    expect(found.every(id => id.includes(digits))).toBeTruthy();
    await screenshot(page, `large-search-${lang}-${width}`);

    // Named where it was found: the name shows in its row, and a search by the name finds it.
    const name = `${lang === 'en' ? 'Leave requests' : '请假申请'} ${width}`;
    const row = page.getByTestId('blocks-table').locator(`tbody tr[data-block="${wanted}"]`);
    await row.getByTestId('name-inline').locator('summary').click();
    await row.locator('input[name=name]').fill(name);
    await row.locator('input[name=workplace]').fill('HR');
    await row.getByRole('button', { name: lang === 'en' ? 'Save' : '保存' }).click();
    await expect(page.getByTestId('blocks-table').locator(`tbody tr[data-block="${wanted}"] th a`)).toHaveText(name);
    await page.locator('#table-search').fill(name);
    await page.locator('#table-search').press('Enter');
    expect(await tableBlocks(page)).toEqual([wanted]);

    // The filter's search finds it by name; filtered to it, the cards are its numbers.
    await page.getByTestId('block-filter').locator('summary').click();
    await page.locator('#block-search').fill(name);
    await page.locator('#block-search').press('Enter');
    await expect(page.getByTestId('block-filter')).toHaveAttribute('open', '');
    await page.locator(`.block-options input[value="${wanted}"]`).check();
    await screenshot(page, `large-filter-${lang}-${width}`);
    await page.getByTestId('block-filter').locator('.filter-actions button').click();
    await expect(page).toHaveURL(new RegExp(`block=${wanted}`));
    expect(ungroup(await page.getByTestId('card-pv-value').textContent())).toBe(wantedPv);
    await expectAccessible(page);
  });
}
