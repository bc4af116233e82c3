/**
 * The portal's one style sheet and its few lines of script, served at /portal/assets/ (no
 * build step, no external fonts: DejaVu Sans, which Debian ships, or the system's sans-serif).
 * Colours keep WCAG AA contrast (4.5:1 for text; the tests measure it); focus is always
 * visible; activation letters print one per A4 page.
 */
export const PORTAL_CSS = `
:root { color-scheme: light; --ink: #111; --muted: #3d4450; --paper: #fff; --ground: #f2f4f8; --blue: #0b3d91; --blue-dark: #082c6b; --red: #a3001b; --line: #c5cbd6; }
* { box-sizing: border-box; }
html { font-size: 112.5%; }
body { margin: 0; font-family: "DejaVu Sans", system-ui, sans-serif; line-height: 1.5; color: var(--ink); background: var(--ground); }
a { color: var(--blue); }
:focus-visible { outline: 0.2rem solid var(--blue); outline-offset: 0.15rem; box-shadow: 0 0 0 0.35rem #ffe066; }
.skip { position: absolute; left: 0.5rem; top: -4rem; background: var(--paper); padding: 0.5rem 1rem; z-index: 2; }
.skip:focus { top: 0.5rem; }
header.bar { background: var(--blue); color: #fff; }
header.bar .inner { max-width: 76rem; margin: 0 auto; padding: 0.6rem 1.25rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; }
header.bar .app { font-weight: bold; font-size: 1.15rem; color: #fff; text-decoration: none; }
header.bar nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1.1rem; }
header.bar nav a { color: #fff; text-decoration: none; padding: 0.2rem 0; border-bottom: 0.15rem solid transparent; }
header.bar nav a[aria-current="page"] { border-bottom-color: #fff; font-weight: bold; }
header.bar :focus-visible { outline-color: #fff; box-shadow: none; }
header.bar .who { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
header.bar .who form { margin: 0; }
header.bar .lang { color: #fff; }
header.bar button { background: transparent; color: #fff; border: 0.1rem solid #fff; border-radius: 0.3rem; padding: 0.2rem 0.7rem; font: inherit; cursor: pointer; }
main { max-width: 76rem; margin: 0 auto; padding: 1.25rem 1.25rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 1rem; color: var(--blue-dark); }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; color: var(--blue-dark); }
.panel { background: var(--paper); border: 0.06rem solid var(--line); border-radius: 0.5rem; padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
.panel > h2:first-child, .panel > p:first-of-type { margin-top: 0; }
form.login { max-width: 34rem; }
.notice { border-left: 0.4rem solid var(--blue); background: var(--paper); padding: 0.75rem 1rem; margin: 0 0 1.25rem; }
.notice.bad { border-left-color: var(--red); }
.notice.good { border-left-color: #1b6b2f; }
.muted { color: var(--muted); }
label { display: block; font-weight: bold; margin: 0 0 0.25rem; }
.field { margin: 0 0 1rem; }
.hint { display: block; font-weight: normal; color: var(--muted); font-size: 0.9rem; }
input[type="text"], input[type="password"], input[type="date"], input[type="search"], select, textarea {
  font: inherit; color: var(--ink); background: var(--paper); border: 0.1rem solid #5b6472; border-radius: 0.3rem; padding: 0.45rem 0.6rem; width: 100%; max-width: 30rem; }
input[type="file"] { font: inherit; }
input[type="checkbox"] { width: 1.35rem; height: 1.35rem; margin: 0.1rem 0.4rem 0 0; vertical-align: middle; accent-color: var(--blue); }
table.columns { max-width: 50rem; margin: 0 0 1rem; }
textarea { max-width: 100%; min-height: 8rem; font-family: "DejaVu Sans Mono", monospace; font-size: 0.9rem; }
[aria-invalid="true"] { border-color: var(--red); border-width: 0.15rem; }
.error { color: var(--red); font-weight: bold; margin: 0.25rem 0 0; }
.error::before { content: "⚠ "; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 0 1.5rem; }
button, .button { display: inline-block; font: inherit; font-weight: bold; cursor: pointer; border-radius: 0.35rem; padding: 0.55rem 1.1rem; border: 0.12rem solid var(--blue); background: var(--blue); color: #fff; text-decoration: none; }
button.secondary, .button.secondary { background: var(--paper); color: var(--blue); }
button.danger { background: var(--red); border-color: var(--red); }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin: 1rem 0 0; }
table { border-collapse: collapse; width: 100%; background: var(--paper); }
th, td { text-align: left; padding: 0.5rem 0.6rem; border-bottom: 0.06rem solid var(--line); vertical-align: top; }
th { background: #e4e8f0; }
tbody tr:nth-child(even) { background: #f8f9fb; }
td.num, th.num { text-align: right; }
.bad-row { background: #fdeeee !important; }
.state { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 1rem; font-size: 0.92rem; font-weight: bold; white-space: nowrap; }
.state-registered { background: #e4e8f0; color: #222; }
.state-offered { background: #fff1c2; color: #4d3800; }
.state-active, .state-valid { background: #d9f2df; color: #0b4d1c; }
.state-suspended { background: #ffe2c4; color: #6b3000; }
.state-revoked { background: #fbdada; color: #7d0e0e; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 1rem; margin: 0 0 1rem; list-style: none; padding: 0; }
.cards a { display: block; background: var(--paper); border: 0.06rem solid var(--line); border-radius: 0.5rem; padding: 0.75rem 1rem; text-decoration: none; color: var(--ink); }
.cards .n { display: block; font-size: 2.4rem; font-weight: bold; line-height: 1.1; color: var(--blue-dark); }
dl.data { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1.25rem; margin: 0; }
dl.data dt { font-weight: bold; }
dl.data dd { margin: 0; }
.search { display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: flex-end; }
.search .field { margin: 0; }
.pages { display: flex; gap: 1.5rem; margin: 1rem 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
fieldset { border: 0.06rem solid var(--line); border-radius: 0.4rem; margin: 0 0 1rem; padding: 0.75rem 1rem; }
legend { font-weight: bold; padding: 0 0.3rem; }
code, .mono { font-family: "DejaVu Sans Mono", monospace; }

/* Activation letters: on screen an A4 sheet, on paper one per page. */
.letters-head { max-width: 210mm; margin: 0 auto 1rem; }
.letter { background: #fff; color: #000; width: 210mm; min-height: 297mm; margin: 0 auto 1.5rem; padding: 16mm 18mm; box-shadow: 0 0.1rem 0.5rem rgba(0, 0, 0, 0.25); font-size: 12pt; line-height: 1.45; }
.letter .title { font-size: 20pt; color: #000; margin: 0 0 4mm; }
.letter h3 { font-size: 14pt; margin: 0 0 2mm; }
.letter .school { font-size: 13pt; margin: 0 0 6mm; }
.letter .who { font-size: 15pt; margin: 0 0 6mm; }
.letter .who strong { font-size: 17pt; }
.letter .codes { display: flex; gap: 10mm; align-items: center; margin: 0 0 6mm; }
.letter .qr svg { width: 72mm; height: 72mm; display: block; }
.letter .code-label { font-size: 13pt; margin: 0; }
.letter .code { font-family: "DejaVu Sans Mono", monospace; font-size: 34pt; font-weight: bold; letter-spacing: 0.08em; margin: 1mm 0 3mm; white-space: nowrap; }
.letter ol { padding-left: 7mm; margin: 0 0 6mm; }
.letter li { margin: 0 0 2.5mm; }
.letter .secret { border: 0.5mm solid #000; padding: 3mm 4mm; font-weight: bold; }
@page { size: A4; margin: 0; }
@media print {
  body { background: #fff; }
  header.bar, .skip, .noprint, main > h1 { display: none !important; }
  main { max-width: none; padding: 0; margin: 0; }
  .letter { box-shadow: none; margin: 0; width: 210mm; min-height: 0; height: 296mm; overflow: hidden; break-after: page; page-break-after: always; }
  .letter:last-child { break-after: auto; page-break-after: auto; }
}
`;

/** The few lines of script the pages use, served at /portal/assets/portal.js: all of it progressive (every form works without it). */
export const PORTAL_JS = `'use strict';
document.querySelectorAll('[data-print]').forEach((button) => {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
});
document.querySelectorAll('[data-select-all]').forEach((box) => {
  box.closest('[hidden]')?.removeAttribute('hidden');
  const form = box.form;
  box.addEventListener('change', () => {
    form.querySelectorAll('input[type="checkbox"][name="id"]').forEach((c) => { c.checked = box.checked; });
  });
});
`;
