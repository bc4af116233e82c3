// The result display (served by mleg at /): idle screen with the lane and the time; each
// scan of the lane full screen, green or red, with icon, words and details; back to idle
// after display.holdSeconds. Scans come from /v1/display/events (already cut down to the
// holder fields this lane's screen may show); the manual entry field posts to /v1/verify.
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

  // ---- time, in the browser's time zone (Europe/Warsaw on site), as mLegitymacja shows it
  const pad = (n) => String(n).padStart(2, '0');
  const dateText = (d) => `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
  const timeText = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const dateTimeText = (iso) => {
    const d = new Date(iso);
    return `${dateText(d)} ${timeText(d)}`;
  };
  /** valid_until: the date, and the time only when it is not the end of a day. */
  const validUntilText = (iso) => {
    const d = new Date(iso);
    const endOfDay = d.getHours() === 23 && d.getMinutes() === 59;
    return endOfDay ? dateText(d) : `${dateText(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
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
    $('reason-raw').textContent = `${result.verdict}: ${result.reason}`;
    $('source').textContent = where;
    const unchecked = result.valid && result.status && result.status.checked === false;
    $('warning').hidden = !unchecked;
    $('warning').textContent = unchecked ? 'Nie sprawdzono, czy nie unieważniona / Revocation not checked' : '';

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
    $('lane-note').hidden = config.known;
    if (first) connect();
  }

  // ---- manual entry: a keyboard-wedge scanner types and ends with Enter; a paste goes at once
  const entry = $('entry');

  function focusEntry() {
    if (document.activeElement !== entry) entry.focus({ preventScroll: true });
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
