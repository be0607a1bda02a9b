/* global document, location, history, sessionStorage, fetch, URLSearchParams, Node */
// The analytics dashboard (ADR 0124): plain browser script, no dependencies, no inline code (the
// page's Content-Security-Policy allows only this file). Reads `/v1/analytics/*` on the same
// origin (the gateway) with the API key kept in sessionStorage; draws SVG charts with the DOM.
'use strict';
(function () {
  const API = '/v1/analytics';
  const KEY = 'wabridge.analytics.apiKey';
  const DAY_MS = 86400000;
  const SVG = 'http://www.w3.org/2000/svg';
  const FUNNEL = ['accepted', 'sent', 'delivered', 'read', 'failed', 'rejected'];
  const PAIRS = [['acceptedToSent', 'Accepted → sent'], ['sentToDelivered', 'Sent → delivered'], ['deliveredToRead', 'Delivered → read']];

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children (strings become text nodes: nothing is parsed as HTML). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    for (const c of [].concat(children === undefined ? [] : children)) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function isoDay(t) {
    return new Date(t).toISOString().slice(0, 10);
  }

  function formatMs(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    // HDR sketches resolve 1 % (ADR 0121): one decimal of a second is all the precision there is
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms < 3600000) return `${(ms / 60000).toFixed(1)} min`;
    return `${(ms / 3600000).toFixed(1)} h`;
  }

  function formatMoney(value, currency) {
    const n = Number(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
    return currency ? `${n} ${currency}` : n;
  }

  function percent(part, whole) {
    return whole > 0 ? `${((part / whole) * 100).toFixed(1)} %` : '';
  }

  // ---- the API ---------------------------------------------------------------------------

  class ApiFailure extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function get(path, params) {
    return getAt(`${API}${path}`, params);
  }

  /** Any gateway route on this origin (the campaigns view reads `/v1/campaigns`). */
  async function getAt(url, params) {
    const key = sessionStorage.getItem(KEY);
    const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
    const res = await fetch(`${url}?${qs}`, { headers: { authorization: `Bearer ${key}`, accept: 'application/json' }, cache: 'no-store' });
    const text = await res.text();
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const message = body && body.error && body.error.message ? body.error.message : `${res.status} ${res.statusText}`;
      throw new ApiFailure(res.status, message);
    }
    return body;
  }

  // ---- state: the range, kept in the address so a view can be bookmarked --------------------

  function readRange() {
    const q = new URLSearchParams(location.search);
    const today = isoDay(Date.now());
    const valid = (d) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
    const to = valid(q.get('to')) || today;
    const from = valid(q.get('from')) || isoDay(Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS);
    const phone = q.get('phoneNumberId');
    return { from, to, phoneNumberId: phone && /^\d{1,32}$/.test(phone) ? phone : '' };
  }

  function writeRange(range) {
    const q = new URLSearchParams({ from: range.from, to: range.to });
    if (range.phoneNumberId) q.set('phoneNumberId', range.phoneNumberId);
    history.replaceState(null, '', `${location.pathname}?${q}`);
  }

  /** The API's range: whole UTC days, `to` inclusive in the picker, exclusive in the API. */
  function apiRange(range) {
    const from = `${range.from}T00:00:00Z`;
    const to = new Date(Date.parse(`${range.to}T00:00:00Z`) + DAY_MS).toISOString();
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
    return { from, to, phoneNumberId: range.phoneNumberId, interval: days <= 3 ? 'hour' : 'day' };
  }

  // ---- rendering -------------------------------------------------------------------------

  function renderFunnel(s) {
    const rows = FUNNEL.map((m) => ({ metric: m, value: s[m] }));
    const max = Math.max(1, ...rows.map((r) => r.value));
    const rowH = 30;
    const width = 520;
    const labelW = 90;
    const valueW = 150;
    const barMax = width - labelW - valueW;
    const chart = svg('svg', { viewBox: `0 0 ${width} ${rows.length * rowH}`, width: '100%', role: 'img', 'aria-label': 'delivery funnel' });
    rows.forEach((r, i) => {
      const y = i * rowH;
      chart.append(svg('text', { x: 0, y: y + 19 }, r.metric));
      chart.append(svg('rect', { class: `bar ${r.metric}`, x: labelW, y: y + 5, height: rowH - 10, width: Math.max(r.value > 0 ? 2 : 0, (r.value / max) * barMax) }));
      const share = r.metric === 'accepted' || r.metric === 'rejected' ? '' : percent(r.value, s.accepted);
      chart.append(svg('text', { x: labelW + barMax + 8, y: y + 19, 'data-testid': `funnel-${r.metric}`, 'data-value': r.value }, r.value));
      if (share) chart.append(svg('text', { x: labelW + barMax + 70, y: y + 19, class: 'muted' }, share));
    });
    const box = clear($('funnel'));
    box.append(chart);
    box.append(el('p', { class: 'note' }, [`Inbound messages: `, el('strong', { 'data-testid': 'inbound' }, s.inbound), '. Percentages are of accepted; rejected messages were refused before acceptance.']));
  }

  function renderCost(cost) {
    const currency = cost.currency || '';
    const total = $('cost-total');
    total.textContent = cost.currency ? formatMoney(cost.total, currency) : 'no rate card';
    total.setAttribute('data-value', cost.total);
    const cats = Object.entries(cost.byCategory).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const box = clear($('cost'));
    if (cats.length === 0) {
      box.append(el('p', { class: 'note' }, 'No billable or priced messages in this range.'));
    } else {
      const max = Math.max(...cats.map(([, v]) => v), 0) || 1;
      const rowH = 28;
      const width = 520;
      const labelW = 200;
      const valueW = 120;
      const chart = svg('svg', { viewBox: `0 0 ${width} ${cats.length * rowH}`, width: '100%', role: 'img', 'aria-label': 'cost by category' });
      cats.forEach(([cat, amount], i) => {
        const y = i * rowH;
        chart.append(svg('text', { x: 0, y: y + 18 }, cat));
        chart.append(svg('rect', { class: 'bar', x: labelW, y: y + 5, height: rowH - 10, width: (amount / max) * (width - labelW - valueW) }));
        chart.append(svg('text', { x: width - valueW + 8, y: y + 18, 'data-testid': `cost-${cat}`, 'data-value': amount }, formatMoney(amount, currency)));
      });
      box.append(chart);
    }
    const lines = cost.lines || [];
    if (lines.length > 0) {
      const head = el('tr', {}, ['category', 'type', 'model', 'market', 'billable', 'free', 'unit price', currency ? `amount (${currency})` : 'amount'].map((h, i) => el('th', { class: i >= 4 ? 'num' : undefined }, h)));
      const body = lines.map((l) => el('tr', {}, [
        el('td', {}, l.category), el('td', {}, l.type), el('td', {}, l.pricingModel), el('td', {}, l.market ? `+${l.market}` : ''),
        el('td', { class: 'num' }, l.billable), el('td', { class: 'num' }, l.free),
        el('td', { class: 'num' }, l.unitPrice === null ? '–' : formatMoney(l.unitPrice, '')), el('td', { class: 'num' }, formatMoney(l.amount, '')),
      ]));
      box.append(el('table', { class: 'lines' }, [head, ...body]));
    }
    $('cost-unpriced').textContent = cost.unpriced && cost.unpriced.length > 0
      ? `No price on the rate card for: ${cost.unpriced.join(', ')} (counted as 0).` : '';
  }

  function renderLatencySummary(latency) {
    const table = clear($('latency-summary'));
    table.append(el('tr', {}, [el('th', {}, 'step'), el('th', { class: 'num' }, 'p50'), el('th', { class: 'num' }, 'p95'), el('th', { class: 'num' }, 'p99'), el('th', { class: 'num' }, 'samples')]));
    for (const [pair, label] of PAIRS) {
      const p = latency[pair];
      table.append(el('tr', { 'data-testid': `latency-${pair}` }, [
        el('td', {}, label), el('td', { class: 'num' }, formatMs(p.p50)), el('td', { class: 'num' }, formatMs(p.p95)),
        el('td', { class: 'num' }, formatMs(p.p99)), el('td', { class: 'num' }, p.samples),
      ]));
    }
  }

  /** p50 and p95 per bucket as two lines; buckets without samples leave gaps. */
  function latencyChart(points, pair, label, interval) {
    const w = 360;
    const h = 160;
    const padL = 56;
    const padB = 22;
    const values = points.flatMap((p) => [p[pair].p50, p[pair].p95]).filter((v) => v !== null);
    const max = Math.max(1, ...values);
    const x = (i) => padL + (points.length <= 1 ? (w - padL) / 2 : (i / (points.length - 1)) * (w - padL - 8));
    const y = (v) => h - padB - (v / max) * (h - padB - 10);
    const chart = svg('svg', { viewBox: `0 0 ${w} ${h}`, width: '100%', role: 'img', 'aria-label': `${label} latency` });
    chart.append(svg('line', { class: 'axis', x1: padL, y1: h - padB, x2: w, y2: h - padB }));
    chart.append(svg('line', { class: 'axis', x1: padL, y1: 10, x2: padL, y2: h - padB }));
    chart.append(svg('text', { x: 0, y: 16, class: 'muted' }, formatMs(max)));
    chart.append(svg('text', { x: 0, y: h - padB, class: 'muted' }, '0'));
    if (points.length > 0) {
      const fmt = (at) => (interval === 'hour' ? `${at.slice(5, 10)} ${at.slice(11, 16)}` : at.slice(0, 10));
      chart.append(svg('text', { x: padL, y: h - 4, class: 'muted' }, fmt(points[0].at)));
      chart.append(svg('text', { x: w - 90, y: h - 4, class: 'muted' }, fmt(points[points.length - 1].at)));
    }
    for (const [p, cls] of [['p50', 'p50'], ['p95', 'p95']]) {
      let d = '';
      let pen = false;
      points.forEach((pt, i) => {
        const v = pt[pair][p];
        if (v === null) { pen = false; return; }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
        pen = true;
        chart.append(svg('circle', { class: cls === 'p50' ? 'dot50' : 'dot95', cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5 }));
      });
      if (d) chart.append(svg('path', { class: cls, d }));
    }
    return el('div', { class: 'chart' }, [el('h3', {}, [label, ' ', el('span', { class: 'legend-p50' }, 'p50'), ' / ', el('span', { class: 'legend-p95' }, 'p95')]), chart]);
  }

  function renderLatencyCharts(series) {
    const box = clear($('latency-charts'));
    for (const [pair, label] of PAIRS) box.append(latencyChart(series.data, pair, label, series.interval));
  }

  function renderErrors(errors) {
    const table = clear($('errors'));
    if (errors.length === 0) {
      table.append(el('tr', {}, el('td', {}, 'No failed or rejected messages in this range.')));
      return;
    }
    table.append(el('tr', {}, ['code', 'class', 'failed', 'rejected', "Meta's explanation", 'what the platform did'].map((h, i) => el('th', { class: i === 2 || i === 3 ? 'num' : undefined }, h))));
    for (const e of errors) {
      table.append(el('tr', { 'data-testid': `error-${e.code === null ? e.class : e.code}` }, [
        el('td', {}, e.code === null ? '–' : e.code), el('td', {}, e.class), el('td', { class: 'num' }, e.failed), el('td', { class: 'num' }, e.rejected),
        el('td', {}, e.title || (e.code === null ? '' : 'no title reported')), el('td', {}, e.action),
      ]));
    }
  }

  function renderNumbers(numbers) {
    const table = clear($('numbers'));
    if (numbers.length === 0) {
      table.append(el('tr', {}, el('td', {}, 'No numbers registered for this tenant yet.')));
      return;
    }
    table.append(el('tr', {}, ['number', 'phone number id', 'status', 'messaging tier', 'quality (last event)', 'limit', 'since'].map((h) => el('th', {}, h))));
    for (const n of numbers) {
      const q = n.quality;
      table.append(el('tr', { 'data-testid': `number-${n.phoneNumberId}` }, [
        el('td', {}, n.displayPhoneNumber ? `+${n.displayPhoneNumber}` : '–'), el('td', {}, n.phoneNumberId),
        el('td', {}, n.status ? (n.pausedReason ? `${n.status} (${n.pausedReason})` : n.status) : '–'),
        el('td', { 'data-testid': 'tier' }, n.tier || '–'),
        el('td', { class: q && q.event ? `quality-${q.event}` : undefined }, q ? q.event || '–' : 'no quality event received'),
        el('td', {}, q && q.currentLimit ? q.currentLimit : '–'), el('td', {}, q ? q.at.slice(0, 16).replace('T', ' ') : '–'),
      ]));
    }
  }

  const CAMPAIGN_COUNTS = ['total', 'queued', 'sent', 'delivered', 'read', 'failed', 'skipped'];

  /** The latest campaigns with their live counts and cost (`GET /v1/campaigns/:id`; ADR 0155). Not range-bound. */
  function renderCampaigns(campaigns) {
    const table = clear($('campaigns'));
    if (campaigns.length === 0) {
      table.append(el('tr', {}, el('td', {}, 'No campaigns yet.')));
      return;
    }
    table.append(el('tr', {}, ['campaign', 'status', ...CAMPAIGN_COUNTS, 'cost'].map((h, i) => el('th', { class: i >= 2 ? 'num' : undefined }, h))));
    for (const c of campaigns) {
      const counts = c.counts || {};
      const cost = c.cost ? formatMoney(c.cost.total, c.cost.currency) : '–';
      table.append(el('tr', { 'data-testid': `campaign-${c.id}` }, [
        el('td', {}, c.name), el('td', {}, c.status), ...CAMPAIGN_COUNTS.map((k) => el('td', { class: 'num' }, counts[k] === undefined ? '–' : counts[k])),
        el('td', { class: 'num', title: c.cost ? '' : 'analytics could not be asked' }, cost),
      ]));
    }
  }

  async function loadCampaigns() {
    try {
      const list = await getAt('/v1/campaigns', { limit: 10 });
      const campaigns = await Promise.all(list.data.map((c) => getAt(`/v1/campaigns/${encodeURIComponent(c.id)}`, {})));
      renderCampaigns(campaigns);
      $('campaigns-error').textContent = '';
    } catch (err) {
      clear($('campaigns'));
      $('campaigns-error').textContent = err instanceof ApiFailure && err.status === 403
        ? 'This key may not read campaigns (it needs the campaigns scope).'
        : `Could not load campaigns: ${err.message}`;
    }
  }

  function fillNumbers(numbers, selected) {
    const select = $('number');
    for (const opt of [...select.options].slice(1)) opt.remove();
    for (const n of numbers) select.append(el('option', { value: n.phoneNumberId }, n.displayPhoneNumber ? `+${n.displayPhoneNumber}` : n.phoneNumberId));
    select.value = numbers.some((n) => n.phoneNumberId === selected) ? selected : '';
  }

  // ---- flow ------------------------------------------------------------------------------

  function showLogin(message) {
    document.body.setAttribute('data-state', 'login');
    $('board').hidden = true;
    $('sign-out').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('api-key').focus();
  }

  let loading = 0;
  async function load() {
    const range = readRange();
    $('from').value = range.from;
    $('to').value = range.to;
    $('login').hidden = true;
    $('board').hidden = false;
    $('sign-out').hidden = false;
    $('board-error').textContent = '';
    $('status').textContent = 'Loading…';
    document.body.setAttribute('data-state', 'loading');
    const mine = ++loading;
    const q = apiRange(range);
    const scope = { from: q.from, to: q.to, phoneNumberId: q.phoneNumberId };
    try {
      const [summary, cost, latency, errors, numbers] = await Promise.all([
        get('/summary', scope), get('/cost', scope), get('/latency', { ...scope, interval: q.interval }),
        get('/errors', { ...scope, limit: 10 }), get('/numbers', {}),
      ]);
      if (mine !== loading) return;
      fillNumbers(numbers.data, range.phoneNumberId);
      renderFunnel(summary);
      renderCost(cost);
      renderLatencySummary(summary.latencyMs);
      renderLatencyCharts(latency);
      renderErrors(errors.data);
      renderNumbers(numbers.data);
      await loadCampaigns(); // its own card: a key without the campaigns scope still sees the rest
      if (mine !== loading) return;
      $('status').textContent = `${range.from} to ${range.to} (UTC), ${q.interval === 'hour' ? 'hourly' : 'daily'} points; loaded ${new Date().toISOString().slice(11, 19)} UTC`;
      document.body.setAttribute('data-state', 'ready');
    } catch (err) {
      if (mine !== loading) return;
      if (err instanceof ApiFailure && (err.status === 401 || err.status === 403)) {
        sessionStorage.removeItem(KEY);
        showLogin(`The key was refused: ${err.message}`);
        return;
      }
      $('status').textContent = '';
      $('board-error').textContent = `Could not load analytics: ${err.message}`;
      document.body.setAttribute('data-state', 'error');
    }
  }

  function start() {
    $('login-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const key = $('api-key').value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY, key);
      $('api-key').value = '';
      void load();
    });
    $('range-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const from = $('from').value;
      const to = $('to').value;
      if (!from || !to || from > to) {
        $('board-error').textContent = 'Pick a start date on or before the end date.';
        return;
      }
      writeRange({ from, to, phoneNumberId: $('number').value });
      void load();
    });
    $('sign-out').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      showLogin('');
    });
    if (sessionStorage.getItem(KEY)) void load();
    else showLogin('');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
