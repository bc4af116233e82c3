// The fleet page (served by mleg at /fleet with replay.store "redis"): a tile per node and
// lane of every verifier sharing this Redis — the lane's last verdict, its scanners
// connected or not, the node's status lists and replay sharing, and a warning when a
// node stops heartbeating. Nodes from /v1/fleet (polled), scans live from
// /v1/events?scope=fleet. Polish first, English on the switch. Plain browser JavaScript,
// no build step; text is only ever set with textContent.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 2000;

  const TEXTS = {
    pl: {
      title: 'Stanowiska',
      switchTo: 'English',
      noConnection: 'Brak połączenia z weryfikatorem — ponawiam…',
      redisDown: 'Wspólny Redis nie odpowiada — widok może być nieaktualny',
      noFleet: 'Ten weryfikator nie należy do floty (replay.store „memory”).',
      noNodes: 'Żaden weryfikator nie zgłasza się do wspólnego Redis.',
      nodes: ['weryfikator', 'weryfikatory', 'weryfikatorów'],
      lanes: ['stanowisko', 'stanowiska', 'stanowisk'],
      shared: 'Wspólna pamięć użytych kodów',
      local: 'Pamięć użytych kodów tylko lokalna',
      list: (age) => `Lista unieważnień: ${age}`,
      listUnusable: 'Lista unieważnień nieużywalna',
      noList: 'Brak listy unieważnień',
      stale: (at) => `Brak sygnału od ${at}`,
      missing: (at) => `Brak sygnału od ${at} — weryfikator zniknął z listy`,
      valid: 'WAŻNA',
      invalid: 'NIEWAŻNA',
      noScans: 'Brak skanów',
      apiOnly: 'Bez skanerów (tylko API)',
      at: (time, scanner) => `${time} · skaner ${scanner}`,
      scannerUp: (id) => `Skaner ${id}: połączony`,
      scannerDown: (id) => `Skaner ${id}: odłączony`,
      version: (v) => `wersja ${v}`,
    },
    en: {
      title: 'Gates',
      switchTo: 'Polski',
      noConnection: 'No connection to the verifier — reconnecting…',
      redisDown: 'The shared Redis is not answering — this view may be out of date',
      noFleet: 'This verifier is not part of a fleet (replay.store "memory").',
      noNodes: 'No verifier reports to the shared Redis.',
      nodes: ['verifier', 'verifiers'],
      lanes: ['lane', 'lanes'],
      shared: 'Shared replay memory',
      local: 'Local replay memory only',
      list: (age) => `Revocation list: ${age} old`,
      listUnusable: 'Revocation list unusable',
      noList: 'No revocation list yet',
      stale: (at) => `No heartbeat since ${at}`,
      missing: (at) => `No heartbeat since ${at} — the verifier left the list`,
      valid: 'VALID',
      invalid: 'NOT VALID',
      noScans: 'No scans yet',
      apiOnly: 'No scanners (API only)',
      at: (time, scanner) => `${time} · scanner ${scanner}`,
      scannerUp: (id) => `Scanner ${id}: connected`,
      scannerDown: (id) => `Scanner ${id}: disconnected`,
      version: (v) => `version ${v}`,
    },
  };

  const params = new URLSearchParams(location.search);
  let lang = params.get('lang') === 'en' ? 'en' : 'pl';
  let config = null;
  let problem = 'noConnection'; // the banner's text key, or null
  let noFleet = false;
  let source = null;
  /** id → { node, changedAt (this page's clock, when seen_at last changed), missing } */
  const nodes = new Map();
  /** "node\u0000lane" → { verdict, scanner, at, fresh } */
  const scans = new Map();

  const t = () => TEXTS[lang];
  const pad = (n) => String(n).padStart(2, '0');
  const timeText = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const ageText = (s) => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`);
  /** Polish has three plural forms (1 / 2–4 / 5+), English two. */
  function counted(n, forms) {
    if (forms.length === 2) return `${n} ${n === 1 ? forms[0] : forms[1]}`;
    const few = n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14);
    return `${n} ${n === 1 ? forms[0] : few ? forms[1] : forms[2]}`;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- what is shown
  function laneIds(id, node) {
    const ids = node.lanes.map((l) => l.id);
    for (const key of scans.keys()) {
      const [n, lane] = key.split('\u0000');
      if (n === id && !ids.includes(lane)) ids.push(lane);
    }
    return ids;
  }

  function heartbeatWarning(entry) {
    const seen = timeText(new Date(entry.node.seen_at));
    if (entry.missing) return t().missing(seen);
    const limitMs = ((entry.node.heartbeat_seconds || 5) * 2.5 + 2) * 1000;
    return Date.now() - entry.changedAt > limitMs ? t().stale(seen) : null;
  }

  function laneTile(id, node, lane) {
    const tile = el('section', 'lane-tile');
    tile.dataset.node = id;
    tile.dataset.lane = lane;
    tile.append(el('h3', '', lane));
    const scan = scans.get(`${id}\u0000${lane}`);
    const verdict = el('p', 'lane-verdict');
    if (scan === undefined) {
      tile.dataset.state = 'idle';
      verdict.textContent = '—';
      tile.append(verdict, el('p', 'lane-reason', t().noScans));
    } else {
      const valid = scan.verdict === 'VALID';
      tile.dataset.state = valid ? 'valid' : 'invalid';
      tile.dataset.verdict = scan.verdict;
      const mark = el('span', 'mark', valid ? '✓' : '✗');
      mark.setAttribute('aria-hidden', 'true');
      verdict.append(mark, document.createTextNode(valid ? t().valid : t().invalid));
      const reason = config === null ? scan.verdict : config.verdicts[scan.verdict][lang];
      tile.append(verdict, el('p', 'lane-reason', reason), el('p', 'lane-time', t().at(timeText(new Date(scan.at)), scan.scanner)));
      if (scan.fresh) tile.classList.add('flash');
      scan.fresh = false;
    }
    const list = el('ul', 'lane-scanners');
    for (const s of node.scanners.filter((x) => (x.lane ?? x.id) === lane)) {
      const item = el('li');
      item.append(s.connected ? el('span', 'up', t().scannerUp(s.id)) : el('span', 'down', `⚠ ${t().scannerDown(s.id)}`));
      list.append(item);
    }
    tile.append(list);
    return tile;
  }

  function nodeSection(id, entry) {
    const { node } = entry;
    const section = el('section', 'node');
    section.dataset.node = id;
    const head = el('div', 'node-head');
    head.append(el('h2', '', id), el('span', 'node-version', t().version(node.version)));
    const facts = el('ul', 'facts');
    facts.append(el('li', node.sharing ? 'fact' : 'fact warn', node.sharing ? t().shared : t().local));
    if (node.status_lists.length === 0) facts.append(el('li', 'fact warn', t().noList));
    for (const list of node.status_lists) {
      const usable = list.usable && list.age_seconds !== null;
      const fact = el('li', usable ? 'fact' : 'fact warn', usable ? t().list(ageText(list.age_seconds)) : t().listUnusable);
      fact.title = list.uri;
      facts.append(fact);
    }
    section.append(head, facts);
    const warning = heartbeatWarning(entry);
    section.dataset.heartbeat = warning === null ? 'ok' : 'lost';
    if (warning !== null) section.append(el('p', 'node-warning', warning));
    const lanes = el('div', 'lanes');
    const ids = laneIds(id, node);
    if (ids.length === 0) {
      const tile = el('section', 'lane-tile api-only');
      tile.dataset.state = 'idle';
      tile.append(el('h3', '', t().apiOnly));
      lanes.append(tile);
    }
    for (const lane of ids) lanes.append(laneTile(id, node, lane));
    section.append(lanes);
    return section;
  }

  function render() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll('[data-text]')) e.textContent = t()[e.dataset.text];
    const button = $('lang');
    button.textContent = t().switchTo;
    button.lang = lang === 'pl' ? 'en' : 'pl';
    button.setAttribute('aria-pressed', String(lang === 'en'));
    $('banner').hidden = problem === null;
    if (problem !== null) $('banner-text').textContent = t()[problem];
    document.body.dataset.connection = problem === null ? 'open' : 'lost';

    const ids = [...nodes.keys()].sort();
    const laneCount = ids.reduce((sum, id) => sum + laneIds(id, nodes.get(id).node).length, 0);
    $('summary').textContent = ids.length === 0 ? '' : `${counted(ids.length, t().nodes)} · ${counted(laneCount, t().lanes)}`;
    $('empty').hidden = ids.length > 0;
    if (noFleet) $('empty').textContent = t().noFleet;
    $('nodes').replaceChildren(...ids.map((id) => nodeSection(id, nodes.get(id))));
  }

  // ---- data
  async function poll() {
    let res;
    try {
      res = await fetch('/v1/fleet', { cache: 'no-store' });
    } catch {
      problem = 'noConnection';
      render();
      return;
    }
    if (res.status === 404) {
      noFleet = true;
      problem = null;
    } else if (!res.ok) {
      problem = 'redisDown';
    } else {
      problem = source !== null && source.readyState === EventSource.OPEN ? null : 'noConnection';
      const listed = new Set();
      for (const node of (await res.json()).nodes) {
        listed.add(node.id);
        const entry = nodes.get(node.id);
        const changedAt = entry === undefined || entry.node.seen_at !== node.seen_at ? Date.now() : entry.changedAt;
        nodes.set(node.id, { node, changedAt, missing: false });
        for (const lane of node.lanes) {
          const key = `${node.id}\u0000${lane.id}`;
          const known = scans.get(key);
          if (lane.last_scan !== null && (known === undefined || Date.parse(known.at) < Date.parse(lane.last_scan.at))) scans.set(key, { ...lane.last_scan, fresh: false });
        }
      }
      for (const [id, entry] of nodes) if (!listed.has(id)) entry.missing = true;
    }
    render();
  }

  function connect() {
    source = new EventSource('/v1/events?scope=fleet');
    source.onopen = () => {
      if (problem === 'noConnection') problem = null;
      render();
    };
    source.onerror = () => {
      // The browser reconnects by itself (sending Last-Event-ID: what was missed comes then).
      problem = 'noConnection';
      render();
    };
    source.addEventListener('scan', (e) => {
      const scan = JSON.parse(e.data);
      scans.set(`${scan.node}\u0000${scan.lane}`, { verdict: scan.verdict, scanner: scan.scanner, at: scan.at, fresh: true });
      render();
      // Tiles are redrawn every second: a screen reader hears each scan from one live region instead.
      $('announce').textContent = `${scan.node}, ${scan.lane}: ${scan.verdict === 'VALID' ? t().valid : t().invalid}`;
    });
  }

  async function loadConfig() {
    try {
      const res = await fetch('/v1/fleet/config', { cache: 'no-store' });
      if (res.ok) config = await res.json();
    } catch {
      setTimeout(loadConfig, POLL_MS);
    }
  }

  $('lang').addEventListener('click', () => {
    lang = lang === 'pl' ? 'en' : 'pl';
    const url = new URL(location.href);
    if (lang === 'en') url.searchParams.set('lang', 'en');
    else url.searchParams.delete('lang');
    history.replaceState(null, '', url);
    render();
  });

  function tick() {
    $('clock').textContent = timeText(new Date());
  }

  tick();
  setInterval(tick, 1000);
  render();
  void loadConfig().then(() => {
    connect();
    void poll();
    setInterval(poll, POLL_MS);
    setInterval(render, 1000); // heartbeat warnings come with time
  });
})();
