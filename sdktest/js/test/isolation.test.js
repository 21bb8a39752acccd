'use strict';
const assert = require('node:assert/strict');
const { serverTest } = require('../lib/harness');
const { expectError } = require('../lib/expect');
const { kinds } = require('../lib/kinds');
const { png } = require('../lib/images');

serverTest("isolation: account B gets 404 for account A's objects", async (t, { A, B }) => {
  for (const k of kinds) {
    await t.test(k.name, async () => {
      const a = k.group(A);
      const b = k.group(B);
      await a.create('iso', "A's", { userData: 'A' });
      await expectError(b.get('iso'), 404, k.notFound);
      await expectError(b.update('iso', { name: 'B was here' }), 404, k.notFound);
      await expectError(b.deleteMethod('iso'), 404, k.notFound);
      assert.ok(!(await b.list()).some((x) => x[k.idField] === 'iso'));
      // B's own object of the same id is a different object.
      await b.create('iso', "B's");
      await b.deleteMethod('iso');
      const mine = await a.get('iso');
      assert.deepEqual([mine.name, mine.userData], ["A's", 'A']);
    });
  }
  await t.test('persons and faces', async () => {
    await A.largePersonGroup.create('iso-lpg', 'g');
    const { personId } = await A.largePersonGroupPerson.create('iso-lpg', { name: 'p' });
    const { persistedFaceId } = await A.largePersonGroupPerson.addFaceFromStream('iso-lpg', personId, png(200, 200, 40), { targetFace: [10, 10, 100, 100] });
    await expectError(B.largePersonGroupPerson.get('iso-lpg', personId), 404, 'LargePersonGroupNotFound');
    await expectError(B.largePersonGroupPerson.getFace('iso-lpg', personId, persistedFaceId), 404, 'LargePersonGroupNotFound');
    await expectError(B.largePersonGroupPerson.list('iso-lpg'), 404, 'LargePersonGroupNotFound');
    await expectError(B.largePersonGroup.train('iso-lpg'), 404, 'LargePersonGroupNotFound');
    await B.largePersonGroup.create('iso-lpg', 'B');
    await expectError(B.largePersonGroupPerson.get('iso-lpg', personId), 404, 'PersonNotFound');
    assert.deepEqual((await A.largePersonGroupPerson.get('iso-lpg', personId)).persistedFaceIds, [persistedFaceId]);
  });
});
