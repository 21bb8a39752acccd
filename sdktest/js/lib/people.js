'use strict';
// The labelled photos of real people in shared/testdata/people (beside the
// repository's root, never copied into it) and the face engine's weights,
// for the recognition tests. Some photos of each person are enrolled, the
// others are the queries, so no photo is ever compared with itself.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PEOPLE = path.resolve(ROOT, '..', 'shared', 'testdata', 'people');
// FACESNAP_MODELS is relative to the repository root, as the scripts read it.
const MODELS = path.resolve(ROOT, process.env.FACESNAP_MODELS || path.join('.cache', 'face-api'));

const enrolled = {
  obama: ['obama/1.jpg', 'obama/2.jpg'],
  biden: ['biden/1.jpg'],
  kit: ['kit/1.jpg', 'kit/2.jpg'],
  rose: ['rose/1.jpg'],
};
const queries = {
  obama: ['obama/3.jpg', 'obama/4.jpg'],
  biden: ['biden/2.jpg'],
  kit: ['kit/3.jpg'],
  rose: ['rose/2.jpg'],
};

// missing says why the recognition tests cannot run (no weights, or photos
// absent), false when they can: a value for node:test's skip option. Under CI (env CI set) it throws instead: a
// skip there would hide a broken setup.
function missing(photos) {
  let why = false;
  if (!fs.existsSync(path.join(MODELS, 'ssd_mobilenetv1_model-weights_manifest.json'))) {
    why = `face engine weights not in ${MODELS}: run scripts/fetch-models first`;
  } else {
    const absent = photos.filter((p) => !fs.existsSync(path.join(PEOPLE, p)));
    if (absent.length) why = `labelled photos not found in ${PEOPLE}: ${absent.join(', ')}`;
  }
  if (why && process.env.CI) throw new Error(`${why} (CI is set)`);
  return why;
}

function photo(rel) { return fs.readFileSync(path.join(PEOPLE, rel)); }

module.exports = { MODELS, PEOPLE, enrolled, queries, missing, photo };
