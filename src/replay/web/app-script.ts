// The auditor's page, as browser JavaScript. One script for both the local server (`hkubectl
// play`, data from its JSON API) and the offline evidence bundle (data in a
// <script type="application/json" id="hk-data"> block). Recorded content is hostile until
// proven otherwise: it only ever reaches the page through textContent, never as HTML. Each
// session has its own address (#/session/<id>), so a link can be shared and back and forward
// move between the sessions looked at. Requests that never became a session (blocked, denied,
// expired) are rows too, from the relay's audit log, so an auditor sees refusals beside approvals.
// Times are shown in the viewer's own time zone, with the recorded ISO time on hover.
export const APP_SCRIPT = String.raw`(function () {
  'use strict';
  var embedded = document.getElementById('hk-data');
  var bundle = embedded ? JSON.parse(embedded.textContent) : null;
  var byId = {};
  var refusalsById = {};
  var rows = [];
  var player = null;

  function get(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  var DATE = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  var TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  function parsed(iso) {
    var d = iso ? new Date(iso) : null;
    return d && !isNaN(d.getTime()) ? d : null;
  }
  function when(iso) {
    var d = parsed(iso);
    return d ? DATE.format(d) + ' ' + TIME.format(d) : (iso ? String(iso) : '—');
  }
  // The date and the time of day each stay whole; the cell may break between them.
  function timeCell(iso) {
    var td = el('td', null, 'time');
    var d = parsed(iso);
    if (!d) { td.textContent = iso ? String(iso) : '—'; return td; }
    td.appendChild(el('span', DATE.format(d), 'part'));
    td.appendChild(document.createTextNode(' '));
    td.appendChild(el('span', TIME.format(d), 'part'));
    td.title = iso;
    return td;
  }
  function duration(startIso, endIso) {
    var a = parsed(startIso), b = parsed(endIso);
    if (!a || !b || b < a) return '—';
    var ms = b.getTime() - a.getTime();
    if (ms < 1000) return ms + ' ms';
    var s = ms / 1000;
    if (s < 60) return (Math.round(s * 10) / 10) + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.round(s - m * 60) + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  var STATUS_TEXT = { verified: 'verified', unsigned: 'unsigned', tampered: 'TAMPERED', 'missing-recording': 'MISSING .cast', 'unknown-key': 'unknown key' };
  var OUTCOME_TEXT = { blocked: 'BLOCKED', denied: 'DENIED', expired: 'EXPIRED' };
  function isRefusal(row) { return row.kind === 'refusal'; }
  function rowId(row) { return isRefusal(row) ? 'refusal-' + row.id.replace(/^#/, '') : row.session; }
  function rowTime(row) { return isRefusal(row) ? row.at : row.startedAt; }

  function load() {
    if (bundle) return Promise.resolve({ source: bundle.source, sessions: bundle.sessions, refusals: bundle.refusals, refusalsNote: bundle.refusalsNote });
    return get('api/sessions');
  }
  function detail(id) {
    if (bundle || refusalsById[id]) return Promise.resolve(byId[id] || refusalsById[id]);
    return get('api/sessions/' + encodeURIComponent(id));
  }

  function matches(row, words, status, namespace) {
    if (status && (status === 'refused' ? !isRefusal(row) : row.status !== status)) return false;
    if (namespace && row.namespace !== namespace) return false;
    var hay = [row.session, row.id, row.identity, row.command, row.namespace, row.decision, row.decisionSummary, row.outcome, row.rule, row.message, row.approver, row.justification, row.reason, row.status, row.evidence]
      .filter(function (v) { return v !== null && v !== undefined; }).join('\n').toLowerCase();
    return words.every(function (w) { return hay.indexOf(w) !== -1; });
  }

  function render() {
    var words = document.getElementById('search').value.toLowerCase().split(/\s+/).filter(Boolean);
    var status = document.getElementById('status-filter').value;
    var namespace = document.getElementById('namespace-filter').value;
    var body = document.querySelector('#sessions tbody');
    clear(body);
    var shown = 0;
    rows.forEach(function (row) {
      if (!matches(row, words, status, namespace)) return;
      shown += 1;
      var id = rowId(row);
      var refused = isRefusal(row);
      var tr = el('tr');
      tr.dataset.session = id;
      tr.className = refused ? 'refusal outcome-' + row.outcome : 'status-' + row.status;
      tr.appendChild(timeCell(rowTime(row)));
      tr.appendChild(identityCell(row.identity));
      tr.appendChild(commandCell(row.command));
      tr.appendChild(el('td', row.namespace || '—', 'namespace'));
      var decision = el('td', null, 'decision');
      decision.appendChild(el('span', row.decisionSummary || row.decision || '—'));
      // A refusal says why in the same cell: the rule's message, or the approver's justification.
      var why = refused ? (row.approver ? row.justification : row.message) : null;
      if (why) decision.appendChild(el('span', why, 'why'));
      tr.appendChild(decision);
      tr.appendChild(el('td', row.reason || '—', 'reason'));
      tr.appendChild(identityCell(row.approver));
      tr.appendChild(el('td', row.risk === null || row.risk === undefined ? '—' : row.risk, 'risk'));
      tr.appendChild(el('td', refused || row.exitCode === null || row.exitCode === undefined ? '—' : row.exitCode, 'exit'));
      tr.appendChild(el('td', refused ? '—' : duration(row.startedAt, row.endedAt), 'duration'));
      var td = el('td');
      if (refused) td.appendChild(el('span', OUTCOME_TEXT[row.outcome] || row.outcome, 'badge badge-refused badge-' + row.outcome));
      else {
        td.appendChild(el('span', STATUS_TEXT[row.status] || row.status, 'badge badge-' + row.status));
        // A session the relay did not observe is the wrapper's word alone: said in the list too.
        if (row.evidenceMode !== 'gateway') {
          var local = el('span', 'local mode', 'mode-local');
          local.title = 'local mode: not tamper-proof (the relay did not observe this session)';
          td.appendChild(local);
        }
      }
      tr.appendChild(td);
      if (id === current) tr.classList.add('selected');
      tr.addEventListener('click', function () { go(id); });
      body.appendChild(tr);
    });
    var refusals = rows.filter(isRefusal).length;
    document.getElementById('count').textContent = refusals
      ? shown + ' of ' + rows.length + ' shown: ' + (rows.length - refusals) + ' sessions, ' + refusals + ' refused requests'
      : shown + ' of ' + rows.length + ' sessions';
  }

  // Each word of a command is a box of its own, so lines break between words (a browser would
  // also break after any hyphen: "--" of a flag, "payments-" of a name); a word longer than
  // the cell still wraps inside its box as a last resort.
  function commandCell(command) {
    var td = el('td', null, 'command');
    String(command || '').split(' ').forEach(function (word, i) {
      if (i > 0) td.appendChild(document.createTextNode(' '));
      td.appendChild(el('span', word, 'word'));
    });
    return td;
  }

  // "agent@bank.example" may break before the @ only: each part is whole.
  function identityCell(identity) {
    var td = el('td', null, 'identity');
    var text = identity || '—';
    var at = text.indexOf('@');
    var parts = at > 0 ? [text.slice(0, at), text.slice(at)] : [text];
    parts.forEach(function (part) { td.appendChild(el('span', part, 'part')); });
    return td;
  }

  function field(list, name, value, title) {
    list.appendChild(el('dt', name));
    var dd = el('dd', value === null || value === undefined || value === '' ? '—' : value);
    if (title) dd.title = title;
    list.appendChild(dd);
  }

  // A request that never became a session: what was asked, and who or what refused it and why.
  function showRefusal(row) {
    document.getElementById('detail').hidden = false;
    document.getElementById('detail-title').textContent = row.command;
    var status = document.getElementById('detail-status');
    status.textContent = OUTCOME_TEXT[row.outcome] || row.outcome;
    status.className = 'badge badge-refused badge-' + row.outcome;
    clear(document.getElementById('detail-problems'));
    var trail = document.getElementById('trail');
    clear(trail);
    field(trail, 'audit entry', row.id);
    field(trail, 'requested', when(row.requestedAt), row.requestedAt);
    field(trail, row.outcome, when(row.at), row.at);
    field(trail, 'identity', row.identity);
    field(trail, 'stated reason', row.reason);
    field(trail, 'context', row.context);
    field(trail, 'namespace', row.namespace);
    field(trail, 'decision', row.decisionSummary);
    field(trail, 'rule', row.rule);
    field(trail, 'message', row.message);
    field(trail, 'risk', row.risk);
    field(trail, 'approval request', row.requestId);
    field(trail, 'approver', row.approver);
    field(trail, 'justification', row.justification);
    clear(document.getElementById('markers'));
    var box = document.getElementById('player');
    if (player) { player.dispose(); player = null; }
    clear(box);
    box.appendChild(el('p', 'No session ran: the request was ' + row.outcome + ', so there is no recording.', 'note'));
  }

  var current = null;
  var ROUTE = /^#\/session\/(.+)$/;

  // A click changes the address; the address decides what is shown (so back and forward work).
  function go(id) {
    var hash = '#/session/' + encodeURIComponent(id);
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  function route() {
    var match = ROUTE.exec(location.hash);
    var id = null;
    if (match) {
      try { id = decodeURIComponent(match[1]); } catch (e) { id = null; }
    }
    if (id === null) {
      current = null;
      if (player) { player.dispose(); player = null; }
      document.getElementById('detail').hidden = true;
      markSelected();
      return;
    }
    open(id);
  }

  function markSelected() {
    document.querySelectorAll('#sessions tbody tr').forEach(function (tr) {
      tr.classList.toggle('selected', tr.dataset.session === current);
    });
  }

  function open(id) {
    current = id;
    markSelected();
    detail(id).then(function (d) {
      if (current !== id) return;
      if (!d) throw new Error('no session ' + id + ' here');
      if (d.refusal) return showRefusal(d.refusal);
      var row = d.row;
      document.getElementById('detail').hidden = false;
      document.getElementById('detail-title').textContent = row.command || row.session;
      var status = document.getElementById('detail-status');
      status.textContent = STATUS_TEXT[row.status] || row.status;
      status.className = 'badge badge-' + row.status;
      var evidence = document.getElementById('detail-evidence');
      evidence.textContent = 'evidence: ' + (row.evidence || 'local mode: not tamper-proof');
      evidence.className = row.evidenceMode === 'gateway' ? 'evidence' : 'evidence warning';
      var problems = document.getElementById('detail-problems');
      clear(problems);
      row.problems.forEach(function (p) { problems.appendChild(el('li', p)); });
      var trail = document.getElementById('trail');
      clear(trail);
      field(trail, 'session', row.session);
      field(trail, 'started', when(row.startedAt), row.startedAt);
      field(trail, 'ended', when(row.endedAt), row.endedAt);
      field(trail, 'duration', duration(row.startedAt, row.endedAt));
      field(trail, 'identity', row.identity);
      field(trail, 'stated reason', row.reason);
      field(trail, 'context', row.context);
      field(trail, 'namespace', row.namespace);
      field(trail, 'decision', (row.decisionSummary || row.decision || '') + (row.rule && row.approver ? ' (rule ' + row.rule + ')' : ''));
      field(trail, 'risk', row.risk);
      field(trail, 'approval request', row.requestId);
      field(trail, 'approver', row.approver);
      field(trail, 'approved at', when(row.reviewedAt), row.reviewedAt);
      field(trail, 'justification', row.justification);
      field(trail, 'masking', row.maskingProfile);
      field(trail, 'exit code', row.exitCode);
      var markers = document.getElementById('markers');
      clear(markers);
      (d.markers || []).forEach(function (m) {
        var li = el('li');
        li.appendChild(el('span', m.time.toFixed(2) + 's ', 'time'));
        li.appendChild(el('span', m.label));
        li.addEventListener('click', function () { if (player) player.seek(m.time); });
        markers.appendChild(li);
      });
      var box = document.getElementById('player');
      if (player) { player.dispose(); player = null; }
      clear(box);
      var source = bundle ? (d.cast === null ? null : { data: d.cast }) : (row.castFile ? 'api/sessions/' + encodeURIComponent(id) + '/cast' : null);
      if (source === null) {
        box.appendChild(el('p', d.castNote || 'No recording to play for this session.', 'note'));
        return;
      }
      player = AsciinemaPlayer.create(source, box, { autoPlay: true, fit: 'width', idleTimeLimit: 2, terminalFontSize: '13px' });
    }).catch(showError);
  }

  function showError(error) {
    var box = document.getElementById('error');
    box.hidden = false;
    box.textContent = String(error && error.message || error);
  }

  function start() {
    load().then(function (data) {
      var refusals = data.refusals || [];
      refusals.forEach(function (r) { refusalsById[rowId(r)] = { refusal: r }; });
      // The bundle lists sessions and refusals in time order already; the server gives them apart.
      rows = bundle ? data.sessions : data.sessions.concat(refusals).sort(function (a, b) {
        var x = parsed(rowTime(a)), y = parsed(rowTime(b));
        return (y ? y.getTime() : -Infinity) - (x ? x.getTime() : -Infinity) || 0;
      });
      var notes = document.getElementById('notes');
      if (rows.length === 0) notes.appendChild(el('p', 'No recorded sessions in ' + data.source + '.', 'note'));
      if (data.refusalsNote) notes.appendChild(el('p', data.refusalsNote, 'note'));
      (data.skipped || []).forEach(function (s) {
        notes.appendChild(el('p', 'Skipped ' + s.name + ': ' + s.why + ' (recordings are read only from regular files).', 'note warning'));
      });
      if (bundle) bundle.sessions.forEach(function (s) {
        if (isRefusal(s)) refusalsById[rowId(s)] = { refusal: s };
        else byId[s.session] = { row: s, markers: s.markers, cast: s.cast, castNote: s.castNote };
      });
      document.getElementById('source').textContent = data.source;
      var namespaces = {};
      rows.forEach(function (r) { if (r.namespace) namespaces[r.namespace] = true; });
      var select = document.getElementById('namespace-filter');
      Object.keys(namespaces).sort().forEach(function (n) { var o = el('option', n); o.value = n; select.appendChild(o); });
      ['search', 'status-filter', 'namespace-filter'].forEach(function (id) {
        document.getElementById(id).addEventListener('input', render);
      });
      render();
      window.addEventListener('hashchange', route);
      route();
      document.body.dataset.ready = 'true';
    }).catch(showError);
  }
  start();
})();
`;
