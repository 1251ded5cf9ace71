// The auditor's page, as browser JavaScript. One script for both the local server (`hkubectl
// play`, data from its JSON API) and the offline evidence bundle (data in a
// <script type="application/json" id="hk-data"> block). Recorded content is hostile until
// proven otherwise: it only ever reaches the page through textContent, never as HTML. Each
// session has its own address (#/session/<id>), so a link can be shared and back and forward
// move between the sessions looked at.
export const APP_SCRIPT = String.raw`(function () {
  'use strict';
  var embedded = document.getElementById('hk-data');
  var bundle = embedded ? JSON.parse(embedded.textContent) : null;
  var byId = {};
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
  function when(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—'; }
  var STATUS_TEXT = { verified: 'verified', unsigned: 'unsigned', tampered: 'TAMPERED', 'missing-recording': 'MISSING .cast', 'unknown-key': 'unknown key' };

  function load() {
    if (bundle) return Promise.resolve({ source: bundle.source, sessions: bundle.sessions });
    return get('api/sessions');
  }
  function detail(id) {
    if (bundle) return Promise.resolve(byId[id]);
    return get('api/sessions/' + encodeURIComponent(id));
  }

  function matches(row, words, status, namespace) {
    if (status && row.status !== status) return false;
    if (namespace && row.namespace !== namespace) return false;
    var hay = [row.session, row.identity, row.command, row.namespace, row.decision, row.rule, row.approver, row.justification, row.reason, row.status, row.evidence]
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
      var tr = el('tr');
      tr.dataset.session = row.session;
      tr.className = 'status-' + row.status;
      tr.appendChild(el('td', when(row.startedAt), 'time'));
      tr.appendChild(identityCell(row.identity));
      tr.appendChild(commandCell(row.command));
      tr.appendChild(el('td', row.namespace || '—', 'namespace'));
      tr.appendChild(el('td', row.decisionSummary || row.decision || '—', 'decision'));
      tr.appendChild(identityCell(row.approver));
      tr.appendChild(el('td', row.risk === null ? '—' : row.risk, 'risk'));
      var td = el('td');
      td.appendChild(el('span', STATUS_TEXT[row.status] || row.status, 'badge badge-' + row.status));
      // A session the relay did not observe is the wrapper's word alone: said in the list too.
      if (row.evidenceMode !== 'gateway') {
        var local = el('span', 'local mode', 'mode-local');
        local.title = 'local mode: not tamper-proof (the relay did not observe this session)';
        td.appendChild(local);
      }
      tr.appendChild(td);
      if (row.session === current) tr.classList.add('selected');
      tr.addEventListener('click', function () { go(row.session); });
      body.appendChild(tr);
    });
    document.getElementById('count').textContent = shown + ' of ' + rows.length + ' sessions';
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

  function field(list, name, value) {
    list.appendChild(el('dt', name));
    list.appendChild(el('dd', value === null || value === undefined || value === '' ? '—' : value));
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
      field(trail, 'started', when(row.startedAt));
      field(trail, 'ended', when(row.endedAt));
      field(trail, 'identity', row.identity);
      field(trail, 'stated reason', row.reason);
      field(trail, 'context', row.context);
      field(trail, 'namespace', row.namespace);
      field(trail, 'decision', (row.decisionSummary || row.decision || '') + (row.rule && row.approver ? ' (rule ' + row.rule + ')' : ''));
      field(trail, 'risk', row.risk);
      field(trail, 'approval request', row.requestId);
      field(trail, 'approver', row.approver);
      field(trail, 'approved at', when(row.reviewedAt));
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
      rows = data.sessions;
      var notes = document.getElementById('notes');
      if (rows.length === 0) notes.appendChild(el('p', 'No recorded sessions in ' + data.source + '.', 'note'));
      (data.skipped || []).forEach(function (s) {
        notes.appendChild(el('p', 'Skipped ' + s.name + ': ' + s.why + ' (recordings are read only from regular files).', 'note warning'));
      });
      if (bundle) bundle.sessions.forEach(function (s) { byId[s.session] = { row: s, markers: s.markers, cast: s.cast, castNote: s.castNote }; });
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
