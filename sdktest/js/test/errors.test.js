'use strict';
const assert = require('node:assert/strict');
const { serverTest, newAccount } = require('../lib/harness');
const { expectError } = require('../lib/expect');

serverTest('errors: a wrong key is 401 with the service error body', async (t, { srv, A }) => {
  await A.personGroup.create('mine', 'mine');
  const bad = srv.client(newAccount());
  await expectError(bad.personGroup.get('mine'), 401);
  await expectError(bad.personGroup.list(), 401);
  await expectError(bad.faceList.create('x', 'x'), 401);
  await expectError(bad.largeFaceList.deleteMethod('x'), 401);
  await expectError(bad.largePersonGroup.train('x'), 401);
});

serverTest('errors: the 65th FaceList is 403 QuotaExceeded', async (t, { A, B }) => {
  for (let i = 0; i < 64; i++) await A.faceList.create(`fl-${String(i).padStart(2, '0')}`, 'n');
  await expectError(A.faceList.create('fl-64', 'n'), 403, 'QuotaExceeded');
  await expectError(A.faceList.get('fl-64'), 404, 'FaceListNotFound');
  assert.equal((await A.faceList.list()).length, 64);
  await B.faceList.create('fl-64', 'n');
});

serverTest('errors: the client surfaces 404 and 409 codes of every kind', async (t, { A }) => {
  await expectError(A.personGroup.get('none'), 404, 'PersonGroupNotFound');
  await expectError(A.largePersonGroup.get('none'), 404, 'LargePersonGroupNotFound');
  await expectError(A.faceList.get('none'), 404, 'FaceListNotFound');
  await expectError(A.largeFaceList.get('none'), 404, 'LargeFaceListNotFound');
  await A.personGroup.create('pg', 'pg');
  await expectError(A.personGroup.create('pg', 'pg'), 409, 'PersonGroupExists');
  await A.largePersonGroup.create('lpg', 'lpg');
  await expectError(A.largePersonGroup.create('lpg', 'lpg'), 409, 'LargePersonGroupExists');
});
