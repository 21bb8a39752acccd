'use strict';
// Acknowledged writes survive kill -9: the data directory is the database.
const assert = require('node:assert/strict');
const { serverTest } = require('../lib/harness');
const { png } = require('../lib/images');

serverTest('restart: objects written before kill -9 are there after restart', async (t, { srv, A }) => {
  await A.personGroup.create('durable', 'durable', { userData: 'u' });
  const { personId } = await A.personGroupPerson.create('durable', { name: 'p' });
  const { persistedFaceId } = await A.personGroupPerson.addFaceFromStream('durable', personId, png(200, 200, 60), { targetFace: [10, 10, 100, 100] });
  await srv.kill();
  await srv.restart();
  // The client keeps its endpoint: the server comes back on the same port.
  const g = await A.personGroup.get('durable');
  assert.deepEqual([g.name, g.userData], ['durable', 'u']);
  assert.deepEqual((await A.personGroupPerson.get('durable', personId)).persistedFaceIds, [persistedFaceId]);
});
