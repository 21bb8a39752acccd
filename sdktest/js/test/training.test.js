'use strict';
const assert = require('node:assert/strict');
const { serverTest, sleep } = require('../lib/harness');
const { expectError, expectStatus, validDate, SERVICE_TIME } = require('../lib/expect');
const { png } = require('../lib/images');

const targetFace = [10, 20, 100, 110];

const trainables = [
  {
    name: 'PersonGroup', ops: (c) => c.personGroup, notFound: 'PersonGroupNotFound', path: 'persongroups',
    fill: async (c, id) => {
      const { personId } = await c.personGroupPerson.create(id, { name: 'p' });
      await c.personGroupPerson.addFaceFromStream(id, personId, png(200, 200, 21), { targetFace });
    },
  },
  {
    name: 'LargePersonGroup', ops: (c) => c.largePersonGroup, notFound: 'LargePersonGroupNotFound', path: 'largepersongroups',
    fill: async (c, id) => {
      const { personId } = await c.largePersonGroupPerson.create(id, { name: 'p' });
      await c.largePersonGroupPerson.addFaceFromStream(id, personId, png(200, 200, 22), { targetFace });
    },
  },
  {
    name: 'LargeFaceList', ops: (c) => c.largeFaceList, notFound: 'LargeFaceListNotFound', path: 'largefacelists',
    fill: async (c, id) => { await c.largeFaceList.addFaceFromStream(id, png(200, 200, 23), { targetFace }); },
  },
];

// Polls until succeeded or failed, bounded in count and time.
async function poll(ops, id) {
  const seen = [];
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 600 && Date.now() < deadline; i++) {
    const st = await ops.getTrainingStatus(id);
    if (seen[seen.length - 1] !== st.status) seen.push(st.status);
    assert.ok(['nonstarted', 'running', 'succeeded', 'failed'].includes(st.status), `status ${st.status}`);
    if (st.status === 'succeeded' || st.status === 'failed') return st;
    await sleep(100);
  }
  assert.fail(`training of ${id} did not finish within the polling bound; saw ${seen}`);
}

serverTest('training: train (202), poll to succeeded, times are valid Dates', async (t, { A }) => {
  for (const tr of trainables) {
    await t.test(tr.name, async () => {
      const ops = tr.ops(A);
      await ops.create('trained', 'trained');
      await tr.fill(A, 'trained');
      expectStatus(await ops.train('trained'), 202);
      const st = await poll(ops, 'trained');
      assert.equal(st.status, 'succeeded', `message: ${st.message}`);
      validDate(st.created, 'created');
      validDate(st.lastAction, 'lastAction');
      validDate(st.lastSuccessfulTraining, 'lastSuccessfulTraining');
      assert.ok(st.lastAction >= st.created && st.lastSuccessfulTraining >= st.created, 'times out of order');
      assert.equal(st.message, undefined);
      // The wire text the client parsed: 7 fractional digits and Z.
      const wire = JSON.parse(st._response.bodyAsText);
      for (const f of ['createdDateTime', 'lastActionDateTime', 'lastSuccessfulTrainingDateTime']) {
        assert.match(wire[f], SERVICE_TIME, `${f} = ${wire[f]}`);
      }
    });
  }
});

serverTest('training: an empty collection is accepted, then fails with a message', async (t, { A }) => {
  for (const tr of trainables) {
    await t.test(tr.name, async () => {
      const ops = tr.ops(A);
      await ops.create('empty', 'empty');
      expectStatus(await ops.train('empty'), 202);
      const st = await poll(ops, 'empty');
      assert.equal(st.status, 'failed');
      assert.ok(st.message, 'failed training without a message');
      validDate(st.created, 'created');
      assert.equal(st.lastSuccessfulTraining, undefined);
    });
  }
});

serverTest('training: missing collections are 404', async (t, { A }) => {
  for (const tr of trainables) {
    await t.test(tr.name, async () => {
      await expectError(tr.ops(A).train('missing'), 404, tr.notFound);
      await expectError(tr.ops(A).getTrainingStatus('missing'), 404, tr.notFound);
    });
  }
});
