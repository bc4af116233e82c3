// The result display (served by mleg at /): idle screen with the lane and the time; each
// scan of the lane full screen, green or red, with icon, words and details; back to idle
// after display.holdSeconds. Scans come from /v1/display/events (already cut down to the
// holder fields this lane's screen may show); the manual entry field posts to /v1/verify.
// Its layout (desk: with the entry field; gate: the verdict filling the screen) and the
// time zone of every time it shows come with the lane's settings. Everything it says, the
// small print too, is its own Polish and English text made from the result's fields, never
// the result's English `reason` (for API clients and logs).
// Plain browser JavaScript, no build step; text is only ever set with textContent.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const lane = params.get('lane') || null;
  const laneQuery = lane === null ? '' : `?lane=${encodeURIComponent(lane)}`;

  const DOC = {
    school: { pl: 'szkolna', en: 'school', org: 'Szkoła / School' },
    student: { pl: 'studencka', en: 'student', org: 'Uczelnia / University' },
  };

  /** Why the verifier refused a manual entry, in Polish; its own message follows in English. */
  const REFUSED = {
    400: 'Brak kodu',
    413: 'Kod za długi',
    415: 'Nieobsługiwany format',
    429: 'Za dużo zapytań — spróbuj za chwilę',
  };

  let config = null;
  let holdTimer = 0;
  let source = null;
  let lastMessageAt = 0;
  let retryMs = 1000;
  let reconnectTimer = 0;

  // ---- time, in the configured zone (display.timeZone, Europe/Warsaw by default) whatever
  // the screen's own clock zone is, as mLegitymacja shows it: 30.09.2027, 08:16:46
  let zone = 'Europe/Warsaw';
  let zoneFormat = null;
  let zoneFormatted = null;
  /** The calendar fields of an instant in `zone`. */
  function inZone(d) {
    if (zoneFormat === null || zoneFormatted !== zone) {
      zoneFormat = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
      });
      zoneFormatted = zone;
    }
    const p = Object.fromEntries(zoneFormat.formatToParts(d).map((x) => [x.type, x.value]));
    return { date: `${p.day}.${p.month}.${p.year}`, hm: `${p.hour}:${p.minute}`, time: `${p.hour}:${p.minute}:${p.second}` };
  }
  const dateText = (d) => inZone(d).date;
  const timeText = (d) => inZone(d).time;
  const dateTimeText = (iso) => {
    const z = inZone(new Date(iso));
    return `${z.date} ${z.time}`;
  };
  /**
   * valid_until: the date, and the time only when it is not the end of a day there. An ID
   * valid to the end of 30 September in Poland ends at 23:59:59 Warsaw time: "30.09.2027",
   * never "01.10.2027 01:59" as UTC's end of that day would be.
   */
  const validUntilText = (iso) => {
    const z = inZone(new Date(iso));
    return z.hm === '23:59' ? z.date : `${z.date} ${z.hm}`;
  };
  /** A time, with its date when that is not the day of `today`. */
  const timeOnDay = (iso, today) => {
    const z = inZone(new Date(iso));
    return z.date === inZone(new Date(today)).date ? z.time : `${z.date} ${z.time}`;
  };
  /** How old a list is: minutes, hours, then days (Polish: "2 dni", "5 dni", both "dni" from 2 on). */
  function ageText(seconds) {
    if (seconds < 3600) {
      const m = Math.max(1, Math.floor(seconds / 60));
      return { pl: `${m} min`, en: `${m} min` };
    }
    if (seconds < 48 * 3600) {
      const h = Math.floor(seconds / 3600);
      return { pl: `${h} godz.`, en: `${h} h` };
    }
    const d = Math.floor(seconds / 86400);
    return { pl: `${d} dni`, en: `${d} days` };
  }
  /** A birthdate is a calendar date (YYYY-MM-DD), not an instant: no time zone applies. */
  const birthdateText = (ymd) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
    return m === null ? ymd : `${m[3]}.${m[2]}.${m[1]}`;
  };

  function tick() {
    const now = new Date();
    $('clock').textContent = timeText(now);
    $('date').textContent = dateText(now);
  }

  // ---- screens
  function showScreen(name) {
    for (const id of ['idle', 'result', 'error']) $(id).hidden = id !== name;
  }

  function idle() {
    clearTimeout(holdTimer);
    document.body.dataset.state = 'idle';
    showScreen('idle');
    focusEntry();
  }

  function holdThenIdle() {
    clearTimeout(holdTimer);
    const seconds = config === null ? 5 : config.holdSeconds;
    const bar = $('hold-bar');
    bar.classList.remove('running');
    void bar.offsetWidth; // restart the countdown animation
    bar.style.animationDuration = `${seconds}s`;
    bar.classList.add('running');
    holdTimer = setTimeout(idle, seconds * 1000);
  }

  /** One item of the details; `kind` 'name' and 'wide' take more of a line (display.css). */
  function addDetail(list, label, value, kind, extra) {
    const item = document.createElement('div');
    item.className = kind === '' ? 'detail' : `detail ${kind}`;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (extra !== undefined) {
      const small = document.createElement('span');
      small.className = 'extra';
      small.lang = 'en';
      small.textContent = ` / ${extra}`;
      dd.append(small);
    }
    item.append(dt, dd);
    list.append(item);
  }

  /**
   * The small print, in Polish and English, from the result's fields: when it was checked,
   * what the verdict rests on (the first acceptance of a replay, a stale code's age, the
   * status list and how old it was).
   */
  function facts(result) {
    const list = [];
    const checked = timeText(new Date(result.checked_at));
    list.push({ pl: `Sprawdzono o ${checked}`, en: `Checked at ${checked}` });
    if (result.verdict === 'REPLAYED' && typeof result.first_accepted_at === 'string') {
      const first = timeOnDay(result.first_accepted_at, result.checked_at);
      list.push({ pl: `Już przyjęta o ${first}`, en: `Already accepted at ${first}` });
    }
    if (result.verdict === 'PROOF_STALE' && typeof result.presented_at === 'string') {
      const age = Math.floor((Date.parse(result.checked_at) - Date.parse(result.presented_at)) / 1000);
      list.push(age >= 0 ? { pl: `Kod wygenerowany ${age} s temu`, en: `Code made ${age} s ago` } : { pl: `Zegar telefonu ${-age} s do przodu`, en: `The phone's clock is ${-age} s ahead` });
    }
    const status = result.status || {};
    if (typeof status.iat === 'string') {
      const age = ageText(status.age_seconds || 0);
      const of = dateTimeText(status.iat).slice(0, 16);
      list.push({ pl: `Lista unieważnień z ${of} (${age.pl})`, en: `Revocation list of ${of} (${age.en} old)` });
      if (result.verdict === 'STATUS_UNAVAILABLE') list.push({ pl: 'Numer spoza listy', en: 'Its number is past the end of the list' });
    } else if (result.verdict === 'STATUS_UNAVAILABLE' || (result.valid && status.checked === false)) {
      list.push({ pl: 'Brak aktualnej listy unieważnień', en: 'No usable revocation list' });
    }
    return list;
  }

  /** Warnings above the details: revocation not checked, or checked against a list older than display.statusWarnAgeSeconds. */
  function warning(result) {
    const status = result.status || {};
    if (result.valid && status.checked === false) return 'Nie sprawdzono, czy nie unieważniona / Revocation not checked';
    const limit = config === null ? Infinity : config.statusWarnAgeSeconds;
    if (typeof status.age_seconds === 'number' && status.age_seconds > limit) {
      const age = ageText(status.age_seconds);
      return `Lista unieważnień sprzed ${age.pl} — połącz terminal z siecią / Revocation list ${age.en} old — connect to the network`;
    }
    return '';
  }

  function showFacts(result, where) {
    const meta = $('meta');
    meta.replaceChildren();
    const add = (text, className, lang) => {
      const span = document.createElement('span');
      span.className = className;
      if (lang !== undefined) span.lang = lang;
      span.textContent = text;
      meta.append(span);
      return span;
    };
    add(where, 'source').id = 'source';
    for (const f of facts(result)) {
      add(' · ', 'sep');
      add(f.pl, 'fact');
      add(' / ', 'sep');
      add(f.en, 'fact', 'en');
    }
    add(' · ', 'sep');
    add(result.verdict, 'code');
  }

  /**
   * Shows one result. `where` says where it came from (scanner and lane, or manual entry).
   * Only the holder fields this screen may show are used, whatever the result holds.
   */
  function showResult(result, where) {
    const texts = (config && config.verdicts[result.verdict]) || { pl: result.verdict, en: result.verdict };
    document.body.dataset.state = result.valid ? 'valid' : 'invalid';
    document.body.dataset.verdict = result.verdict;
    $('verdict-pl').textContent = result.valid ? 'WAŻNA' : 'NIEWAŻNA';
    $('verdict-en').textContent = result.valid ? 'VALID' : 'NOT VALID';
    $('reason-pl').textContent = texts.pl;
    $('reason-en').textContent = texts.en;
    showFacts(result, where);
    const warn = warning(result);
    $('warning').hidden = warn === '';
    $('warning').textContent = warn;

    // Who (when this screen may show it), the school, then the document: as mLegitymacja lists them.
    const list = $('details');
    list.replaceChildren();
    const show = config === null ? [] : config.show;
    const h = result.holder || {};
    const name = [show.includes('given_name') ? h.given_name : undefined, show.includes('family_name') ? h.family_name : undefined].filter((x) => typeof x === 'string');
    const birthdate = show.includes('birthdate') && typeof h.birthdate === 'string' ? birthdateText(h.birthdate) : undefined;
    if (name.length > 0) addDetail(list, 'Imię i nazwisko / Name', name.join(' '), 'name');
    if (birthdate !== undefined) addDetail(list, 'Data urodzenia / Date of birth', birthdate, '');
    const c = result.credential;
    if (c !== null && c !== undefined) {
      const doc = DOC[c.doc] || { pl: c.doc, en: '', org: 'Szkoła / School' };
      addDetail(list, doc.org, c.org.name, 'wide');
      addDetail(list, 'mLegitymacja', doc.pl, '', doc.en === '' ? undefined : doc.en);
      addDetail(list, 'Ważna do / Valid until', validUntilText(c.valid_until), '');
    }
    if (typeof result.presented_at === 'string') addDetail(list, 'Czas okazania / Presented at', dateTimeText(result.presented_at), '');

    showScreen('result');
    holdThenIdle();
  }

  function showError(message) {
    document.body.dataset.state = 'error';
    delete document.body.dataset.verdict;
    $('error-message').textContent = message;
    showScreen('error');
    holdThenIdle();
  }

  // ---- connection to the verifier
  function setConnected(connected) {
    document.body.dataset.connection = connected ? 'open' : 'lost';
    $('banner').hidden = connected;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (source !== null) source.close();
    const es = new EventSource(`/v1/display/events${laneQuery}`);
    source = es;
    lastMessageAt = Date.now();
    es.onopen = () => {
      retryMs = 1000;
      lastMessageAt = Date.now();
      // Back after a break: the service may have restarted with other settings.
      if (document.body.dataset.connection === 'lost') void loadConfig(false);
      setConnected(true);
    };
    es.onerror = () => {
      setConnected(false);
      // A network error: EventSource retries by itself (the service asks for 2 s). An
      // answer that was not a stream (a 503 while stopping): it gives up, so we retry.
      if (es.readyState === EventSource.CLOSED && source === es) {
        reconnectTimer = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 10000);
      }
    };
    es.addEventListener('heartbeat', () => {
      lastMessageAt = Date.now();
    });
    es.addEventListener('scan', (e) => {
      lastMessageAt = Date.now();
      const scan = JSON.parse(e.data);
      showResult(scan.result, scan.scanner === scan.lane ? scan.lane : `${scan.lane} · ${scan.scanner}`);
    });
  }

  /** A stream that went quiet (no heartbeat) is dead even when the socket says nothing. */
  function watchdog() {
    if (config === null || source === null) return;
    const limitMs = (config.heartbeatSeconds * 2 + 5) * 1000;
    if (source.readyState === EventSource.OPEN && Date.now() - lastMessageAt > limitMs) {
      setConnected(false);
      connect();
    }
  }

  /** Reads this screen's settings; the first time, then connects to the stream. */
  async function loadConfig(first) {
    try {
      const res = await fetch(`/v1/display/config${laneQuery}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      config = await res.json();
    } catch {
      if (first) {
        setConnected(false);
        setTimeout(() => loadConfig(true), 2000);
      }
      return;
    }
    $('lane-name').textContent = config.lane === null ? 'wszystkie / all lanes' : config.lane;
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: config.timeZone });
      zone = config.timeZone;
    } catch {
      zone = undefined; // a zone this browser does not know: its own clock zone rather than no times at all
    }
    tick();
    // A gate's screen: the verdict fills it, and there is no entry field (its scanner is mleg's).
    const gate = config.layout === 'gate';
    document.documentElement.dataset.layout = config.layout;
    $('entry-form').hidden = gate;
    $('lane-note').hidden = config.known || gate;
    $('lane-note-gate').hidden = config.known || !gate;
    if (first) connect();
  }

  // ---- manual entry: a keyboard-wedge scanner types and ends with Enter; a paste goes at once
  const entry = $('entry');

  function focusEntry() {
    if (!$('entry-form').hidden && document.activeElement !== entry) entry.focus({ preventScroll: true });
  }

  // The text as typed or pasted: only line ends go (the verifier strips one CR/LF itself).
  // Spaces are data: base45 (MLEG2) has one, and a payload is never guessed at.
  const LINE_ENDS = /[\r\n]+$/;

  async function submit(text) {
    const payload = text.replace(LINE_ENDS, '');
    entry.value = '';
    if (payload === '') return;
    let res;
    try {
      res = await fetch('/v1/verify', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload }),
        cache: 'no-store',
      });
    } catch {
      showError('Brak połączenia z weryfikatorem / No connection to the verifier');
      return;
    }
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    if (res.ok && body !== null && typeof body.verdict === 'string') {
      // What the till asked for, shown by the same rules as a scan on this screen.
      showResult(body, 'wpisano ręcznie / manual entry');
    } else {
      const message = body !== null && typeof body.message === 'string' ? body.message : `HTTP ${res.status}`;
      showError(`${REFUSED[res.status] || 'Weryfikator odmówił'} / ${message} (${res.status})`);
    }
  }

  $('entry-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(entry.value);
  });
  entry.addEventListener('paste', (e) => {
    const text = e.clipboardData ? e.clipboardData.getData('text') : '';
    if (text.replace(LINE_ENDS, '') === '') return;
    e.preventDefault();
    void submit(text);
  });
  // Keystrokes from a keyboard-wedge scanner while something else has the focus still reach the field.
  document.addEventListener('keydown', (e) => {
    if (e.target !== entry && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) focusEntry();
  });

  tick();
  setInterval(tick, 1000);
  setInterval(watchdog, 1000);
  idle();
  void loadConfig(true);
})();
