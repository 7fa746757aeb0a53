import { test, expect, Page } from '@playwright/test';
import { addDays, expectAccessible, screenshot, simToday, ungroup, waitForHydration } from './helpers';

/** The words of each language the test reads on the page. */
const words = {
  en: { save: 'Save note', saved: 'Note saved.', marker: 'Note: ', recent: 'Too recent to judge', impact: 'Impact', edit: 'Edit', delete: 'Delete', deleted: 'Note deleted.' },
  zh: { save: '保存备注', saved: '备注已保存。', marker: '备注：', recent: '时间太近', impact: '影响', edit: '编辑', delete: '删除', deleted: '备注已删除。' },
};

async function atWidth(page: Page, width: number, name: string) {
  await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
  await screenshot(page, name);
}

/** The note form's day, chosen on the trend chart: a click on the day's column, or Enter on it. */
async function chooseOnChart(page: Page, chart: string, day: string, how: 'click' | 'enter') {
  const hit = page.getByTestId(chart).locator(`.hit[data-day="${day}"]`);
  if (how === 'click') {
    await hit.locator('use').first().click();
  } else {
    await hit.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('#note-text')).toBeFocused();
  }
  await expect(page.locator('#note-date')).toHaveValue(day);
  await expect(page.getByTestId('note-chosen')).toContainText(day);
}

test('a note made on the chart\'s day: its marker, its text on focus and in the table, its impact; edited and deleted', async ({ page }) => {
  const today = await simToday();
  const [from, to] = [addDays(today, -29), today];
  for (const lang of ['en', 'zh'] as const) {
    const w = words[lang];
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/?lang=${lang}&from=${from}&to=${to}`);
    await waitForHydration(page);

    // A recent note, its day chosen on the chart.
    const day = addDays(today, -5);
    await chooseOnChart(page, 'trend', day, lang === 'en' ? 'click' : 'enter');
    const text = `${lang}: moved 请假 to the top`;
    await page.locator('#note-text').fill(text);
    await page.locator('#note-form').getByRole('button', { name: w.save }).click();
    await waitForHydration(page);
    await expect(page.getByTestId('notes')).toContainText(w.saved);
    const card = page.getByTestId('note-card').filter({ hasText: text });
    await expect(card).toHaveCount(1);
    await expect(card.getByTestId('impact')).toContainText(w.recent);

    // On the chart: a flagged line, and the text in the day's tip, shown on focus.
    const trend = page.getByTestId('trend');
    await expect(trend.locator('svg .notes line.note')).toHaveCount(1);
    const hit = trend.locator(`.hit[data-day="${day}"]`);
    await expect(hit).toHaveAttribute('aria-label', new RegExp(`${w.marker}${text}`));
    await hit.focus();
    await expect(hit.locator('.tip')).toBeVisible();
    await expect(hit.locator('.tip')).toContainText(`${w.marker}${text}`);
    // In the chart's table.
    await trend.locator('details.chart-table summary').click();
    await expect(trend.getByTestId('trend-table').locator('tr').filter({ hasText: `${w.marker}${text}` })).toHaveCount(1);

    // An older note, its day typed, about a block: judged, its numbers those of the API.
    const old = addDays(today, -60);
    const block = await page.getByTestId('blocks-table').locator('tbody tr').first().getAttribute('data-block') as string;
    const oldText = `${lang}: renamed the top block`;
    await page.locator('#note-date').fill(old);
    await page.locator('#note-text').fill(oldText);
    await page.locator('#note-blocks').fill(block);
    await page.locator('#note-form').getByRole('button', { name: w.save }).click();
    await waitForHydration(page);
    // Not in this range's cards: widen it to hold the old note.
    await page.goto(`/?lang=${lang}&from=${addDays(today, -89)}&to=${to}`);
    await waitForHydration(page);
    const judged = page.getByTestId('note-card').filter({ hasText: oldText });
    await expect(judged.getByTestId('impact')).toContainText(w.impact);
    const notes = await (await page.request.get(`/api/v1/annotations?from_date=${old}&to_date=${old}`)).json();
    const id = notes.annotations.find((n: any) => n.text === oldText).id;
    const impact = await (await page.request.get(`/api/v1/annotations/${id}/impact`)).json();
    const firstRow = judged.locator('.impact-table tbody tr').first();
    expect(ungroup(await firstRow.locator('.before').textContent())).toBe(Math.round(impact.pv.before.daily_mean));
    expect(ungroup(await firstRow.locator('.after').textContent())).toBe(Math.round(impact.pv.after.daily_mean));
    await expect(judged.locator('.impact-table tbody tr')).toHaveCount(4); // PV and UV, of the note and of the rest
    await expectAccessible(page);
    await atWidth(page, 1280, `notes-${lang}-desktop`);
    await judged.scrollIntoViewIfNeeded();
    await atWidth(page, 390, `notes-${lang}-phone`);
    await expectAccessible(page);

    // The workplaces tab marks them too, and lists them.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/?lang=${lang}&tab=workplaces&from=${from}&to=${to}`);
    await waitForHydration(page);
    await expect(page.getByTestId('workplace-trend').locator('svg .notes line.note')).toHaveCount(1);
    await expect(page.getByTestId('note-card').filter({ hasText: text })).toHaveCount(1);
    await chooseOnChart(page, 'workplace-trend', addDays(today, -3), 'click');

    // Edited, then both deleted: the chart has no mark left.
    await page.goto(`/?lang=${lang}&from=${from}&to=${to}`);
    await waitForHydration(page);
    const mine = page.getByTestId('note-card').filter({ hasText: text });
    await mine.locator('summary').click();
    const edited = `${text}, edited`;
    await mine.locator('input[name=text]').fill(edited);
    await mine.getByRole('button', { name: w.save }).click();
    await waitForHydration(page);
    await expect(page.getByTestId('note-card').filter({ hasText: edited })).toHaveCount(1);
    await page.getByTestId('note-card').filter({ hasText: edited }).getByRole('button', { name: new RegExp(w.delete) }).click();
    await waitForHydration(page);
    await expect(page.getByTestId('notes')).toContainText(w.deleted);
    await expect(page.getByTestId('trend').locator('svg .notes')).toHaveCount(0);
    await page.goto(`/?lang=${lang}&from=${addDays(today, -89)}&to=${to}`);
    await page.getByTestId('note-card').filter({ hasText: oldText }).getByRole('button', { name: new RegExp(w.delete) }).click();
    await waitForHydration(page);
    await expect(page.getByTestId('note-card')).toHaveCount(0);
  }
});
