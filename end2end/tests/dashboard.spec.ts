import { test, expect } from '@playwright/test';
import {
  addDays, blockTotals, card, clearFaults, forceFeishuError, groundTruth, screenshot, simToday, sum, ungroup, waitForHydration,
} from './helpers';

test('presets and keyboard shortcuts choose ranges; ← and → step by period', async ({ page }) => {
  const today = await simToday();
  await page.goto('/?lang=en');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Last 7 days', exact: true }).click();
  await expect(page).toHaveURL(/range=7d/);
  expect(await card(page, 'card-pv')).toBe(sum(await groundTruth(addDays(today, -6), today), 'pv'));

  // Each choice loads the next page from the server: its keys work once it is interactive.
  await waitForHydration(page);
  await page.keyboard.press('4');
  await expect(page).toHaveURL(/range=90d/);
  await expect.poll(() => card(page, 'card-pv')).toBe(sum(await groundTruth(addDays(today, -89), today), 'pv'));

  await waitForHydration(page);
  await page.keyboard.press('ArrowLeft');
  const [from, to] = [addDays(today, -179), addDays(today, -90)];
  await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`));
  await expect.poll(() => card(page, 'card-pv')).toBe(sum(await groundTruth(from, to), 'pv'));
  await waitForHydration(page);
  await page.keyboard.press('ArrowRight');
  await expect(page).toHaveURL(new RegExp(`from=${addDays(today, -89)}&to=${today}`));
  await waitForHydration(page);
  await page.keyboard.press('c');
  await expect(page.locator('#range-from')).toBeFocused();
  await page.locator('#range-from').blur();
  await page.keyboard.press('/');
  await expect(page.locator('#block-search')).toBeFocused();
  await expect(page.getByTestId('block-filter')).toHaveAttribute('open', '');
  await page.locator('#block-search').blur();
  await page.keyboard.press('?');
  await expect(page.locator('#shortcut-help')).toBeVisible();
  await screenshot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(page.locator('#shortcut-help')).toBeHidden();
  // The help's own button folds and unfolds it too, saying which it is.
  const helpButton = page.locator('button[aria-controls=shortcut-help]');
  await helpButton.click();
  await expect(page.locator('#shortcut-help')).toBeVisible();
  await expect(helpButton).toHaveAttribute('aria-expanded', 'true');
  await helpButton.click();
  await expect(page.locator('#shortcut-help')).toBeHidden();
  await expect(helpButton).toHaveAttribute('aria-expanded', 'false');
});

test('today is drawn as incomplete', async ({ page }) => {
  await page.goto('/?lang=en&range=7d');
  await waitForHydration(page);
  await expect(page.locator('.incomplete-badge')).toBeVisible();
  await page.getByText('Show as a table').click();
  await expect(page.locator('[data-testid=trend-table] tbody tr').last()).toHaveClass(/incomplete/);
  await expect(page.locator('[data-testid=trend] svg .incomplete').first()).toBeAttached();
  await screenshot(page, 'today-incomplete');
});

test('the block filter searches by id on the server and filters to the ticked blocks', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -30), addDays(today, -2)];
  const truth = await groundTruth(from, to);
  const [[a], [b]] = blockTotals(truth);
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  await page.getByTestId('block-filter').locator('summary').click();
  const search = page.locator('#block-search');
  await search.fill(a.slice(0, 12));
  await search.press('Enter');
  // The server's search: the page comes back with the filter open on what matches.
  await expect(page).toHaveURL(new RegExp(`find=${a.slice(0, 12)}`));
  await expect(page.getByTestId('block-filter')).toHaveAttribute('open', '');
  await expect(page.locator('.block-options li')).toHaveCount(1);
  await page.locator(`.block-options input[value="${a}"]`).check();
  await page.getByTestId('block-filter').getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`block=${a}`));
  // A second search keeps the ticked block, ticked, beside what it finds.
  await page.getByTestId('block-filter').locator('summary').click();
  await page.locator('#block-search').fill(b);
  await page.locator('#block-search').press('Enter');
  await expect(page.locator(`.block-options input[value="${a}"]`)).toBeChecked();
  await page.locator(`.block-options input[value="${b}"]`).check();
  await screenshot(page, 'block-filter-search');
  await page.getByTestId('block-filter').getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`block=${a}&block=${b}|block=${b}&block=${a}`));
  const expected = sum(truth.filter(r => r.block_id === a || r.block_id === b), 'pv');
  await expect.poll(() => card(page, 'card-pv')).toBe(expected);
  await expect(page.getByTestId('block-filter').locator('summary')).toContainText('2 blocks');
  await screenshot(page, 'block-filter-applied');
});

test('a name given on the page shows in the filter, the table, the chart and the exports', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -12), addDays(today, -5)];
  const truth = await groundTruth(from, to);
  const [[top]] = blockTotals(truth);
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  // An unnamed block is named in its row of the table.
  const row = page.getByTestId('blocks-table').locator(`tbody tr[data-block="${top}"]`);
  await row.getByText('Name it').click();
  const form = row.locator('form.name-form');
  await form.locator('input[name=name]').fill('审批中心 Approvals');
  await form.locator('input[name=workplace]').fill('Office');
  await form.getByRole('button', { name: 'Save' }).click();
  // A plain post: back on the same view, at the form, which says it is saved; named,
  // the block's form is in the names panel now.
  await expect(page).toHaveURL(new RegExp(`/\\?lang=en&from=${from}&to=${to}#inline-name-form-${top}$`));
  const renamed = page.getByTestId('block-names').locator(`form.name-form[data-block="${top}"]`);
  await expect(renamed.locator('input[name=name]')).toHaveValue('审批中心 Approvals');
  // Where the browser comes back: the form in view (the viewport, not the whole page).
  await page.screenshot({ path: 'screenshots/block-name-saved.png' });
  await expect(page.getByTestId('blocks-table').locator('tbody tr').first()).toContainText('审批中心 Approvals');
  await expect(page.getByTestId('top-blocks').locator('svg')).toContainText('审批中心 Approvals');
  await page.getByTestId('block-filter').locator('summary').click();
  await expect(page.locator('.block-options')).toContainText('审批中心 Approvals');
  const csv = await (await page.request.get(await page.getByTestId('export-csv').getAttribute('href') as string)).text();
  expect(csv).toContain(`${top},审批中心 Approvals,`);
  await screenshot(page, 'block-named');
});

test('summary cards compare with the previous period and a year earlier', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -13), addDays(today, -7)];
  const now = sum(await groundTruth(from, to), 'pv');
  const before = sum(await groundTruth(addDays(from, -7), addDays(to, -7)), 'pv');
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  const change = ((now - before) / before) * 100;
  const text = `${change >= 0 ? '+' : '\u2212'}${Math.abs(change).toFixed(1)}% vs previous period`;
  await expect(page.getByTestId('card-pv')).toContainText(text);
  await expect(page.getByTestId('card-pv')).toContainText('vs a year earlier');
  await expect(page.getByTestId('card-uv-sum')).toContainText('do not add up');
  await screenshot(page, 'cards');
});

test('hovering or focusing the chart shows exact values; the table alternative has them too', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -6), addDays(today, -2)];
  const truth = await groundTruth(from, to);
  const firstDay = truth.filter(r => r.date === from);
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  const hit = page.locator('[data-testid=trend] .hit').first();
  await hit.focus();
  const label = await hit.getAttribute('aria-label');
  expect(label).toContain(sum(firstDay, 'pv').toLocaleString('en-US'));
  await expect(hit.locator('.tip')).toBeVisible();
  await screenshot(page, 'chart-focus');
  // A redraw for another width (the window resized) keeps the focused point and its tip.
  const drawnWidth = () => page.locator('[data-testid=trend] svg').first().evaluate(s => s.getAttribute('viewBox')?.split(' ')[2]);
  const before = await drawnWidth();
  await page.setViewportSize({ width: 900, height: 800 });
  await expect.poll(drawnWidth).not.toBe(before);
  expect(await page.evaluate(() => document.activeElement?.matches('[data-testid=trend] .hit') ?? false), 'the focus stays on the point').toBe(true);
  await expect(page.locator('[data-testid=trend] .hit:focus .tip')).toBeVisible();
  expect(await page.locator('[data-testid=trend] .hit:focus').getAttribute('aria-label')).toBe(label);
  await page.getByText('Show as a table').click();
  const cells = page.locator('[data-testid=trend-table] tbody tr').first().locator('td');
  expect(ungroup(await cells.nth(0).textContent())).toBe(sum(firstDay, 'pv'));
  expect(ungroup(await cells.nth(1).textContent())).toBe(sum(firstDay, 'uv'));
});

test('the block table sorts by its columns and a click on a row filters to that block', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -20), addDays(today, -10)];
  const totals = blockTotals(await groundTruth(from, to));
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  const rows = page.getByTestId('blocks-table').locator('tbody tr');
  await expect(rows.first()).toHaveAttribute('data-block', totals[0][0]);
  await page.getByTestId('blocks-table').getByRole('link', { name: 'PV ↓' }).click();
  await expect(page).toHaveURL(/sort=pv/);
  await expect(rows.first()).toHaveAttribute('data-block', totals[totals.length - 1][0]);
  await screenshot(page, 'table-sorted');
  const target = totals[totals.length - 1][0];
  await rows.first().locator('td').first().click();
  await expect(page).toHaveURL(new RegExp(`block=${target}`));
  await expect.poll(() => card(page, 'card-pv')).toBe(totals[totals.length - 1][1]);
});

test('exports: CSV of the view and the charts as SVG files', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -5), addDays(today, -3)];
  const truth = await groundTruth(from, to);
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  const csvResponse = await page.request.get(await page.getByTestId('export-csv').getAttribute('href') as string);
  const csv = (await csvResponse.text()).replace(/^\uFEFF/, '').trim().split('\n');
  expect(csv[0]).toBe('date,block_id,block_name,pv,uv');
  expect(csv.length - 1).toBe(truth.length);
  for (const id of ['export-trend', 'export-top']) {
    const res = await page.request.get(await page.getByTestId(id).getAttribute('href') as string);
    expect(res.headers()['content-type']).toContain('image/svg+xml');
    expect(await res.text()).toContain('<svg');
  }
  await screenshot(page, 'exports');
});

test('every choice lives in the URL: reload keeps it, back steps through it', async ({ page }) => {
  await page.goto('/?lang=en');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Last 14 days', exact: true }).click();
  await expect(page).toHaveURL(/range=14d/);
  await page.getByRole('link', { name: 'This month', exact: true }).click();
  await expect(page).toHaveURL(/range=month/);
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByRole('link', { name: 'This month', exact: true })).toHaveAttribute('aria-current', 'page');
  await page.goBack();
  await expect(page).toHaveURL(/range=14d/);
  await expect(page.getByRole('link', { name: 'Last 14 days', exact: true })).toHaveAttribute('aria-current', 'page');
  await screenshot(page, 'url-state');
});

test('Chinese and English: switchable, with dates and numbers formatted for the language', async ({ page }) => {
  await page.goto('/?range=7d&lang=en');
  await waitForHydration(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: '中文' }).click();
  await expect(page).toHaveURL(/lang=zh/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByTestId('card-pv')).toContainText('访问次数');
  await expect(page.getByTestId('range-title')).toContainText('年');
  await expect(page.getByTestId('card-pv-value')).toHaveText(/^\d{1,3}(,\d{3})*$/);
  await screenshot(page, 'chinese');
});

test('a long fetch shows a progress bar on the page on screen, its numbers marked stale, then exact numbers', async ({ page }) => {
  const today = await simToday();
  // Two years back: not cached by any other test.
  const [from, to] = [addDays(today, -729), addDays(today, -366)];
  await page.goto('/?lang=en&range=7d');
  await waitForHydration(page);
  // While the browser waits for the next page, Playwright cannot query the one on screen:
  // the page reports what its progress bar says as it changes.
  const seen: { text: string; stale: boolean; busy: string | null }[] = [];
  await page.exposeFunction('reportProgress', (text: string, stale: boolean, busy: string | null) => {
    seen.push({ text, stale, busy });
  });
  await page.evaluate(() => {
    const report = (window as unknown as { reportProgress: (t: string, s: boolean, b: string | null) => void }).reportProgress;
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid=progress]');
      const stale = document.querySelector('.content')?.classList.contains('stale') ?? false;
      if (bar && !bar.classList.contains('hidden')) report(bar.textContent ?? '', stale, document.querySelector('main')!.getAttribute('aria-busy'));
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.fill('[data-testid=custom-range] input[name=from]', from);
  await page.fill('[data-testid=custom-range] input[name=to]', to);
  await page.click('[data-testid=custom-range] button[type=submit]', { noWaitAfter: true });
  await expect.poll(() => seen.some(s => /page \d+ of about \d+/.test(s.text) && s.stale && s.busy === 'true'), { timeout: 30_000 })
    .toBe(true);
  const pages = seen.map(s => Number(/page (\d+)/.exec(s.text)?.[1] ?? 0));
  expect(pages, 'the count of pages fetched only grows').toEqual([...pages].sort((a, b) => a - b));
  await expect(page).toHaveURL(new RegExp(`from=${from}&to=${to}`), { timeout: 60_000 });
  await waitForHydration(page);
  await expect(page.getByTestId('progress')).toBeHidden();
  expect(await card(page, 'card-pv')).toBe(sum(await groundTruth(from, to), 'pv'));
  // The server took the page's ticket and cleared it: a reload is not tied to it.
  expect((await page.context().cookies()).map(c => c.name)).not.toContain('bi_ticket');
});

test('a Feishu error is explained in plain words with the fix, and no numbers are shown', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -760), addDays(today, -740)];
  await forceFeishuError(99991672);
  try {
    await page.goto(`/?lang=en&from=${from}&to=${to}`);
    const error = page.getByTestId('error');
    await expect(error).toContainText('workplace:workplace_using_data:read');
    await expect(page.getByTestId('card-pv')).toHaveCount(0);
    await screenshot(page, 'feishu-error');
  } finally {
    await clearFaults();
  }
  await page.getByRole('link', { name: 'Try again' }).click();
  await expect.poll(() => card(page, 'card-pv')).toBe(sum(await groundTruth(from, to), 'pv'));
});
