'use strict';
// Assertions on what the JS client hands to its caller.

const assert = require('node:assert/strict');

// expectError awaits a call that must fail as the service fails: a
// RestError with statusCode, code (from the body's error.code) and the
// deserialized body, received as application/json. With no code given,
// any non-empty code passes.
async function expectError(promise, status, ...codes) {
  let err;
  try {
    const res = await promise;
    assert.fail(`succeeded (HTTP ${res && res._response && res._response.status}), want HTTP ${status} ${codes.join(' or ')}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e;
  }
  const body = err.response && err.response.bodyAsText;
  const where = `${err.request && err.request.method} ${err.request && err.request.url}: HTTP ${err.statusCode} code=${err.code} body=${body}`;
  assert.equal(err.statusCode, status, where);
  assert.ok(err.code, `no error code: ${where}`);
  if (codes.length) assert.ok(codes.includes(err.code), `code ${err.code}, want ${codes.join(' or ')}: ${where}`);
  assert.ok(err.body && err.body.error, `no deserialized error body: ${where}`);
  assert.equal(err.body.error.code, err.code, where);
  assert.ok(err.body.error.message, `no error.message: ${where}`);
  const ct = err.response && err.response.headers.get('content-type');
  assert.match(ct || '', /^application\/json\b/, `error Content-Type ${ct}: ${where}`);
  return err;
}

// expectStatus checks the HTTP status of a call's raw response.
function expectStatus(res, status) {
  assert.equal(res._response.status, status);
}

// validDate checks that the client turned a wire time into a real Date.
function validDate(d, what) {
  assert.ok(d instanceof Date, `${what} is ${typeof d} ${d}, want a Date`);
  assert.ok(!Number.isNaN(d.getTime()), `${what} is an Invalid Date`);
}

// SERVICE_TIME is how the service writes times: 7 fractional digits, Z.
const SERVICE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;

module.exports = { expectError, expectStatus, validDate, SERVICE_TIME };
