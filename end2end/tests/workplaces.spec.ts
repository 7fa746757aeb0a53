import { test, expect, Page } from '@playwright/test';
import {
  addDays, blockTotals, card, expectAccessible, groundTruth, screenshot, simToday, simUrl, sum, ungroup, waitForHydration,
} from './helpers';

interface SimWorkplace { id: string; names: [string, string][]; blocks: string[] }

async function simWorkplaces(): Promise<SimWorkplace[]> {
  return (await (await fetch(`${simUrl}/_sim/workplaces`)).json()).workplaces as SimWorkplace[];
}

async function truthOf(path: string, from: string, to: string): Promise<any[]> {
  const res = await fetch(`${simUrl}/_sim/ground_truth/${path}?from_date=${from}&to_date=${to}`);
  expect(res.ok).toBeTruthy();
  return (await res.json()).items;
}

const nameIn = (w: SimWorkplace, lang: string) => (w.names.find(([l]) => l === lang) ?? w.names[0])[1];

async function atWidth(page: Page, width: number, name: string) {
  await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
  await screenshot(page, name);
}

test('the workplace tab shows all, default and custom workplaces with their real names', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -29), addDays(today, -1)];
  const totals = await truthOf('workplace_access', from, to);
  const custom = await truthOf('custom_workplace_access', from, to);
  const workplaces = await simWorkplaces();
  for (const lang of ['en', 'zh']) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/?lang=${lang}&tab=workplaces&from=${from}&to=${to}`);
    await waitForHydration(page);
    const value = async (id: string) => ungroup(await page.getByTestId(id).locator('.card-value').textContent());
    expect(await value('card-all-pv')).toBe(totals.reduce((s, d) => s + d.all_workplace.pv, 0));
    expect(await value('card-default-uv')).toBe(totals.reduce((s, d) => s + d.default_workplace.uv, 0));
    for (const w of workplaces) {
      const row = page.locator(`[data-testid=workplace-row][data-workplace-id="${w.id}"]`);
      await expect(row.locator('.workplace-name')).toHaveText(nameIn(w, lang));
      const pv = custom.filter(d => d.custom_workplace_id === w.id).reduce((s, d) => s + d.access_data.pv, 0);
      expect(ungroup(await row.locator('td').first().textContent())).toBe(pv);
    }
    await expect(page.getByTestId('workplace-trend').locator('svg')).toBeVisible();
    await expectAccessible(page);
    await atWidth(page, 1280, `workplaces-${lang}-desktop`);
    await atWidth(page, 390, `workplaces-${lang}-phone`);
  }
});

test('a block named in its table row joins its workplace; the filter shows that workplace alone', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -12), addDays(today, -2)];
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  const row = page.getByTestId('blocks-table').locator('tbody tr').filter({ has: page.getByTestId('name-inline') }).first();
  const block = await row.getAttribute('data-block') as string;
  // Unnamed: its id's last six digits.
  await expect(row.locator('th a')).toHaveText(`…${block.slice(-6)}`);
  await row.getByText('Name it').click();
  await expect(page).toHaveURL(new RegExp(`from=${from}`)); // opening the form does not filter
  await expect(page).not.toHaveURL(/block=/);
  await screenshot(page, 'name-in-place');
  await row.locator('input[name=name]').fill('招聘看板 Hiring');
  await row.locator('input[name=workplace]').fill('sales');
  await row.getByRole('button', { name: 'Save' }).click();
  const named = page.getByTestId('blocks-table').locator(`tbody tr[data-block="${block}"]`);
  await expect(named.locator('th a')).toHaveText('招聘看板 Hiring');

  await page.getByTestId('block-filter').locator('summary').click();
  await page.getByTestId('workplace-choice').filter({ hasText: 'sales' }).click();
  await expect(page).toHaveURL(/workplace=sales/);
  await expect(page.getByTestId('block-filter').locator('summary')).toContainText('1 block of sales');
  await expect.poll(() => card(page, 'card-pv')).toBe(sum(await groundTruth(from, to, block), 'pv'));
  await screenshot(page, 'workplace-filter');

  await page.goto(`/?lang=en&tab=workplaces&from=${from}&to=${to}`);
  await waitForHydration(page);
  const sales = page.getByTestId('workplace-blocks').filter({ hasText: 'Sales:' });
  await sales.locator('summary').click();
  await expect(sales).toContainText('招聘看板 Hiring');
  await expect(sales).toContainText('100.0%');
  await sales.getByTestId('workplace-filter-link').click();
  await expect(page).toHaveURL(/workplace=/);
  await expect.poll(() => card(page, 'card-pv')).toBe(sum(await groundTruth(from, to, block), 'pv'));
});

test('names for every block imported from a pasted table, previewed first', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -9), addDays(today, -2)];
  const workplaces = await simWorkplaces();
  const lines = ['block_id\tname\tworkplace'];
  for (const w of workplaces) w.blocks.forEach((id, i) => lines.push(`${id}\t${nameIn(w, 'zh')} ${i + 1}\t${nameIn(w, 'zh')}`));
  lines.push('12x\tnot a block');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/?lang=en&from=${from}&to=${to}`);
  await waitForHydration(page);
  await page.getByTestId('block-names').locator('summary').click();
  await page.getByTestId('import-text').fill(lines.join('\n'));
  await page.getByTestId('import-preview').click();
  await expect(page.getByTestId('import-counts')).toContainText('1 refused');
  await expect(page.getByTestId('import-apply')).toBeDisabled();
  await expectAccessible(page);
  await screenshot(page, 'import-refused');
  // A chosen file's text goes into the box.
  const table = lines.slice(0, -1).join('\n');
  await page.getByTestId('import-file').setInputFiles({ name: 'names.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(table) });
  await expect(page.getByTestId('import-text')).toHaveValue(table);
  await page.getByTestId('import-preview').click();
  await expect(page.getByTestId('import-counts')).toContainText('· 0 refused');
  // Every line is planned (blocks named by earlier tests are renamed, not added).
  const counts = (await page.getByTestId('import-counts').textContent() ?? '').match(/\d+/g)!.map(Number);
  expect(counts[0] + counts[1] + counts[2] + counts[3], `${counts}`).toBe(lines.length - 2);
  const changes = counts[0] + counts[1] + counts[2];
  await expect(page.getByTestId('import-apply')).toBeEnabled();
  // Apply saves exactly the text previewed: a change after the preview holds it back.
  await page.getByTestId('import-text').fill(`${table}\n`);
  await expect(page.getByTestId('import-apply')).toBeDisabled();
  await expect(page.getByText('The text changed since the preview')).toBeVisible();
  await page.getByTestId('import-text').fill(table);
  await expect(page.getByTestId('import-apply')).toBeEnabled();
  await expect(page.getByText('The text changed since the preview')).toBeHidden();
  await screenshot(page, 'import-preview');
  await atWidth(page, 390, 'import-preview-phone');
  await page.getByTestId('import-counts').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'screenshots/import-preview-phone-view.png' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId('import-apply').click();
  const [[top]] = blockTotals(await groundTruth(from, to));
  const owner = workplaces.find(w => w.blocks.includes(top)) as SimWorkplace;
  const topName = `${nameIn(owner, 'zh')} ${owner.blocks.indexOf(top) + 1}`;
  await expect(page.getByTestId('blocks-table').locator(`tbody tr[data-block="${top}"] th a`)).toHaveText(topName);
  await expect(page.getByTestId('top-blocks').locator('svg')).toContainText(topName);
  // The page came back with the names section open, saying what was saved.
  await expect(page.getByTestId('import-saved')).toHaveText(`Saved the names of ${changes} block(s).`);
  await screenshot(page, 'imported-names');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('names are imported with a plain form: the plan on a page of its own, then Apply back to the dashboard', async ({ page }) => {
    const [w] = await simWorkplaces();
    const lines = w.blocks.map((id, i) => `${id}\t${nameIn(w, 'en')} (no script) ${i + 1}\t${nameIn(w, 'en')}`);
    await page.goto('/?lang=en&range=7d');
    await page.getByTestId('block-names').locator('summary').click();
    await expect(page.getByTestId('import-apply'), 'Apply comes after the preview').toBeHidden();
    await page.getByTestId('import-text').fill(lines.join('\n'));
    await page.getByTestId('import-preview').click();
    await expect(page).toHaveURL(/\/api\/names-import\?lang=en$/);
    await expect(page.getByTestId('import-counts')).toContainText(`· 0 refused`);
    await expect(page.getByTestId('import-text')).toHaveValue(lines.join('\n'));
    await screenshot(page, 'import-no-script-plan');
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'import-no-script-plan-phone');
    await page.getByTestId('import-apply').click();
    await expect(page).toHaveURL(/\/\?lang=en#names-import$/);
    await expect(page.getByTestId('import-saved')).toHaveText(`Saved the names of ${lines.length} block(s).`);
    await expect(page.getByTestId('blocks-table')).toContainText(`${nameIn(w, 'en')} (no script) 1`);
  });
});
