/**
 * The browsable API page: a static shell and a small script that fetches `/api/docs` and
 * renders it. Self-contained (no CDN), and the script is served from the same origin because
 * the API's Content-Security-Policy forbids inline scripts.
 */
export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TrustSync API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: 16px 24px; }
  header h1 { margin: 0; font-size: 20px; }
  main { max-width: 1100px; margin: 0 auto; padding: 16px 24px; }
  input#filter { width: 100%; padding: 8px; font-size: 14px; margin-bottom: 12px; box-sizing: border-box; }
  section.tag h2 { text-transform: capitalize; border-bottom: 1px solid #ccd; padding-bottom: 4px; }
  details.op { background: #fff; border: 1px solid #dde; border-radius: 6px; margin: 6px 0; }
  details.op summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 12px; align-items: baseline; }
  .method { font-weight: 700; width: 64px; text-transform: uppercase; font-family: ui-monospace, monospace; }
  .m-get { color: #1f6feb; } .m-post { color: #1a7f37; } .m-put, .m-patch { color: #9a6700; } .m-delete { color: #cf222e; }
  .path { font-family: ui-monospace, monospace; }
  .body { padding: 0 12px 12px; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; }
  th, td { text-align: left; border-bottom: 1px solid #eef; padding: 4px 6px; vertical-align: top; }
  code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
  pre { background: #f0f2f5; padding: 8px; overflow: auto; }
</style>
</head>
<body>
<header><h1>TrustSync API</h1><div id="meta">loading the OpenAPI document…</div></header>
<main>
  <input id="filter" type="search" placeholder="Filter by path, method or summary">
  <div id="ops"></div>
</main>
<script src="/api/docs/ui.js"></script>
</body>
</html>
`;

/** The renderer; builds nodes with textContent only, so nothing in the document is parsed as HTML. */
export const DOCS_PAGE_SCRIPT = `(function () {
  'use strict';
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function resolve(doc, schema) {
    if (schema && schema.$ref) {
      var name = schema.$ref.split('/').pop();
      return { name: name, schema: doc.components.schemas[name] || {} };
    }
    return { name: null, schema: schema || {} };
  }
  function describe(schema) {
    var parts = [];
    var type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
    if (schema.$ref) type = schema.$ref.split('/').pop();
    if (type) parts.push(type);
    if (schema.items) parts.push('of ' + describe(schema.items));
    if (schema.enum) parts.push('one of ' + schema.enum.join(', '));
    ['format', 'pattern', 'minimum', 'maximum', 'minLength', 'maxLength', 'maxItems', 'default'].forEach(function (k) {
      if (schema[k] !== undefined) parts.push(k + ' ' + JSON.stringify(schema[k]));
    });
    return parts.join('; ');
  }
  function table(rows, headers) {
    var t = el('table');
    var head = el('tr');
    headers.forEach(function (h) { head.appendChild(el('th', null, h)); });
    t.appendChild(head);
    rows.forEach(function (r) {
      var tr = el('tr');
      r.forEach(function (c) { tr.appendChild(el('td', null, c)); });
      t.appendChild(tr);
    });
    return t;
  }
  function operation(doc, method, path, op) {
    var d = el('details', 'op');
    d.dataset.search = (method + ' ' + path + ' ' + (op.summary || '')).toLowerCase();
    var s = el('summary');
    s.appendChild(el('span', 'method m-' + method, method));
    s.appendChild(el('span', 'path', path));
    s.appendChild(el('span', 'summary', op.summary || ''));
    d.appendChild(s);
    var body = el('div', 'body');
    if (op.parameters && op.parameters.length) {
      body.appendChild(el('h4', null, 'Parameters'));
      body.appendChild(table(op.parameters.map(function (p) {
        return [p.name, p.in, p.required ? 'required' : 'optional', describe(p.schema || {})];
      }), ['name', 'in', '', 'schema']));
    }
    if (op.requestBody) {
      var content = op.requestBody.content || {};
      Object.keys(content).forEach(function (type) {
        var r = resolve(doc, content[type].schema);
        body.appendChild(el('h4', null, 'Body (' + type + ')' + (r.name ? ': ' + r.name : '')));
        var props = r.schema.properties || {};
        var required = r.schema.required || [];
        body.appendChild(table(Object.keys(props).map(function (k) {
          return [k, required.indexOf(k) >= 0 ? 'required' : 'optional', describe(props[k])];
        }), ['field', '', 'schema']));
      });
    }
    body.appendChild(el('h4', null, 'Responses'));
    body.appendChild(table(Object.keys(op.responses || {}).map(function (code) {
      return [code, op.responses[code].description || ''];
    }), ['status', 'description']));
    d.appendChild(body);
    return d;
  }
  function render(doc) {
    document.getElementById('meta').textContent = doc.info.title + ' ' + doc.info.version + ' (OpenAPI ' + doc.openapi + ')';
    var byTag = {};
    Object.keys(doc.paths).sort().forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || 'other';
        (byTag[tag] = byTag[tag] || []).push(operation(doc, method, path, op));
      });
    });
    var root = document.getElementById('ops');
    Object.keys(byTag).sort().forEach(function (tag) {
      var sec = el('section', 'tag');
      sec.id = 'tag-' + tag.replace(/[^a-z0-9]+/gi, '-');
      sec.appendChild(el('h2', null, tag));
      byTag[tag].forEach(function (n) { sec.appendChild(n); });
      root.appendChild(sec);
    });
    document.getElementById('filter').addEventListener('input', function (e) {
      var q = e.target.value.toLowerCase();
      document.querySelectorAll('details.op').forEach(function (n) { n.style.display = n.dataset.search.indexOf(q) >= 0 ? '' : 'none'; });
    });
    document.body.dataset.rendered = 'true';
  }
  fetch('/api/docs').then(function (r) { return r.json(); }).then(render, function (err) {
    document.getElementById('meta').textContent = 'the OpenAPI document could not be loaded: ' + err;
  });
})();
`;
