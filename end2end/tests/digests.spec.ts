import { test, expect, Locator, Page } from '@playwright/test';
import {
  addDays, card, clearFaults, expectAccessible, grouped, groundTruth, screenshot, screenshotOf, setSimFaults, SimChat,
  simChats, simToday, simUrl, sum, waitForHydration,
} from './helpers';

type Lang = 'en' | 'zh';

/** What the panel and the card say, from app/src/i18n/digest.rs. */
const TEXTS = {
  en: {
    save: 'Save', saved: 'Saved.', removed: 'Removed.', next: 'Next digest', off: 'off', preview: 'Preview', remove: 'Remove',
    sendTest: 'Send a test now', sent: (chat: string) => `A test digest was sent to “${chat}”.`,
    title: 'Workplace blocks digest', open: 'Open this period in the dashboard',
    versus: (change: string) => `${change} on the period before`,
  },
  zh: {
    save: '保存', saved: '已保存。', removed: '已删除。', next: '下次发送', off: '未开启', preview: '预览', remove: '删除',
    sendTest: '立即发送测试', sent: (chat: string) => `测试摘要已发送到「${chat}」。`,
    title: '工作台小组件摘要', open: '在仪表盘中查看本周期',
    versus: (change: string) => `较上一周期 ${change}`,
  },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A range as the card's title writes it (`Locale::range`). */
function rangeText(lang: Lang, from: string, to: string): string {
  const one = (day: string) => {
    const [y, m, d] = day.split('-').map(Number);
    return lang === 'zh' ? `${y}年${m}月${d}日` : `${MONTHS[m - 1]} ${d}, ${y}`;
  };
  return from === to ? one(from) : `${one(from)} – ${one(to)}`;
}

/** The change on the period before as the card writes it (`i18n::percent_change`). */
function percentChange(now: number, before: number): string | null {
  if (before <= 0) return null;
  const change = (now - before) / before * 100;
  if (Math.abs(change) < 0.05) return '0%';
  return change > 0 ? `+${change.toFixed(1)}%` : `\u2212${Math.abs(change).toFixed(1)}%`;
}

/** Asia/Shanghai, the server's time zone here (DASHBOARD_TIMEZONE unset): UTC+8 all year. */
const SHANGHAI_MS = 8 * 3600_000;

/** The date of a Monday 09:00 in Shanghai: the first after now, or the last at or before now. */
function mondayNine(which: 'next' | 'latest'): string {
  const now = Date.now() + SHANGHAI_MS; // Shanghai's clock, read through the UTC fields
  const today = new Date(now);
  for (let i = 0; i < 15; i++) {
    const shift = which === 'next' ? i : -i;
    const at = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + shift, 9));
    if (at.getUTCDay() !== 1) continue;
    if (which === 'next' ? at.getTime() > now : at.getTime() <= now) return at.toISOString().slice(0, 10);
  }
  throw new Error('no Monday within two weeks');
}

/** The simulator's chats: those the bot is in (in the chat list's order) and the one it is not in. */
async function demoChats(): Promise<{ members: SimChat[]; outsider: SimChat }> {
  const chats = await simChats();
  const members = chats.filter(c => c.bot_is_member);
  const outsider = chats.find(c => !c.bot_is_member);
  expect(members.length, 'the demo tenant has two chats with the bot').toBeGreaterThanOrEqual(2);
  expect(outsider, 'the demo tenant has a chat without the bot').toBeTruthy();
  return { members, outsider: outsider as SimChat };
}

async function messagesOf(chatId: string) {
  return (await simChats()).find(c => c.chat_id === chatId)?.messages ?? [];
}

/** Removes a chat's schedule through the API, whatever a failed test left (404 when there is none). */
async function removeSchedule(page: Page, baseURL: string | undefined, chatId: string) {
  const res = await page.request.delete(`/api/v1/digests/${chatId}`, { headers: { origin: baseURL ?? '' } });
  expect([204, 404], await res.text()).toContain(res.status());
}

/** The digests page (server-rendered, plain forms) with its chats listed. */
async function openDigests(page: Page, lang: Lang) {
  await page.goto(`/digests?lang=${lang}`);
  const panel = page.getByTestId('digests');
  await expect(panel.locator('section.digest-chat').first()).toBeVisible();
  return panel;
}

/** A chat's section of the digests page. */
const chatSection = (panel: Locator, chatId: string) => panel.locator(`section.digest-chat[data-chat="${chatId}"]`);

for (const lang of ['en', 'zh'] as Lang[]) {
  const t = TEXTS[lang];

  test(`${lang}: the digests panel lists the bot's chats, saves a weekly schedule and previews its card`, async ({ page, baseURL }) => {
    const { members, outsider } = await demoChats();
    const chat = lang === 'en' ? members[1] : members[0];
    await page.setViewportSize({ width: 1280, height: 900 });
    const panel = await openDigests(page, lang);
    try {
      await expect(panel.locator('section.digest-chat')).toHaveCount(members.length);
      for (const m of members) {
        await expect(chatSection(panel, m.chat_id).locator('h3')).toContainText(m.name);
      }
      await expect(panel.locator(`[data-chat="${outsider.chat_id}"]`)).toHaveCount(0);
      await expect(panel).not.toContainText(outsider.name);

      const section = chatSection(panel, chat.chat_id);
      await section.locator('select[name=language]').selectOption(lang);
      await section.locator('select[name=every]').selectOption('weekly');
      await section.locator('select[name=weekday]').selectOption('1');
      await section.locator('select[name=hour]').selectOption('9');
      await section.getByRole('button', { name: t.save, exact: true }).click();
      await expect(panel.getByRole('status')).toHaveText(t.saved);
      await expect(section.getByTestId('next-digest')).toHaveText(`${t.next}: ${mondayNine('next')} 09:00`);
      // The form is drawn again from the store: what was saved is what it shows.
      await expect(section.locator('select[name=language]')).toHaveValue(lang);
      await expect(section.locator('select[name=hour]')).toHaveValue('9');

      // A weekly Monday digest's card now covers the seven final days before the latest Monday.
      const monday = mondayNine('latest');
      const [from, to] = [addDays(monday, -8), addDays(monday, -2)];
      await section.getByRole('button', { name: t.preview, exact: true }).click();
      const preview = panel.getByTestId('digest-preview');
      await expect(preview).toHaveAttribute('data-chat', chat.chat_id);
      await expect(preview.locator('.fc-title')).toHaveText(`${t.title} · ${rangeText(lang, from, to)}`);
      await expect(preview.locator('table').first()).toBeVisible();
      const pv = sum(await groundTruth(from, to), 'pv');
      await expect(preview.locator('.fc-column').first()).toContainText(grouped(pv));
      await expect(preview.getByRole('link', { name: t.open })).toHaveAttribute('href', new RegExp(`from=${from}&to=${to}&lang=${lang}$`));

      await screenshotOf(panel, `digests-${lang}-desktop`);
      await expectAccessible(page);
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshotOf(panel, `digests-${lang}-phone`);

      // Removed, the chat has no next digest (the store keeps no schedule for later tests).
      await section.getByRole('button', { name: t.remove, exact: true }).click();
      await expect(section.getByRole('status')).toHaveText(t.removed);
      await expect(section.getByTestId('next-digest')).toHaveText(`${t.next}: ${t.off}`);
      await expect(section.getByRole('button', { name: t.remove, exact: true })).toHaveCount(0);
    } finally {
      await removeSchedule(page, baseURL, chat.chat_id);
    }
  });

  test(`${lang}: "send a test now" posts the last seven final days' card, which the chat shows with a link to that period`, async ({ page, baseURL }) => {
    const { members } = await demoChats();
    const chat = lang === 'en' ? members[1] : members[0];
    // A test covers the seven final days ending the day before yesterday.
    const today = await simToday();
    const [from, to] = [addDays(today, -8), addDays(today, -2)];
    const truth = await groundTruth(from, to);
    const before = sum(await groundTruth(addDays(from, -7), addDays(to, -7)), 'pv');
    const earlier = await messagesOf(chat.chat_id);

    await page.setViewportSize({ width: 1280, height: 900 });
    const panel = await openDigests(page, lang);
    const section = chatSection(panel, chat.chat_id);
    await section.locator('select[name=language]').selectOption(lang);
    await section.getByRole('button', { name: t.sendTest, exact: true }).click();
    await expect(panel.getByRole('status')).toHaveText(t.sent(chat.name));

    const now = await messagesOf(chat.chat_id);
    const added = now.filter(m => !earlier.some(e => e.message_id === m.message_id));
    expect(added, 'exactly one new message in the chat').toHaveLength(1);
    const [message] = added;
    expect(message.msg_type).toBe('interactive');
    expect(message.uuid ?? '').toMatch(/^bi-/);
    const json = message.content;
    const title = `${t.title} · ${rangeText(lang, from, to)}`;
    expect(json.schema).toBe('2.0');
    expect(json.header.title.content).toBe(title);
    const totals = json.body.elements[0];
    expect(totals.tag).toBe('column_set');
    const [views, users] = totals.columns.map((c: any) => c.elements[0].content as string);
    expect(views).toContain(`**${grouped(sum(truth, 'pv'))}**`);
    const change = percentChange(sum(truth, 'pv'), before);
    if (change) expect(views).toContain(t.versus(change));
    expect(users).toContain(`**${grouped(Math.floor(sum(truth, 'uv') / 7))}**`);

    // The delivery is listed as sent, a test, for that period.
    const row = panel.getByTestId('deliveries').locator('tbody tr[data-state=sent]', { hasText: `${from}..${to}` });
    await expect(row.filter({ hasText: chat.name }).first()).toBeVisible();

    // The simulator's chat page shows the card as received: newest message first.
    await page.goto(`${simUrl}/_sim/chats/${chat.chat_id}`);
    const shown = page.locator('section.message').first();
    await expect(shown.locator('h3.fc-title')).toHaveText(title);
    await expect(shown.locator('table').first()).toBeVisible();
    const button = shown.getByRole('link', { name: t.open });
    const href = `${baseURL}/?from=${from}&to=${to}&lang=${lang}`;
    await expect(button).toHaveAttribute('href', href);
    await screenshot(page, `sim-chat-digest-${lang}-desktop`);
    await expectAccessible(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, `sim-chat-digest-${lang}-phone`);

    // The button opens the dashboard on exactly that period, with the card's numbers.
    await page.goto(href);
    await waitForHydration(page);
    expect(await card(page, 'card-pv')).toBe(sum(truth, 'pv'));
  });
}

test('a test while the bot capability is off is refused, saying so and what to do', async ({ page }) => {
  const { members } = await demoChats();
  const chat = members[0];
  await page.setViewportSize({ width: 1280, height: 900 });
  // The chats are read before the fault: with the bot off, Feishu lists none.
  const panel = await openDigests(page, 'en');
  const section = chatSection(panel, chat.chat_id);
  const earlier = await messagesOf(chat.chat_id);
  try {
    await setSimFaults({ bot_disabled: true });
    await section.getByRole('button', { name: 'Send a test now', exact: true }).click();
    const refusal = panel.getByRole('alert').filter({ hasText: '230006' });
    await expect(refusal).toContainText("the app's bot capability is turned off");
    await expect(refusal).toContainText('Enable the bot capability of the app in the Feishu developer console');
    const row = panel.getByTestId('deliveries').locator('tbody tr[data-state=failed]', { hasText: chat.name }).first();
    await expect(row).toContainText('bot capability');
    expect((await messagesOf(chat.chat_id)).length, 'nothing reached the chat').toBe(earlier.length);
    await screenshotOf(panel, 'digests-refused-bot-off');
  } finally {
    await clearFaults();
  }
});

test('the card\'s biggest changes show the biggest fall as well as the biggest rise', async ({ page }) => {
  // The weekly Monday card's period and the seven days before it, from the ground truth.
  const monday = mondayNine('latest');
  const [from, to] = [addDays(monday, -8), addDays(monday, -2)];
  const perBlock = async (a: string, b: string) => {
    const m = new Map<string, number>();
    for (const r of await groundTruth(a, b)) m.set(r.block_id, (m.get(r.block_id) ?? 0) + r.pv);
    return m;
  };
  const [now, before] = [await perBlock(from, to), await perBlock(addDays(from, -7), addDays(to, -7))];
  // Movers leave out blocks under 50 views in both periods (domain::insights::MIN_MOVER_VIEWS).
  const changes = [...new Set([...now.keys(), ...before.keys()])]
    .map(id => ({ id, pv: now.get(id) ?? 0, before: before.get(id) ?? 0 }))
    .filter(c => Math.max(c.pv, c.before) >= 50 && c.pv !== c.before);
  const rise = changes.reduce((a, b) => (b.pv - b.before > a.pv - a.before ? b : a));
  const fall = changes.reduce((a, b) => (b.pv - b.before < a.pv - a.before ? b : a));
  expect(fall.pv, 'some block fell in the demo data').toBeLessThan(fall.before);

  await page.goto('/?lang=en&range=7d');
  await waitForHydration(page);
  const res = await page.request.get('/api/v1/digests/preview?language=en&every=weekly&weekday=1&hour=9');
  expect(res.ok()).toBeTruthy();
  const elements: any[] = (await res.json()).card.body.elements;
  const movers = elements.find(e => e.tag === 'table' && e.columns.some((c: any) => c.name === 'change'));
  expect(movers, 'the card has a table of the biggest changes').toBeTruthy();
  const shown = (c: { pv: number; before: number }) => movers.rows.some((r: any) => r.pv === c.pv && r.before === c.before);
  expect(shown(rise), `the biggest rise (${rise.before} → ${rise.pv}) is listed`).toBe(true);
  expect(shown(fall), `the biggest fall (${fall.before} → ${fall.pv}) is listed`).toBe(true);
});

test('after a test is sent, saving a schedule says "Saved."', async ({ page, baseURL }) => {
  const { members } = await demoChats();
  const chat = members[1];
  await page.setViewportSize({ width: 1280, height: 900 });
  const panel = await openDigests(page, 'en');
  const section = chatSection(panel, chat.chat_id);
  try {
    await section.getByRole('button', { name: 'Send a test now', exact: true }).click();
    await expect(panel.getByRole('status')).toHaveText(TEXTS.en.sent(chat.name));
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(section.getByRole('button', { name: 'Remove', exact: true })).toBeVisible();
    await expect(panel.getByRole('status')).toHaveText('Saved.');
  } finally {
    await removeSchedule(page, baseURL, chat.chat_id);
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the digests page previews the schedule as chosen, saves it and removes it, with plain forms', async ({ page, baseURL }) => {
    const { members } = await demoChats();
    const chat = members[0];
    await page.setViewportSize({ width: 390, height: 844 });
    const panel = await openDigests(page, 'en');
    const section = chatSection(panel, chat.chat_id);
    try {
      await section.locator('select[name=language]').selectOption('en');
      await section.locator('select[name=every]').selectOption('daily');
      await section.locator('select[name=hour]').selectOption('7');
      await section.getByRole('button', { name: 'Preview', exact: true }).click();
      // The preview is this page again with the form's values in its address: they stay
      // chosen, and nothing is saved.
      await expect(page).toHaveURL(new RegExp(`preview=${chat.chat_id}`));
      await expect(section.locator('select[name=every]')).toHaveValue('daily');
      await expect(section.locator('select[name=hour]')).toHaveValue('7');
      await expect(section.getByTestId('next-digest')).toHaveText('Next digest: off');
      // A daily card covers one day.
      await expect(section.getByTestId('digest-preview').locator('.fc-title')).toHaveText(
        /^Workplace blocks digest · [A-Z][a-z]{2} \d{1,2}, \d{4}$/,
      );
      await screenshotOf(section, 'digests-preview-no-js-phone');

      // Saved, the answer is a redirect to the page at the chat, which says so once.
      await section.getByRole('button', { name: 'Save', exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/digests\\?lang=en#chat-${chat.chat_id}$`));
      await expect(section.getByRole('status')).toHaveText('Saved.');
      await expect(section.getByTestId('next-digest')).toHaveText(/^Next digest: \d{4}-\d{2}-\d{2} 07:00$/);
      await page.reload();
      await expect(section.getByRole('status')).toHaveCount(0);
      await expect(section.locator('select[name=every]')).toHaveValue('daily');

      await section.getByRole('button', { name: 'Remove', exact: true }).click();
      await expect(section.getByRole('status')).toHaveText('Removed.');
      await expect(section.getByTestId('next-digest')).toHaveText('Next digest: off');
    } finally {
      await removeSchedule(page, baseURL, chat.chat_id);
    }
  });
});
