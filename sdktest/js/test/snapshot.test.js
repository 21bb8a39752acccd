'use strict';
// Snapshots through the official JS client: take in account A, follow the
// operation, apply as account B, compare the copy with the source; the
// access rules; a failed operation's message; and OperationStatus exactly
// as the client sees it.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { test } = require('node:test');
const { startServer, newAccount, sleep, describe } = require('../lib/harness');
const { expectError, expectStatus, validDate, SERVICE_TIME } = require('../lib/expect');
const { png } = require('../lib/images');

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const OPERATION_LOCATION = new RegExp(`^/operations/(${UUID})$`);
const SNAPSHOT_LOCATION = new RegExp(`^/snapshots/(${UUID})$`);
const STATUSES = ['notstarted', 'running', 'succeeded', 'failed'];
const targetFace = [10, 20, 100, 110];

// snapTest runs fn(t, env) against a fresh facesnap with three accounts: A
// takes, B is in the applyScope, C is outside it. The process output is
// appended to a failure.
function snapTest(name, fn) {
  test(name, async (t) => {
    const a = newAccount();
    const b = newAccount();
    const c = newAccount();
    const srv = await startServer({ accounts: [a, b, c] });
    const env = { srv, a, b, c, A: srv.client(a), B: srv.client(b), C: srv.client(c) };
    try {
      await fn(t, env);
      if (srv.crashed) throw new Error(srv.crashed);
    } catch (e) {
      if (e && typeof e === 'object') {
        try { e.message = `${e.message}\n${describe(e)}\n--- facesnap output (${srv.endpoint}) ---\n${srv.logs}`; } catch { /* read-only */ }
      }
      throw e;
    } finally {
      await srv.stop();
      fs.rmSync(srv.opts.dataDir, { recursive: true, force: true });
    }
  });
}

// operationId checks a take/apply answer (202, empty body, the bare
// relative Operation-Location the client exposes) and returns the id.
function operationId(res, what) {
  expectStatus(res, 202);
  assert.equal(res._response.bodyAsText || '', '', `${what}: 202 body`);
  assert.equal(typeof res.operationLocation, 'string', `${what}: no operationLocation`);
  assert.ok(res.operationLocation.startsWith('/operations/'), `${what}: operationLocation ${res.operationLocation}`);
  const m = OPERATION_LOCATION.exec(res.operationLocation);
  assert.ok(m, `${what}: operationLocation ${res.operationLocation} is not /operations/{uuid}`);
  assert.equal(res._response.headers.get('operation-location'), res.operationLocation);
  return m[1];
}

// waitOperation polls until succeeded or failed, bounded in count and
// time, checking every status the client hands back.
async function waitOperation(client, id) {
  const seen = [];
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 600 && Date.now() < deadline; i++) {
    const st = await client.snapshot.getOperationStatus(id);
    if (seen[seen.length - 1] !== st.status) seen.push(st.status);
    assert.ok(STATUSES.includes(st.status), `status ${st.status}`);
    validDate(st.createdTime, 'createdTime');
    if (st.lastActionTime !== undefined) validDate(st.lastActionTime, 'lastActionTime');
    if (st.status === 'succeeded' || st.status === 'failed') return st;
    await sleep(100);
  }
  assert.fail(`operation ${id} did not finish within the polling bound; saw ${seen}`);
}

function expectSucceeded(st, what) {
  assert.equal(st.status, 'succeeded', `${what}: ${st.status} ${st.message}`);
  assert.equal(st.message, undefined, `${what}: message on success`);
  validDate(st.lastActionTime, `${what}: lastActionTime`);
  assert.ok(st.lastActionTime >= st.createdTime, `${what}: lastActionTime before createdTime`);
  assert.equal(typeof st.resourceLocation, 'string', `${what}: no resourceLocation`);
  return st.resourceLocation;
}

async function takeAndWait(client, type, id, scope, options) {
  const op = operationId(await client.snapshot.take(type, id, scope, options), `take ${id}`);
  const loc = expectSucceeded(await waitOperation(client, op), `take ${id}`);
  const m = SNAPSHOT_LOCATION.exec(loc);
  assert.ok(m, `take resourceLocation ${loc}`);
  return m[1];
}

async function trained(getStatus) {
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < 600 && Date.now() < deadline; i++) {
    const st = await getStatus();
    if (st.status === 'succeeded') return st;
    assert.notEqual(st.status, 'failed', `training failed: ${st.message}`);
    await sleep(100);
  }
  assert.fail('training did not finish within the polling bound');
}

// Pages through start/top lists, bounded.
async function pageAll(list, top) {
  const all = [];
  let start;
  for (let i = 0; i < 1000; i++) {
    const page = await list(start, top);
    all.push(...page);
    if (page.length < top) return all;
    start = page[page.length - 1].personId || page[page.length - 1].persistedFaceId;
  }
  assert.fail('paging did not end');
}

// The four types: build a source, read everything a snapshot must carry.
function personGroupKind(type, path, groups, persons, model) {
  return {
    type, path, model,
    build: async (c, id, seed) => {
      await groups(c).create(id, `${type} ${id}`, { userData: `${type} data`, recognitionModel: model });
      for (let i = 0; i < 3; i++) {
        const { personId } = await persons(c).create(id, { name: `person ${i}`, userData: `{"n":${i}}` });
        for (let j = 0; j < 2; j++) {
          const opts = { targetFace };
          if (!(i === 2 && j === 1)) opts.userData = `face ${i}.${j}`;
          await persons(c).addFaceFromStream(id, personId, png(200, 200, seed + 10 * i + j), opts);
        }
      }
      await persons(c).create(id, { name: 'nobody' });
      await groups(c).train(id);
      await trained(() => groups(c).getTrainingStatus(id));
    },
    read: async (c, id) => {
      const g = await groups(c).get(id, { returnRecognitionModel: true });
      const ps = await pageAll((start, top) => persons(c).list(id, { start, top }), 2);
      const out = [];
      for (const p of ps) {
        const faces = [];
        for (const fid of p.persistedFaceIds) {
          const f = await persons(c).getFace(id, p.personId, fid);
          faces.push([fid, f.userData]);
        }
        out.push({ personId: p.personId, name: p.name, userData: p.userData, faces });
      }
      const st = await groups(c).getTrainingStatus(id);
      return { name: g.name, userData: g.userData, recognitionModel: g.recognitionModel, persons: out, training: st.status };
    },
    exists: async (c, id) => groups(c).get(id).then(() => true, (e) => { if (e.statusCode === 404) return false; throw e; }),
  };
}

const snapKinds = [
  {
    type: 'FaceList', path: 'facelists', model: 'recognition_02',
    build: async (c, id, seed) => {
      await c.faceList.create(id, `fl ${id}`, { userData: 'fl data ü&=?', recognitionModel: 'recognition_02' });
      for (let i = 0; i < 3; i++) {
        const opts = { targetFace };
        if (i !== 1) opts.userData = `fl face ${i}`;
        await c.faceList.addFaceFromStream(id, png(200, 200, seed + i), opts);
      }
    },
    read: async (c, id) => {
      const l = await c.faceList.get(id, { returnRecognitionModel: true });
      return { name: l.name, userData: l.userData, recognitionModel: l.recognitionModel, faces: l.persistedFaces.map((f) => [f.persistedFaceId, f.userData]) };
    },
    exists: async (c, id) => c.faceList.get(id).then(() => true, (e) => { if (e.statusCode === 404) return false; throw e; }),
  },
  {
    type: 'LargeFaceList', path: 'largefacelists', model: 'recognition_03',
    build: async (c, id, seed) => {
      await c.largeFaceList.create(id, `lfl ${id}`, { userData: '{"lfl":true}', recognitionModel: 'recognition_03' });
      for (let i = 0; i < 4; i++) {
        await c.largeFaceList.addFaceFromStream(id, png(200, 200, seed + i), { targetFace, userData: `lfl face ${i}` });
      }
      await c.largeFaceList.train(id);
      await trained(() => c.largeFaceList.getTrainingStatus(id));
    },
    read: async (c, id) => {
      const l = await c.largeFaceList.get(id, { returnRecognitionModel: true });
      const faces = await pageAll((start, top) => c.largeFaceList.listFaces(id, { start, top }), 3);
      const st = await c.largeFaceList.getTrainingStatus(id);
      return { name: l.name, userData: l.userData, recognitionModel: l.recognitionModel, faces: faces.map((f) => [f.persistedFaceId, f.userData]), training: st.status };
    },
    exists: async (c, id) => c.largeFaceList.get(id).then(() => true, (e) => { if (e.statusCode === 404) return false; throw e; }),
  },
  personGroupKind('PersonGroup', 'persongroups', (c) => c.personGroup, (c) => c.personGroupPerson, 'recognition_04'),
  personGroupKind('LargePersonGroup', 'largepersongroups', (c) => c.largePersonGroup, (c) => c.largePersonGroupPerson, 'recognition_01'),
];

snapTest('snapshot: take, poll, apply by another account, equal copy for all four types', async (t, { A, B, b }) => {
  let seed = 100;
  for (const k of snapKinds) {
    await t.test(k.type, async () => {
      seed += 100;
      await k.build(A, 'src', seed);
      const want = await k.read(A, 'src');
      assert.equal(want.recognitionModel, k.model);
      if (k.type !== 'FaceList') assert.equal(want.training, 'succeeded');

      const snapId = await takeAndWait(A, k.type, 'src', [b.subscription], { userData: `snap of ${k.type}` });
      const snap = await B.snapshot.get(snapId);
      assert.equal(snap.id, snapId);
      assert.equal(snap.type, k.type);
      assert.deepEqual(snap.applyScope, [b.subscription]);
      assert.equal(snap.userData, `snap of ${k.type}`);
      assert.equal(typeof snap.account, 'string');
      validDate(snap.createdTime, 'snapshot createdTime');
      validDate(snap.lastUpdateTime, 'snapshot lastUpdateTime');

      assert.equal(await k.exists(B, 'copy'), false, 'B has the target before the apply');
      const op = operationId(await B.snapshot.apply(snapId, 'copy'), 'apply');
      const loc = expectSucceeded(await waitOperation(B, op), 'apply');
      assert.equal(loc, `/${k.path}/copy`);
      // Field by field, and training carried over without a train.
      assert.deepEqual(await k.read(B, 'copy'), want);
      assert.equal(await k.exists(A, 'copy'), false, 'A sees B\'s copy');
    });
  }
});

snapTest('snapshot: access rules', async (t, { A, B, C, b, c }) => {
  const pg = snapKinds[2];
  await pg.build(A, 'access', 300);
  await A.faceList.create('access', 'fl');
  const other = '00000000-0000-4000-8000-000000000001';
  const takeOp = operationId(await A.snapshot.take('PersonGroup', 'access', [b.subscription], { userData: 'first' }), 'take');
  const snapId = SNAPSHOT_LOCATION.exec(expectSucceeded(await waitOperation(A, takeOp), 'take'))[1];
  const second = await takeAndWait(A, 'FaceList', 'access', [b.subscription, other]);
  const ids = (l) => l.map((s) => s.id);

  await t.test('source and scope see it, others get 404', async () => {
    assert.equal((await A.snapshot.get(snapId)).id, snapId);
    assert.equal((await B.snapshot.get(snapId)).id, snapId);
    await expectError(C.snapshot.get(snapId), 404, 'SnapshotNotFound');
    await expectError(C.snapshot.apply(snapId, 'stolen'), 404, 'SnapshotNotFound');
    await expectError(C.snapshot.update(snapId, { userData: 'C' }), 404, 'SnapshotNotFound');
    await expectError(C.snapshot.deleteMethod(snapId), 404, 'SnapshotNotFound');
    assert.ok(!ids(await C.snapshot.list()).includes(snapId));
  });

  await t.test('only the source updates or deletes', async () => {
    await expectError(B.snapshot.update(snapId, { userData: 'B' }), 404, 'SnapshotNotFound');
    await expectError(B.snapshot.deleteMethod(snapId), 404, 'SnapshotNotFound');
    assert.equal((await A.snapshot.get(snapId)).userData, 'first');
  });

  await t.test('the source outside its own scope cannot apply', async () => {
    let refused = false;
    try {
      const op = operationId(await A.snapshot.apply(snapId, 'self'), 'self apply');
      const st = await waitOperation(A, op);
      assert.equal(st.status, 'failed');
      assert.ok(st.message);
      refused = true;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      assert.ok(e.statusCode >= 400 && e.statusCode < 500, `self apply: ${describe(e)}`);
      assert.ok(e.body && e.body.error && e.body.error.message, `self apply: ${describe(e)}`);
      refused = true;
    }
    assert.ok(refused);
    assert.equal(await pg.exists(A, 'self'), false);
  });

  await t.test('operations are visible only to their account', async () => {
    await A.snapshot.getOperationStatus(takeOp);
    await expectError(B.snapshot.getOperationStatus(takeOp), 404, 'OperationNotFound');
    await expectError(C.snapshot.getOperationStatus(takeOp), 404, 'OperationNotFound');
    const applyOp = operationId(await B.snapshot.apply(snapId, 'mine'), 'apply');
    expectSucceeded(await waitOperation(B, applyOp), 'apply');
    await expectError(A.snapshot.getOperationStatus(applyOp), 404, 'OperationNotFound');
  });

  await t.test('list filters type and applyScope', async () => {
    const all = ids(await A.snapshot.list());
    assert.ok(all.includes(snapId) && all.includes(second), `A's list ${all}`);
    assert.deepEqual(ids(await A.snapshot.list({ type: 'PersonGroup' })), [snapId]);
    assert.deepEqual(ids(await A.snapshot.list({ type: 'FaceList' })), [second]);
    assert.deepEqual(ids(await B.snapshot.list({ type: 'FaceList' })), [second]);
    assert.deepEqual(ids(await A.snapshot.list({ applyScope: [other] })), [second]);
    assert.deepEqual(ids(await A.snapshot.list({ applyScope: [c.subscription] })), []);
  });

  await t.test('update widens the scope; delete removes it for everyone', async () => {
    expectStatus(await A.snapshot.update(snapId, { applyScope: [b.subscription, c.subscription], userData: 'widened' }), 200);
    const s = await C.snapshot.get(snapId);
    assert.equal(s.userData, 'widened');
    assert.deepEqual(s.applyScope, [b.subscription, c.subscription]);
    expectStatus(await A.snapshot.deleteMethod(snapId), 200);
    for (const cl of [A, B, C]) await expectError(cl.snapshot.get(snapId), 404, 'SnapshotNotFound');
  });
});

snapTest('snapshot: a failed apply reports a message and leaves the target unchanged', async (t, { A, B, b }) => {
  const lpg = snapKinds[3];
  await lpg.build(A, 'src', 700);
  const snapId = await takeAndWait(A, 'LargePersonGroup', 'src', [b.subscription]);
  await B.largePersonGroup.create('taken', 'B\'s own', { userData: 'keep me' });
  const op = operationId(await B.snapshot.apply(snapId, 'taken'), 'apply onto an existing object');
  const st = await waitOperation(B, op);
  assert.equal(st.status, 'failed');
  assert.equal(typeof st.message, 'string');
  assert.ok(st.message.length > 0, 'failed without a message');
  assert.equal(st.resourceLocation, undefined);
  const wire = JSON.parse(st._response.bodyAsText);
  assert.equal(wire.status, 'failed');
  assert.equal(wire.message, st.message);
  const g = await B.largePersonGroup.get('taken');
  assert.deepEqual([g.name, g.userData], ['B\'s own', 'keep me']);
  assert.deepEqual(await B.largePersonGroupPerson.list('taken'), []);

  // A missing source is refused up front with the type's NotFound code.
  await expectError(A.snapshot.take('PersonGroup', 'missing', [b.subscription]), 404, 'PersonGroupNotFound');
  await expectError(A.snapshot.take('LargeFaceList', 'missing', [b.subscription]), 404, 'LargeFaceListNotFound');
});

snapTest('snapshot: OperationStatus as the JS client sees it', async (t, { srv, A, a, b }) => {
  await A.faceList.create('wire', 'wire');
  await A.faceList.addFaceFromStream('wire', png(200, 200, 900), { targetFace });
  const take = await A.snapshot.take('FaceList', 'wire', [b.subscription]);
  const op = operationId(take, 'take');
  assert.equal(take._response.headers.get('content-length') || '0', '0');

  const first = await A.snapshot.getOperationStatus(op);
  assert.ok(STATUSES.includes(first.status), `status ${first.status}`);
  assert.match(first._response.headers.get('content-type'), /^application\/json\b/);
  if (first.status !== 'succeeded' && first.status !== 'failed') {
    assert.ok(first._response.headers.get('retry-after'), 'unfinished operation without Retry-After');
  }

  const st = await waitOperation(A, op);
  expectSucceeded(st, 'take');
  assert.match(st.resourceLocation, SNAPSHOT_LOCATION);
  const wire = JSON.parse(st._response.bodyAsText);
  for (const k of Object.keys(wire)) {
    assert.ok(['status', 'createdTime', 'lastActionTime', 'resourceLocation', 'message', 'progress'].includes(k), `unexpected field ${k}`);
  }
  assert.equal(wire.status, 'succeeded');
  assert.match(wire.createdTime, SERVICE_TIME, `createdTime ${wire.createdTime}`);
  assert.match(wire.lastActionTime, SERVICE_TIME, `lastActionTime ${wire.lastActionTime}`);
  assert.equal(st.createdTime.getTime(), new Date(wire.createdTime).getTime());
  assert.equal(st.lastActionTime.getTime(), new Date(wire.lastActionTime).getTime());
  assert.equal(wire.resourceLocation, st.resourceLocation);
  assert.equal('message' in wire, false, 'message present on success');
  assert.ok(!st._response.headers.get('retry-after'), 'Retry-After on a finished operation');

  // Snapshot times on the wire, too.
  const snapId = SNAPSHOT_LOCATION.exec(st.resourceLocation)[1];
  const snap = await A.snapshot.get(snapId);
  const sw = JSON.parse(snap._response.bodyAsText);
  assert.match(sw.createdTime, SERVICE_TIME);
  assert.match(sw.lastUpdateTime, SERVICE_TIME);

  // An unknown or malformed operation id.
  await expectError(A.snapshot.getOperationStatus('00000000-0000-4000-8000-000000000000'), 404, 'OperationNotFound');
  const raw = await srv.raw('GET', '/operations/not-a-uuid', { key: a.key });
  assert.ok(raw.status === 400 || raw.status === 404, `GET /operations/not-a-uuid: ${raw.status} ${raw.text}`);
  assert.ok(raw.json && raw.json.error && raw.json.error.code, raw.text);
});

test('snapshot: two regions sharing one snapshot store', async () => {
  const os = require('node:os');
  const path = require('node:path');
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'facesnap-js-store-'));
  const a = newAccount();
  const b = newAccount();
  const west = await startServer({ accounts: [a], snapshotStore: store });
  let east;
  try {
    east = await startServer({ accounts: [b], snapshotStore: store });
    const A = west.client(a);
    const B = east.client(b);
    const k = snapKinds[3];
    await k.build(A, 'west', 1100);
    const want = await k.read(A, 'west');
    const snapId = await takeAndWait(A, k.type, 'west', [b.subscription]);
    assert.equal((await B.snapshot.get(snapId)).id, snapId);
    const op = operationId(await B.snapshot.apply(snapId, 'east'), 'apply in the other region');
    assert.equal(expectSucceeded(await waitOperation(B, op), 'apply'), '/largepersongroups/east');
    assert.deepEqual(await k.read(B, 'east'), want);
  } catch (e) {
    e.message += `\n--- west ---\n${west.logs}\n--- east ---\n${east ? east.logs : ''}`;
    throw e;
  } finally {
    await west.stop();
    if (east) await east.stop();
    for (const d of [west.opts.dataDir, east && east.opts.dataDir, store]) if (d) fs.rmSync(d, { recursive: true, force: true });
  }
});
