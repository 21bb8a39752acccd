'use strict';
// The four collection kinds, adapted to one shape over the JS client's own
// operation groups, so the same lifecycle runs on each.

const kinds = [
  { name: 'FaceList', group: (c) => c.faceList, idField: 'faceListId', notFound: 'FaceListNotFound', exists: 'FaceListExists', paged: false },
  { name: 'LargeFaceList', group: (c) => c.largeFaceList, idField: 'largeFaceListId', notFound: 'LargeFaceListNotFound', exists: 'LargeFaceListExists', paged: true },
  { name: 'PersonGroup', group: (c) => c.personGroup, idField: 'personGroupId', notFound: 'PersonGroupNotFound', exists: 'PersonGroupExists', paged: true },
  { name: 'LargePersonGroup', group: (c) => c.largePersonGroup, idField: 'largePersonGroupId', notFound: 'LargePersonGroupNotFound', exists: 'LargePersonGroupExists', paged: true },
];

const personKinds = [
  { name: 'PersonGroupPerson', kind: kinds[2], persons: (c) => c.personGroupPerson },
  { name: 'LargePersonGroupPerson', kind: kinds[3], persons: (c) => c.largePersonGroupPerson },
];

module.exports = { kinds, personKinds };
