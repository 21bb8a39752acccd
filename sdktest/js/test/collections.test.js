'use strict';
const assert = require('node:assert/strict');
const { serverTest } = require('../lib/harness');
const { expectError, expectStatus } = require('../lib/expect');
const { kinds } = require('../lib/kinds');

serverTest('collections: create, get, update, list, delete on all four kinds', async (t, { A }) => {
  for (const k of kinds) {
    await t.test(k.name, async () => {
      const g = k.group(A);
      const id = `life-${k.name.toLowerCase()}`;
      expectStatus(await g.create(id, 'Original name', { userData: 'original', recognitionModel: 'recognition_04' }), 200);

      let got = await g.get(id);
      assert.equal(got[k.idField], id);
      assert.equal(got.name, 'Original name');
      assert.equal(got.userData, 'original');
      assert.ok(!('recognitionModel' in JSON.parse(got._response.bodyAsText)), 'recognitionModel sent without returnRecognitionModel');
      got = await g.get(id, { returnRecognitionModel: true });
      assert.equal(got.recognitionModel, 'recognition_04');

      // PATCH leaves omitted fields.
      expectStatus(await g.update(id, { name: 'New name' }), 200);
      got = await g.get(id);
      assert.deepEqual([got.name, got.userData], ['New name', 'original']);
      await g.update(id, { userData: 'changed' });
      got = await g.get(id, { returnRecognitionModel: true });
      assert.deepEqual([got.name, got.userData, got.recognitionModel], ['New name', 'changed', 'recognition_04']);

      const list = await g.list({ returnRecognitionModel: true });
      assert.ok(Array.isArray(list));
      const entry = list.find((x) => x[k.idField] === id);
      assert.ok(entry, `list lacks ${id}`);
      assert.deepEqual([entry.name, entry.userData, entry.recognitionModel], ['New name', 'changed', 'recognition_04']);

      await expectError(g.create(id, 'again'), 409, k.exists);

      expectStatus(await g.deleteMethod(id), 200);
      await expectError(g.get(id), 404, k.notFound);
      await expectError(g.update(id, { name: 'x' }), 404, k.notFound);
      await expectError(g.deleteMethod(id), 404, k.notFound);
      assert.ok(!(await g.list()).some((x) => x[k.idField] === id), 'deleted object still listed');
    });
  }
});

serverTest('collections: recognition models recognition_01 to recognition_04', async (t, { A }) => {
  for (const k of kinds) {
    await t.test(k.name, async () => {
      const g = k.group(A);
      for (const m of ['recognition_01', 'recognition_02', 'recognition_03', 'recognition_04']) {
        const id = `m-${k.name.toLowerCase()}-${m}`;
        await g.create(id, m, { recognitionModel: m });
        assert.equal((await g.get(id, { returnRecognitionModel: true })).recognitionModel, m);
      }
      // The client sends recognition_01 by default.
      await g.create('default-model', 'd');
      assert.equal((await g.get('default-model', { returnRecognitionModel: true })).recognitionModel, 'recognition_01');
    });
  }
});

serverTest('collections: list paging with start (exclusive) and top, sorted by id', async (t, { A }) => {
  for (const k of kinds.filter((x) => x.paged)) {
    await t.test(k.name, async () => {
      const g = k.group(A);
      for (const id of ['p-3', 'p-1', 'p-5', 'p-2', 'p-4']) await g.create(id, id);
      const ids = (l) => l.map((x) => x[k.idField]);
      assert.deepEqual(ids(await g.list()), ['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
      assert.deepEqual(ids(await g.list({ top: 2 })), ['p-1', 'p-2']);
      assert.deepEqual(ids(await g.list({ start: 'p-2', top: 2 })), ['p-3', 'p-4']);
      assert.deepEqual(ids(await g.list({ start: 'p-4' })), ['p-5']);
      assert.deepEqual(ids(await g.list({ start: 'p-5' })), []);
    });
  }
});
