/** WCAG 2.1 contrast in pages under test: the ratio of two CSS colours, the colours an element is drawn in, and an element's text against the first opaque background behind it. */
import type { Page } from 'playwright-core';

/** WCAG 2.1 contrast ratio of two CSS rgb() colours. */
export function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = css.match(/\d+(\.\d+)?/g)!.slice(0, 3).map((v) => Number(v) / 255);
    const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(bl!);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** An element's text colour and the first opaque background behind it (run in the page). */
export async function colours(page: Page, selector: string): Promise<{ color: string; background: string }> {
  return page.evaluate(`(() => {
    const el = document.querySelector(${JSON.stringify(selector)});
    let bg = 'rgba(0, 0, 0, 0)';
    for (let e = el; e !== null && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
    return { color: getComputedStyle(el).color, background: bg };
  })()`);
}

/** The contrast of `selector`'s text on what is behind it. */
export async function contrastOf(page: Page, selector: string): Promise<number> {
  const c = await colours(page, selector);
  return contrast(c.color, c.background);
}
