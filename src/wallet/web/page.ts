/** The page's shared state: its elements by id, the language and the texts marked `data-t`. */
import { say, TEXT, type Lang, type TextKey } from './texts.js';

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}

const LANG_KEY = 'mleg-wallet-lang';
const listeners: (() => void)[] = [];

export let lang: Lang = readLang();

function readLang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'pl';
  } catch {
    return 'pl';
  }
}

export function t(key: TextKey, values?: Record<string, string | number>): string {
  return say(lang, key, values);
}

/** Called again whenever the language changes (views re-render what they wrote). */
export function onLanguage(render: () => void): void {
  listeners.push(render);
}

export function setLanguage(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    // A browser that keeps nothing still switches for this visit.
  }
  applyTexts();
  for (const render of listeners) render();
}

export function applyTexts(): void {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = TEXT[lang][el.dataset.t as TextKey] ?? el.textContent;
  const button = byId('lang');
  const other: Lang = lang === 'pl' ? 'en' : 'pl';
  button.textContent = TEXT[lang].switchTo;
  button.lang = other;
}

export type View = 'activate' | 'card' | 'qr';

/** Shows one view (the body's data-view says which: tests and styles read it). */
export function show(view: View): void {
  for (const v of ['activate', 'card', 'qr'] as const) byId(v).hidden = v !== view;
  byId('loading').hidden = true;
  document.body.dataset.view = view;
  scrollTo(0, 0);
}
