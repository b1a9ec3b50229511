/* Spanwise trace viewer: plain DOM, no framework. Time computations come from timing.js (window.SpanwiseTiming). */
(function () {
  'use strict';
  var T = window.SpanwiseTiming;
  var ROW_H = 24;
  var OVERSCAN = 12;
  var INDENT_PX = 12;
  var MAX_INDENT_LEVELS = 30;
  var PALETTE = ['#2b7bb9', '#e08a1e', '#2e9d4f', '#8e5cc9', '#c2478a', '#1b9aaa', '#8c6d31', '#5d6fd6', '#6b8e23', '#d0604a'];

  var main = document.getElementById('main');
  var filtersForm = document.getElementById('filters');
  var live = document.getElementById('live');
  var messageBox = document.getElementById('message');
  var view = { name: '', traceId: '', refresh: null, traceChanged: null };

  /* ---------- helpers ---------- */

  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'text') el.textContent = v;
        else if (k === 'style') el.style.cssText = v;
        else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
        else el.setAttribute(k, v === true ? '' : v);
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  // Colours are handed out in the order services are first seen, so the first ten never share one.
  var serviceColors = new Map();
  function colorOf(service) {
    if (!serviceColors.has(service)) serviceColors.set(service, PALETTE[serviceColors.size % PALETTE.length]);
    return serviceColors.get(service);
  }

  function chip(service) {
    return h('span', { class: 'chip', style: '--c:' + colorOf(service) }, service);
  }

  function fmtDur(us) {
    if (!isFinite(us)) return '–';
    if (us < 1000) return Math.round(us) + ' µs';
    if (us < 1e6) return (us / 1000).toFixed(2) + ' ms';
    return (us / 1e6).toFixed(2) + ' s';
  }

  function fmtBytes(n) {
    return n < 1048576 ? Math.ceil(n / 1024) + ' KB' : (n / 1048576).toFixed(1) + ' MB';
  }

  function fmtTime(us) {
    var d = new Date(us / 1000);
    var pad = function (n, w) { return String(n).padStart(w, '0'); };
    return pad(d.getHours(), 2) + ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) + '.' + pad(d.getMilliseconds(), 3);
  }

  function isError(span) {
    return span.tags.error === true || span.tags.error === 'true';
  }

  function getJson(url) {
    return fetch(url, { cache: 'no-store' }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body && body.error ? body.error : res.status + ' ' + res.statusText);
        return body;
      });
    });
  }

  var STALE = {};
  /** getJson for a view's refresh: the answer to a request made before a newer one is STALE (filters typed fast). */
  function latestJson() {
    var last = 0;
    return function (url) {
      var mine = ++last;
      return getJson(url).then(function (body) { return mine === last ? body : STALE; });
    };
  }

  function say(text, bad) {
    messageBox.hidden = !text;
    messageBox.textContent = text || '';
    messageBox.className = 'message' + (bad ? ' bad' : '');
  }

  function kvTable(record, label) {
    var keys = Object.keys(record).sort();
    if (!keys.length) return h('p', { class: 'muted' }, 'none');
    var body = h('tbody');
    keys.forEach(function (k) {
      body.append(h('tr', { 'data-key': k }, h('td', null, k), h('td', null, String(record[k]))));
    });
    return h('table', { 'aria-label': label }, body);
  }

  /* ---------- filters and routing ---------- */

  function readFilters() {
    var f = new FormData(filtersForm);
    var q = new URLSearchParams();
    ['service', 'operation', 'tag', 'minDuration'].forEach(function (k) {
      var v = String(f.get(k) || '').trim();
      if (v) q.set(k, v);
    });
    if (f.get('errors')) q.set('errors', '1');
    return q;
  }

  function writeFilters(q) {
    filtersForm.elements.service.value = q.get('service') || '';
    if (filtersForm.elements.service.value !== (q.get('service') || '')) {
      filtersForm.elements.service.append(h('option', { value: q.get('service') }, q.get('service')));
      filtersForm.elements.service.value = q.get('service');
    }
    filtersForm.elements.operation.value = q.get('operation') || '';
    filtersForm.elements.tag.value = q.get('tag') || '';
    filtersForm.elements.minDuration.value = q.get('minDuration') || '';
    filtersForm.elements.errors.checked = q.get('errors') === '1';
  }

  function parseHash() {
    var hash = location.hash.replace(/^#/, '') || '/';
    var qi = hash.indexOf('?');
    var path = qi < 0 ? hash : hash.slice(0, qi);
    var query = new URLSearchParams(qi < 0 ? '' : hash.slice(qi + 1));
    var m = /^\/trace\/([0-9a-fA-F]+)$/.exec(path);
    if (m) return { name: 'trace', traceId: m[1].toLowerCase(), query: query };
    return { name: path === '/time' ? 'time' : 'list', query: query };
  }

  function filterHash(name) {
    var q = readFilters().toString();
    return '#/' + (name === 'time' ? 'time' : '') + (q ? '?' + q : '');
  }

  function updateLinks() {
    var q = readFilters().toString();
    var exportLink = document.getElementById('export');
    exportLink.href = view.name === 'trace' ? 'api/export?trace=' + view.traceId : 'api/export' + (q ? '?' + q : '');
    exportLink.textContent = view.name === 'trace' ? 'Export trace' : 'Export JSON';
    exportLink.download = view.name === 'trace' ? 'trace-' + view.traceId + '.json' : 'spanwise-traces.json';
    document.getElementById('nav-list').href = filterHash('list');
    document.getElementById('nav-time').href = filterHash('time');
  }

  // The address follows the form at once (a click away and back keeps the filter even while the
  // refresh is still debounced); only the request to the server waits for typing to pause.
  var filterTimer = 0;
  function onFilterInput() {
    updateLinks();
    if (view.name === 'list' || view.name === 'time') history.replaceState(null, '', filterHash(view.name));
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () {
      if ((view.name === 'list' || view.name === 'time') && view.refresh) view.refresh();
    }, 200);
  }
  filtersForm.addEventListener('input', onFilterInput);
  filtersForm.addEventListener('change', onFilterInput);
  filtersForm.addEventListener('submit', function (e) { e.preventDefault(); });
  filtersForm.addEventListener('reset', function () { setTimeout(onFilterInput, 0); });
  filtersForm.elements.service.addEventListener('change', loadOperations);

  function loadOperations() {
    var service = filtersForm.elements.service.value;
    getJson('api/operations' + (service ? '?service=' + encodeURIComponent(service) : '')).then(function (ops) {
      document.getElementById('operations').replaceChildren.apply(document.getElementById('operations'), ops.map(function (o) { return h('option', { value: o }); }));
    }).catch(function () {});
  }

  function setServices(services) {
    var select = filtersForm.elements.service;
    var current = select.value;
    var options = [h('option', { value: '' }, 'all')].concat(services.map(function (s) { return h('option', { value: s }, s); }));
    if (current && services.indexOf(current) < 0) options.push(h('option', { value: current }, current));
    select.replaceChildren.apply(select, options);
    select.value = current;
  }

  function route() {
    var r = parseHash();
    view = { name: r.name, traceId: r.traceId || '', refresh: null, traceChanged: null };
    document.getElementById('nav-list').removeAttribute('aria-current');
    document.getElementById('nav-time').removeAttribute('aria-current');
    if (r.name === 'list') document.getElementById('nav-list').setAttribute('aria-current', 'page');
    if (r.name === 'time') document.getElementById('nav-time').setAttribute('aria-current', 'page');
    filtersForm.hidden = r.name === 'trace';
    if (r.name !== 'trace') writeFilters(r.query);
    updateLinks();
    main.replaceChildren();
    if (r.name === 'trace') showTrace(r.traceId);
    else if (r.name === 'time') showTime();
    else showList();
  }
  window.addEventListener('hashchange', route);

  /* ---------- live updates ---------- */

  var refreshTimer = 0;
  function connectEvents() {
    var events = new EventSource('api/events');
    events.onopen = function () { live.textContent = 'live'; live.className = 'live on'; };
    events.onerror = function () { live.textContent = 'reconnecting…'; live.className = 'live'; };
    events.addEventListener('traces', function (e) {
      var ids = JSON.parse(e.data);
      if (view.name === 'trace') {
        if (ids.indexOf(view.traceId) >= 0 && view.traceChanged) view.traceChanged();
        return;
      }
      // throttled, not debounced: a steady flow of spans must not postpone the refresh forever
      if (refreshTimer) return;
      refreshTimer = setTimeout(function () {
        refreshTimer = 0;
        if (view.refresh) view.refresh();
      }, view.name === 'time' ? 1000 : 250);
    });
  }

  /* ---------- trace list ---------- */

  function showList() {
    var heading = h('h2', null, 'Traces');
    var summary = h('p', { class: 'muted', id: 'list-summary' });
    var body = h('tbody');
    var table = h('table', { class: 'data', id: 'trace-list', 'aria-labelledby': 'list-heading' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Start'), h('th', { scope: 'col' }, 'Root'), h('th', { scope: 'col', class: 'num' }, 'Duration'),
        h('th', { scope: 'col', class: 'num' }, 'Spans'), h('th', { scope: 'col' }, 'Services'), h('th', { scope: 'col', class: 'num' }, 'Errors'))),
      body);
    heading.id = 'list-heading';
    main.append(heading, summary, table);
    var myView = view;
    var fetchLatest = latestJson();
    view.refresh = function () {
      var q = readFilters().toString();
      return fetchLatest('api/traces' + (q ? '?' + q : '')).then(function (res) {
        if (view !== myView || res === STALE) return;
        setServices(res.services);
        var focusedId = document.activeElement && document.activeElement.closest && document.activeElement.closest('tr[data-trace-id]');
        focusedId = focusedId && focusedId.getAttribute('data-trace-id');
        body.replaceChildren.apply(body, res.traces.map(listRow));
        if (focusedId) {
          var again = body.querySelector('tr[data-trace-id="' + focusedId + '"] a');
          if (again) again.focus();
        }
        var st = res.stats;
        summary.textContent = res.traces.length + ' of ' + res.total + ' traces shown · ' + st.spans + ' spans held (about ' + fmtBytes(st.bytes) + ')' +
          (st.evictedTraces ? ' · ' + st.evictedTraces + ' older traces forgotten to stay within the memory bound' : '');
        if (!res.total) summary.textContent = 'No traces yet: spans sent to this agent appear here as they arrive.';
      }).catch(function (e) { say('Cannot load traces: ' + e.message, true); });
    };
    view.refresh();
    loadOperations();
  }

  function listRow(t) {
    return h('tr', { 'data-trace-id': t.traceId },
      h('td', { class: 'start' }, fmtTime(t.startTime)),
      h('td', { class: 'root' }, h('a', { href: '#/trace/' + t.traceId, title: 'trace ' + t.traceId },
        h('span', { class: 'swatch', style: '--c:' + colorOf(t.rootService) }), t.rootService + ': ' + t.rootOperation)),
      h('td', { class: 'num duration', 'data-us': t.duration }, fmtDur(t.duration)),
      h('td', { class: 'num spans' }, t.spanCount),
      h('td', { class: 'services wrap' }, t.services.map(chip).reduce(function (f, c) { f.append(c); return f; }, document.createDocumentFragment())),
      h('td', { class: 'num errors' + (t.errors ? ' err' : '') }, t.errors ? '✖ ' + t.errors : '0'));
  }

  /* ---------- where the time goes ---------- */

  function showTime() {
    var heading = h('h2', { id: 'time-heading' }, 'Where the time goes');
    var intro = h('p', { class: 'muted' }, 'Over the traces in view: self time (the part of a span not covered by its children, usually CPU or waiting in that service) summed by service and operation, largest first. p50 and p99 are of the spans\u2019 durations.');
    var body = h('tbody');
    var table = h('table', { class: 'data', id: 'time-table', 'aria-labelledby': 'time-heading' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Operation'), h('th', { scope: 'col', class: 'num' }, 'Spans'),
        h('th', { scope: 'col', class: 'num' }, 'Total self time'), h('th', { scope: 'col', class: 'num' }, 'Share'),
        h('th', { scope: 'col', class: 'num' }, 'p50'), h('th', { scope: 'col', class: 'num' }, 'p99'), h('th', { scope: 'col' }, 'Slowest traces'))),
      body);
    main.append(heading, intro, table);
    var myView = view;
    var fetchLatest = latestJson();
    view.refresh = function () {
      var q = readFilters().toString();
      return fetchLatest('api/time' + (q ? '?' + q : '')).then(function (rows) {
        if (view !== myView || rows === STALE) return;
        var total = rows.reduce(function (n, r) { return n + r.selfTotal; }, 0) || 1;
        body.replaceChildren.apply(body, rows.map(function (r) {
          var slow = h('td', { class: 'slowest' });
          r.slowestTraces.forEach(function (id, i) {
            slow.append(h('a', { href: '#/trace/' + id, title: 'trace ' + id, 'aria-label': 'slowest trace ' + (i + 1) + ' of ' + r.serviceName + ' ' + r.operationName }, '#' + (i + 1)), ' ');
          });
          return h('tr', { 'data-service': r.serviceName, 'data-operation': r.operationName },
            h('td', null, h('span', { class: 'swatch', style: '--c:' + colorOf(r.serviceName) }), r.serviceName),
            h('td', { class: 'wrap' }, r.operationName),
            h('td', { class: 'num count' }, r.count),
            h('td', { class: 'num self', 'data-us': r.selfTotal }, fmtDur(r.selfTotal)),
            h('td', { class: 'num share' }, (100 * r.selfTotal / total).toFixed(1) + '%'),
            h('td', { class: 'num p50', 'data-us': r.p50 }, fmtDur(r.p50)),
            h('td', { class: 'num p99', 'data-us': r.p99 }, fmtDur(r.p99)),
            slow);
        }));
      }).catch(function (e) { say('Cannot compute: ' + e.message, true); });
    };
    view.refresh();
  }

  /* ---------- trace view ---------- */

  function showTrace(traceId) {
    var myView = view;
    var state = { collapsed: new Set(), selected: '', showCritical: true, model: null };
    var load = function (focus) {
      return getJson('api/traces/' + traceId).then(function (trace) {
        if (view !== myView) return;
        state.model = buildModel(trace);
        drawTrace(state, focus);
      }).catch(function (e) {
        if (view !== myView) return;
        main.replaceChildren(h('p', { class: 'message bad' }, 'Trace ' + traceId + ': ' + e.message), h('a', { href: filterHash('list') }, '← Traces'));
      });
    };
    var reloadTimer = 0;
    view.traceChanged = function () {
      if (reloadTimer) return;
      reloadTimer = setTimeout(function () { reloadTimer = 0; load(false); }, 300);
    };
    load(true);
  }

  function buildModel(trace) {
    var nodes = T.buildTree(trace.spans);
    var byId = new Map();
    var parentOf = new Map();
    var t0 = Infinity, t1 = -Infinity;
    nodes.forEach(function (n) {
      byId.set(n.span.spanId, n);
      t0 = Math.min(t0, n.span.startTime);
      t1 = Math.max(t1, n.span.startTime + n.span.duration);
      n.children.forEach(function (c) { parentOf.set(c, n); });
    });
    var self = new Map();
    nodes.forEach(function (n) {
      self.set(n, T.selfIntervals(n.span, n.children.map(function (c) { return c.span; })));
    });
    var root = T.mainRoot(nodes);
    var critical = new Map();
    (root ? T.criticalPath(root) : []).forEach(function (seg) {
      if (!critical.has(seg.spanId)) critical.set(seg.spanId, []);
      critical.get(seg.spanId).push(seg);
    });
    var services = [];
    nodes.forEach(function (n) { if (services.indexOf(n.span.serviceName) < 0) services.push(n.span.serviceName); });
    return { trace: trace, nodes: nodes, byId: byId, parentOf: parentOf, self: self, critical: critical, root: root, t0: t0, total: Math.max(1, t1 - t0), services: services };
  }

  function visibleNodes(state) {
    var out = [];
    var skipDepth = -1;
    state.model.nodes.forEach(function (n) {
      if (skipDepth >= 0 && n.depth > skipDepth) return;
      skipDepth = -1;
      out.push(n);
      if (n.children.length && state.collapsed.has(n.span.spanId)) skipDepth = n.depth;
    });
    return out;
  }

  function drawTrace(state, focusTree) {
    var m = state.model;
    var root = m.root ? m.root.span : m.nodes[0].span;
    var errors = m.nodes.filter(function (n) { return isError(n.span); }).length;
    var oldScroller = main.querySelector('.scroller');
    var scrollTop = oldScroller ? oldScroller.scrollTop : 0;

    var head = h('div', { class: 'trace-head' },
      h('a', { href: filterHash('list') }, '← Traces'),
      h('h2', { id: 'trace-heading' }, root.serviceName + ': ' + root.operationName),
      h('span', { class: 'muted' }, 'trace ' + m.trace.traceId),
      h('span', null, fmtTime(m.t0)),
      h('span', { id: 'trace-duration' }, fmtDur(m.total)),
      h('span', { id: 'trace-span-count' }, m.nodes.length + ' spans'),
      errors ? h('span', { class: 'err' }, '✖ ' + errors + ' error' + (errors > 1 ? 's' : '')) : null);
    var legend = h('div', { class: 'legend', 'aria-label': 'Services' });
    m.services.forEach(function (s) { legend.append(h('span', null, h('span', { class: 'swatch', style: '--c:' + colorOf(s) }), s)); });
    var critBox = h('input', { type: 'checkbox', id: 'show-critical', checked: state.showCritical });
    var tools = h('div', { class: 'tools' },
      h('button', { type: 'button', id: 'expand-all', onclick: function () { state.collapsed.clear(); redraw(); } }, 'Expand all'),
      h('button', { type: 'button', id: 'collapse-all', onclick: function () {
        m.nodes.forEach(function (n) { if (n.children.length && n.depth > 0) state.collapsed.add(n.span.spanId); });
        redraw();
      } }, 'Collapse all'),
      h('label', null, critBox, ' highlight critical path'),
      h('span', { class: 'muted' }, 'Bar: light = span, solid = self time, line below = critical path. Keys: ↑↓ move, ←→ collapse/expand, Enter details, Esc close.'));

    var ticks = h('div', { class: 'ticks', 'aria-hidden': 'true' });
    for (var i = 0; i <= 4; i++) ticks.append(h('span', { class: 'tick', style: 'left:' + (i * 25) + '%' }, fmtDur(m.total * i / 4)));
    var ruler = h('div', { class: 'ruler' }, h('div', { style: 'padding:4px 8px' }, 'Service: operation'), ticks);
    var rows = h('div', { class: 'rows' });
    var scroller = h('div', { class: 'scroller', tabindex: '0', role: 'tree', 'aria-labelledby': 'trace-heading' }, rows);
    var waterfall = h('div', { class: 'waterfall' + (state.showCritical ? '' : ' hide-crit') }, ruler, scroller);
    var details = h('aside', { class: 'details', id: 'span-details', 'aria-label': 'Span details', hidden: true });
    var layout = h('div', { class: 'layout' }, waterfall, details);
    main.replaceChildren(head, legend, tools, layout);

    var visible = [];
    var frame = 0;
    function redraw() {
      visible = visibleNodes(state);
      rows.style.height = visible.length * ROW_H + 'px';
      paintRows();
    }
    function paintRows() {
      frame = 0;
      var first = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - OVERSCAN);
      var last = Math.min(visible.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW_H) + OVERSCAN);
      var els = [];
      for (var i = first; i < last; i++) els.push(spanRow(visible[i], i));
      rows.replaceChildren.apply(rows, els);
      if (state.selected) scroller.setAttribute('aria-activedescendant', 'row-' + state.selected);
    }
    function spanRow(n, index) {
      var s = n.span;
      var id = s.spanId;
      var hasKids = n.children.length > 0;
      var collapsed = hasKids && state.collapsed.has(id);
      var color = colorOf(s.serviceName);
      var parent = m.parentOf.get(n);
      var remote = parent && parent.span.serviceName !== s.serviceName;
      var left = (s.startTime - m.t0) / m.total * 100;
      var width = s.duration / m.total * 100;
      var bar = h('div', { class: 'bar' + (isError(s) ? ' error' : ''), style: 'left:' + left + '%;width:' + width + '%' });
      if (s.duration > 0) {
        m.self.get(n).forEach(function (g) {
          bar.append(h('div', { class: 'self', style: 'left:' + ((g[0] - s.startTime) / s.duration * 100) + '%;width:' + ((g[1] - g[0]) / s.duration * 100) + '%' }));
        });
      }
      var lane = h('div', { class: 'lane' }, bar);
      (m.critical.get(id) || []).forEach(function (seg) {
        lane.append(h('div', { class: 'crit', style: 'left:' + ((seg.start - m.t0) / m.total * 100) + '%;width:' + ((seg.end - seg.start) / m.total * 100) + '%' }));
      });
      var durLabel = h('span', { class: 'dur' }, fmtDur(s.duration));
      durLabel.style.cssText = left + width > 75 ? 'right:' + (100 - left) + '%' : 'left:' + (left + width) + '%';
      lane.append(durLabel);
      var name = h('div', { class: 'name', style: 'padding-left:' + Math.min(n.depth, MAX_INDENT_LEVELS) * INDENT_PX + 'px' },
        h('span', { class: 'toggle', 'aria-hidden': 'true', onclick: hasKids ? function (e) { e.stopPropagation(); toggle(n); } : null }, hasKids ? (collapsed ? '▸' : '▾') : ''),
        h('span', { class: 'mark', title: isError(s) ? 'error' : null }, isError(s) ? '✖' : ''),
        remote ? h('span', { class: 'remote', style: '--c:' + colorOf(parent.span.serviceName), title: 'called from ' + parent.span.serviceName + ' (' + parent.span.operationName + ')' }, '⇠ ' + parent.span.serviceName) : null,
        n.orphan ? h('span', { class: 'remote', title: 'parent span not in this trace' }, 'orphan') : null,
        h('span', { class: 'svc' }, s.serviceName),
        h('span', { class: 'op' }, s.operationName));
      return h('div', {
        class: 'wf-row', role: 'treeitem', id: 'row-' + id, style: 'top:' + index * ROW_H + 'px;--c:' + color,
        'aria-level': n.depth + 1, 'aria-expanded': hasKids ? String(!collapsed) : null, 'aria-selected': String(state.selected === id),
        'aria-label': s.serviceName + ': ' + s.operationName + ', ' + fmtDur(s.duration) + (isError(s) ? ', error' : ''),
        'data-span-id': id, 'data-depth': n.depth, 'data-service': s.serviceName, 'data-operation': s.operationName,
        'data-critical': m.critical.has(id) ? 'true' : null, 'data-error': isError(s) ? 'true' : null,
        onclick: function () { select(id, true); scroller.focus({ preventScroll: true }); },
      }, name, lane);
    }
    function toggle(n) {
      if (state.collapsed.has(n.span.spanId)) state.collapsed.delete(n.span.spanId);
      else state.collapsed.add(n.span.spanId);
      redraw();
    }
    function indexOfSelected() {
      for (var i = 0; i < visible.length; i++) if (visible[i].span.spanId === state.selected) return i;
      return -1;
    }
    function ensureVisible(index) {
      var top = index * ROW_H;
      if (top < scroller.scrollTop) scroller.scrollTop = top;
      else if (top + ROW_H > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW_H - scroller.clientHeight;
    }
    function select(id, showDetails) {
      state.selected = id;
      var index = indexOfSelected();
      if (index >= 0) ensureVisible(index);
      paintRows();
      if (showDetails) drawDetails(m.byId.get(id));
    }
    function drawDetails(n) {
      if (!n) return;
      var s = n.span;
      var parent = m.parentOf.get(n);
      var selfUs = m.self.get(n).reduce(function (t, g) { return t + g[1] - g[0]; }, 0);
      var crit = (m.critical.get(s.spanId) || []).reduce(function (t, seg) { return t + seg.end - seg.start; }, 0);
      var jump = function (target) {
        return h('a', { href: '#', onclick: function (e) { e.preventDefault(); reveal(target); } }, target.span.serviceName + ': ' + target.span.operationName);
      };
      var remoteKids = n.children.filter(function (c) { return c.span.serviceName !== s.serviceName; });
      var info = h('table', { 'aria-label': 'Span' }, h('tbody', null,
        h('tr', null, h('td', null, 'Span ID'), h('td', null, s.spanId)),
        h('tr', null, h('td', null, 'Parent'), h('td', null, parent ? jump(parent) : n.orphan ? 'missing (' + s.parentSpanId + ')' : 'none (root)')),
        h('tr', null, h('td', null, 'Start'), h('td', null, '+' + fmtDur(s.startTime - m.t0))),
        h('tr', null, h('td', null, 'Duration'), h('td', { id: 'detail-duration' }, fmtDur(s.duration))),
        h('tr', null, h('td', null, 'Self time'), h('td', { id: 'detail-self' }, fmtDur(selfUs))),
        h('tr', null, h('td', null, 'Critical path'), h('td', null, crit ? fmtDur(crit) : 'no'))));
      var links = h('div');
      if (parent && parent.span.serviceName !== s.serviceName) links.append(h('p', null, 'Called from ', jump(parent)));
      if (remoteKids.length) {
        var list = h('ul');
        remoteKids.forEach(function (c) { list.append(h('li', null, jump(c))); });
        links.append(h('p', null, 'Calls into other services:'), list);
      }
      var logs = h('div', { id: 'detail-logs' });
      if (!s.logs.length) logs.append(h('p', { class: 'muted' }, 'none'));
      s.logs.forEach(function (l) {
        logs.append(h('div', { class: 'log' }, h('div', { class: 'muted' }, '+' + fmtDur(l.timestamp - m.t0)), kvTable(l.fields, 'Log fields')));
      });
      var refs = s.references.map(function (r) { return r.refType + ' ' + r.traceId + '/' + r.spanId; });
      details.replaceChildren();
      details.append(h('div', null,
        h('button', { type: 'button', class: 'close', 'aria-label': 'Close details', onclick: closeDetails }, '✕'),
        h('h3', null, h('span', { class: 'swatch', style: '--c:' + colorOf(s.serviceName) }), s.serviceName + ': ' + s.operationName),
        isError(s) ? h('p', { class: 'err' }, '✖ error') : null,
        info, links,
        h('h4', null, 'Tags'), h('div', { id: 'detail-tags' }, kvTable(s.tags, 'Tags')),
        h('h4', null, 'Logs'), logs,
        h('h4', null, 'Process tags'), h('div', { id: 'detail-process' }, kvTable(s.processTags, 'Process tags')),
        refs.length ? h('h4', null, 'References') : null,
        refs.length ? h('p', null, refs.join(', ')) : null));
      details.hidden = false;
    }
    function closeDetails() {
      details.hidden = true;
      scroller.focus();
    }
    function reveal(target) {
      for (var p = m.parentOf.get(target); p; p = m.parentOf.get(p)) state.collapsed.delete(p.span.spanId);
      redraw();
      select(target.span.spanId, true);
      scroller.focus({ preventScroll: true });
    }
    scroller.addEventListener('scroll', function () { if (!frame) frame = requestAnimationFrame(paintRows); });
    scroller.addEventListener('keydown', function (e) {
      var index = indexOfSelected();
      var n = index >= 0 ? visible[index] : null;
      var page = Math.max(1, Math.floor(scroller.clientHeight / ROW_H) - 1);
      var go = function (i) { var v = visible[Math.max(0, Math.min(visible.length - 1, i))]; if (v) select(v.span.spanId, true); };
      switch (e.key) {
        case 'ArrowDown': go(index + 1); break;
        case 'ArrowUp': go(index < 0 ? 0 : index - 1); break;
        case 'PageDown': go(index + page); break;
        case 'PageUp': go(index - page); break;
        case 'Home': go(0); break;
        case 'End': go(visible.length - 1); break;
        case 'ArrowRight':
          if (!n) go(0);
          else if (n.children.length && state.collapsed.has(n.span.spanId)) toggle(n);
          else if (n.children.length) go(index + 1);
          break;
        case 'ArrowLeft':
          if (n && n.children.length && !state.collapsed.has(n.span.spanId)) toggle(n);
          else if (n && m.parentOf.get(n)) select(m.parentOf.get(n).span.spanId, true);
          break;
        case 'Enter': case ' ': if (n) { drawDetails(n); } else go(0); break;
        case 'Escape': details.hidden = true; break;
        default: return;
      }
      e.preventDefault();
    });
    critBox.addEventListener('change', function () {
      state.showCritical = critBox.checked;
      waterfall.classList.toggle('hide-crit', !critBox.checked);
    });
    redraw();
    scroller.scrollTop = scrollTop;
    paintRows();
    if (state.selected && m.byId.has(state.selected)) drawDetails(m.byId.get(state.selected));
    if (focusTree) scroller.focus();
  }

  /* ---------- import ---------- */

  document.getElementById('import-file').addEventListener('change', function (e) {
    var file = e.target.files[0];
    if (!file) return;
    file.text().then(function (text) {
      return fetch('api/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || res.statusText);
        say('Imported ' + body.spans + ' spans in ' + body.traces + ' traces from ' + file.name + '.');
        if (view.refresh) view.refresh();
      });
    }).catch(function (err) {
      say('Cannot import ' + file.name + ': ' + err.message, true);
    }).then(function () { e.target.value = ''; });
  });

  route();
  connectEvents();
})();
