import { test, expect, Page } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';

/** The widths the dashboard is read at: a phone, a tablet, a desktop. */
const WIDTHS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'desktop', width: 1280, height: 900 },
];

/** Each chart: the box it is in, the width it was drawn for, and its text's size on screen. */
async function charts(page: Page) {
  return page.locator('.chart > svg').evaluateAll((svgs) =>
    svgs.map((svg) => {
      const box = (svg.parentElement as HTMLElement).clientWidth;
      const drawn = Number((svg.getAttribute('viewBox') ?? '').split(' ')[2]);
      const shown = svg.getBoundingClientRect().width;
      const fontSize = Number(svg.getAttribute('font-size'));
      return { box, drawn, fontPx: fontSize * (shown / drawn) };
    }),
  );
}

for (const lang of ['en', 'zh'] as const) {
  for (const size of WIDTHS) {
    test(`${lang} at ${size.width} px: charts drawn for their width, controls one tap away`, async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.goto(`/?range=30d&lang=${lang}`);
      await waitForHydration(page);
      // Drawn for the box they are in (the server draws for a desktop; the browser redraws).
      await expect.poll(async () => {
        const drawn = await charts(page);
        return drawn.length >= 2 && drawn.every((c) => Math.abs(c.drawn - Math.max(280, c.box)) <= 8);
      }, { timeout: 15_000 }).toBe(true);
      for (const chart of await charts(page)) {
        expect(chart.fontPx, 'chart text stays readable').toBeGreaterThanOrEqual(11);
      }
      // No sideways scrolling of the page itself: wide tables scroll in their box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'the page does not scroll sideways').toBeLessThanOrEqual(1);
      if (size.width < 1000) {
        const targets = page.locator('.presets a, .controls button:visible, .tabs a');
        const heights = await targets.evaluateAll((els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().height));
        expect(heights.length).toBeGreaterThan(5);
        for (const h of heights) expect(h, 'tap targets are at least 44 px').toBeGreaterThanOrEqual(43.5);
        // The block table's name column stays in view while its numbers scroll.
        const table = page.getByTestId('blocks-table');
        await table.scrollIntoViewIfNeeded();
        const name = table.locator('tbody th[scope=row]').first();
        const box = await name.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= size.width).toBeTruthy();
      }
      await page.screenshot({ path: `screenshots/${size.name}-${lang}-${size.width}.png`, fullPage: true });
    });
  }
}

test('accessibility at 390 px: no serious or critical violations on the overview, in both languages, and on the rows tab', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const url of ['/?range=30d&lang=en', '/?range=30d&lang=zh', '/?lang=en&tab=rows&range=7d']) {
    await page.goto(url);
    await waitForHydration(page);
    // The phone layout, as axe reads it: the charts redrawn for the narrow box first.
    await expect.poll(async () => {
      const drawn = await charts(page);
      return drawn.every((c) => Math.abs(c.drawn - Math.max(280, c.box)) <= 8);
    }, { timeout: 15_000 }).toBe(true);
    expect(await page.evaluate(() => window.innerWidth), url).toBe(390);
    await expectAccessible(page);
  }
  await page.screenshot({ path: 'screenshots/accessibility-phone-390.png', fullPage: true });
});

for (const lang of ['en', 'zh'] as const) {
  test(`${lang} at 390 px: the settings pages fit the phone, every control one tap away`, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    // Plain HTML with plain forms: no script and no WASM to load.
    const scripts: string[] = [];
    page.on('request', (r) => { if (/\.(js|wasm)$/.test(new URL(r.url()).pathname)) scripts.push(r.url()); });
    for (const path of ['/digests', '/tokens']) {
      await page.goto(`${path}?lang=${lang}`);
      await expect(page.locator('main.settings .panel')).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} does not scroll sideways`).toBeLessThanOrEqual(1);
      const targets = page.locator('header a, main.settings button, main.settings select, main.settings input[type=text], main.settings a.button');
      const heights = await targets.evaluateAll((els) => els.map((e) => (e as HTMLElement).getBoundingClientRect().height));
      expect(heights.length).toBeGreaterThan(4);
      for (const h of heights) expect(h, `${path}: tap targets are at least 44 px`).toBeGreaterThanOrEqual(43.5);
      await page.screenshot({ path: `screenshots/settings${path.replace('/', '-')}-${lang}-390.png`, fullPage: true });
    }
    expect(scripts, 'the settings pages load no script').toEqual([]);
  });
}

test('assets named by their hash are kept for a year; the page is never served stale (weight.spec.ts measures the transfer)', async ({ page }) => {
  const policies = new Map<string, string>();
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/pkg/') || url.pathname === '/') policies.set(url.pathname, r.headers()['cache-control'] ?? '');
  });
  await page.goto('/?lang=en');
  await waitForHydration(page);
  const wasm = [...policies.keys()].find((p) => p.endsWith('.wasm'));
  expect(wasm, 'the WASM file is named by its hash').toMatch(/\/pkg\/block-insights\.[A-Za-z0-9_-]{8,}\.wasm$/);
  expect(policies.get(wasm!)).toBe('public, max-age=31536000, immutable');
  const css = [...policies.keys()].find((p) => p.endsWith('.css'));
  expect(policies.get(css!)).toBe('public, max-age=31536000, immutable');
  expect(policies.get('/')).toBe('private, no-cache');

  // The sign-in pages link the same hashed stylesheet, and it loads.
  const signedOut = await (await page.request.get('/signed-out')).text();
  const href = /<link rel="stylesheet" href="([^"]+)"/.exec(signedOut)?.[1];
  expect(href).toBe(css);
  expect((await page.request.get(href!)).status()).toBe(200);
});
