'use strict';
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { serverTest } = require('../lib/harness');
const { expectError, expectStatus } = require('../lib/expect');
const { personKinds } = require('../lib/kinds');

serverTest('persons: create, get, list, update, delete in both group kinds', async (t, { A }) => {
  for (const pk of personKinds) {
    await t.test(pk.name, async () => {
      const groups = pk.kind.group(A);
      const persons = pk.persons(A);
      await groups.create('people', 'people');

      const created = await persons.create('people', { name: 'Ada', userData: 'first' });
      expectStatus(created, 200);
      const pid = created.personId;
      assert.match(pid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

      let p = await persons.get('people', pid);
      assert.deepEqual([p.personId, p.name, p.userData, p.persistedFaceIds], [pid, 'Ada', 'first', []]);

      expectStatus(await persons.update('people', pid, { userData: 'second' }), 200);
      p = await persons.get('people', pid);
      assert.deepEqual([p.name, p.userData], ['Ada', 'second']);
      await persons.update('people', pid, { name: 'Ada L.' });
      p = await persons.get('people', pid);
      assert.deepEqual([p.name, p.userData], ['Ada L.', 'second']);

      const others = [];
      for (let i = 0; i < 4; i++) others.push((await persons.create('people', { name: `p${i}` })).personId);
      const all = [pid, ...others].sort();
      assert.deepEqual((await persons.list('people')).map((x) => x.personId), all);
      assert.deepEqual((await persons.list('people', { top: 2 })).map((x) => x.personId), all.slice(0, 2));
      assert.deepEqual((await persons.list('people', { start: all[1], top: 2 })).map((x) => x.personId), all.slice(2, 4));

      expectStatus(await persons.deleteMethod('people', pid), 200);
      await expectError(persons.get('people', pid), 404, 'PersonNotFound');
      await expectError(persons.update('people', pid, { name: 'x' }), 404, 'PersonNotFound');
      await expectError(persons.deleteMethod('people', pid), 404, 'PersonNotFound');
      await expectError(persons.get('people', crypto.randomUUID()), 404, 'PersonNotFound');
      await expectError(persons.create('missing', { name: 'x' }), 404, pk.kind.notFound);
      await expectError(persons.list('missing'), 404, pk.kind.notFound);
    });
  }
});
