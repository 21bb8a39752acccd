'use strict';
// What the JS client sees on the wire: content types, empty bodies, field
// names, and what it makes of them (Dates, the recognitionModel default).
const assert = require('node:assert/strict');
const { serverTest } = require('../lib/harness');
const { png } = require('../lib/images');

const JSON_CT = /^application\/json\b/;

serverTest('wire: JSON bodies, empty success bodies, camelCase fields', async (t, { A }) => {
  const created = await A.largePersonGroup.create('wire', 'n', { userData: 'u', recognitionModel: 'recognition_03' });
  assert.equal(created._response.status, 200);
  assert.equal(created._response.bodyAsText || '', '');

  const g = await A.largePersonGroup.get('wire');
  assert.match(g._response.headers.get('content-type'), JSON_CT);
  assert.deepEqual(Object.keys(JSON.parse(g._response.bodyAsText)).sort(), ['largePersonGroupId', 'name', 'userData']);
  // The server omits recognitionModel unless asked; the client then shows
  // its own default, as it does against the service.
  assert.equal(g.recognitionModel, 'recognition_01');
  assert.equal((await A.largePersonGroup.get('wire', { returnRecognitionModel: true })).recognitionModel, 'recognition_03');

  const p = await A.largePersonGroupPerson.create('wire', { name: 'p', userData: 'pu' });
  assert.match(p._response.headers.get('content-type'), JSON_CT);
  assert.deepEqual(Object.keys(JSON.parse(p._response.bodyAsText)), ['personId']);
  const f = await A.largePersonGroupPerson.addFaceFromStream('wire', p.personId, png(200, 200, 50), { targetFace: [10, 10, 100, 100], userData: 'fu' });
  assert.deepEqual(Object.keys(JSON.parse(f._response.bodyAsText)), ['persistedFaceId']);
  const got = await A.largePersonGroupPerson.get('wire', p.personId);
  assert.deepEqual(Object.keys(JSON.parse(got._response.bodyAsText)).sort(), ['name', 'persistedFaceIds', 'personId', 'userData']);
  assert.deepEqual(got.persistedFaceIds, [f.persistedFaceId]);
  const face = await A.largePersonGroupPerson.getFace('wire', p.personId, f.persistedFaceId);
  assert.deepEqual(Object.keys(JSON.parse(face._response.bodyAsText)).sort(), ['persistedFaceId', 'userData']);

  const upd = await A.largePersonGroup.update('wire', { name: 'm' });
  assert.equal(upd._response.status, 200);
  assert.equal(upd._response.bodyAsText || '', '');
  const tr = await A.largePersonGroup.train('wire');
  assert.equal(tr._response.status, 202);
  assert.equal(tr._response.bodyAsText || '', '');
  const del = await A.largePersonGroupPerson.deleteFace('wire', p.personId, f.persistedFaceId);
  assert.equal(del._response.status, 200);
  assert.equal(del._response.bodyAsText || '', '');

  const fl = await A.faceList.create('wire-fl', 'fl').then(() => A.faceList.get('wire-fl'));
  assert.deepEqual(fl.persistedFaces, []);
  assert.deepEqual(Object.keys(JSON.parse(fl._response.bodyAsText)).sort(), ['faceListId', 'name', 'persistedFaces']);

  const lists = [await A.largePersonGroup.list(), await A.faceList.list(), await A.largeFaceList.list(), await A.personGroup.list()];
  for (const l of lists) {
    assert.ok(Array.isArray(l));
    assert.match(l._response.headers.get('content-type'), JSON_CT);
    assert.ok(Array.isArray(JSON.parse(l._response.bodyAsText)));
  }
});

serverTest('wire: server-side validation the client cannot reach (raw HTTP)', async (t, { srv, a }) => {
  const key = a.key;
  const cases = [
    ['PUT', '/persongroups/UPPER', { contentType: 'application/json', body: '{"name":"x"}' }, 400, 'BadArgument'],
    ['PUT', `/persongroups/${'a'.repeat(65)}`, { contentType: 'application/json', body: '{"name":"x"}' }, 400, 'BadArgument'],
    ['PUT', '/persongroups/long-name', { contentType: 'application/json', body: JSON.stringify({ name: 'n'.repeat(129) }) }, 400, 'BadArgument'],
    ['PUT', '/largefacelists/bad-json', { contentType: 'application/json', body: '{"name":' }, 400, 'BadArgument'],
    ['PUT', '/largefacelists/bad-ct', { contentType: 'text/plain', body: '{"name":"x"}' }, 415, null],
    ['GET', '/persongroups', {}, 401, null],
  ];
  for (const [method, path, opts, status, code] of cases) {
    const r = await srv.raw(method, path, { key: status === 401 ? undefined : key, ...opts });
    const what = `${method} ${path}: HTTP ${r.status} ${r.headers.get('content-type')} ${r.text}`;
    assert.equal(r.status, status, what);
    assert.match(r.headers.get('content-type') || '', JSON_CT, what);
    assert.ok(r.json && r.json.error && r.json.error.code && r.json.error.message, what);
    if (code) assert.equal(r.json.error.code, code, what);
  }
});
