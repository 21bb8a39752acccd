'use strict';
// Runs facesnap as a real process for the JS client's tests, the same way
// the Go harness (sdktest/harness) does: the binary from FACESNAP_BIN (which
// scripts/test builds once for both suites; built here if unset), a fresh
// data directory, accounts through FACESNAP_ACCOUNTS, a bounded wait for the
// one "facesnap listening on http://HOST:PORT" line, and the process output
// attached to a failing test's error.

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { test } = require('node:test');

const { FaceClient } = require('@azure/cognitiveservices-face');
const { ApiKeyCredentials } = require('@azure/ms-rest-js');

const LISTEN_PREFIX = 'facesnap listening on ';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

let builtBin;

function binary() {
  if (process.env.FACESNAP_BIN) return path.resolve(process.env.FACESNAP_BIN);
  if (builtBin) return builtBin;
  // Without scripts/test: build from the repository root (two levels up).
  const root = path.resolve(__dirname, '..', '..', '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facesnap-js-bin-'));
  builtBin = path.join(dir, 'facesnap');
  execFileSync('go', ['build', '-o', builtBin, './cmd/facesnap'], { cwd: root, stdio: 'inherit' });
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return builtBin;
}

function newAccount() {
  return { key: crypto.randomBytes(16).toString('hex'), subscription: crypto.randomUUID() };
}

// Keeps the last `max` characters of process output.
class Tail {
  constructor(max) { this.max = max; this.text = ''; this.cut = false; }
  add(line) {
    this.text += line + '\n';
    if (this.text.length > this.max) {
      this.text = this.text.slice(this.text.length - this.max);
      this.cut = true;
    }
  }
  toString() { return (this.cut ? '[… earlier output cut …]\n' : '') + this.text; }
}

class Server {
  constructor(opts) {
    this.opts = opts;
    this.logs = new Tail(64 * 1024);
    this.proc = null;
    this.exited = null;
    this.stopping = false;
    this.crashed = null;
    this.endpoint = null;
    this.addr = null;
  }

  args(listen) {
    const a = ['serve', '--listen', listen, '--data', this.opts.dataDir];
    if (this.opts.snapshotStore) a.push('--snapshot-store', this.opts.snapshotStore);
    return a.concat(this.opts.extraArgs || []);
  }

  async start(listen) {
    const env = {
      ...process.env,
      FACESNAP_ACCOUNTS: this.opts.accounts.map((a) => `${a.key}=${a.subscription}`).join(','),
    };
    const proc = spawn(binary(), this.args(listen), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.stopping = false;
    const pid = proc.pid;
    this.logs.add(`=== started pid ${pid}: facesnap ${this.args(listen).join(' ')}`);
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.logs.add(`=== pid ${pid} exited: code ${code} signal ${signal}`);
        if (!this.stopping && !this.crashed) this.crashed = `facesnap pid ${pid} exited on its own: code ${code} signal ${signal}`;
        resolve({ code, signal });
      });
    });
    readline.createInterface({ input: proc.stderr }).on('line', (l) => this.logs.add(`[${pid} stderr] ${l}`));
    const out = readline.createInterface({ input: proc.stdout });
    const endpoint = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${LISTEN_PREFIX}http://HOST:PORT" line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      let announced = false;
      out.on('line', (l) => {
        this.logs.add(`[${pid} stdout] ${l}`);
        if (!announced && l.startsWith(LISTEN_PREFIX)) {
          announced = true;
          clearTimeout(timer);
          resolve(l.slice(LISTEN_PREFIX.length).trim());
        }
      });
      proc.on('error', (e) => { clearTimeout(timer); reject(e); });
      this.exited.then(() => { clearTimeout(timer); reject(new Error('facesnap exited before printing its listening line')); });
    }).catch(async (e) => {
      await this.kill();
      e.message += `\n--- facesnap output ---\n${this.logs}`;
      throw e;
    });
    if (!endpoint.startsWith('http://')) throw new Error(`listening line has no http:// address: ${endpoint}`);
    this.endpoint = endpoint;
    this.addr = endpoint.slice('http://'.length);
    await this.waitHealthy();
  }

  // Polls /healthz until 200, bounded in count.
  async waitHealthy() {
    let last = '';
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`${this.endpoint}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (e) {
        last = String(e);
      }
      await sleep(100);
    }
    await this.kill();
    throw new Error(`GET /healthz never answered 200 (last: ${last})\n--- facesnap output ---\n${this.logs}`);
  }

  running() { return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null; }

  async signal(sig, timeoutMs) {
    this.stopping = true;
    if (!this.running()) return true;
    this.proc.kill(sig);
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    try {
      return await Promise.race([this.exited.then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  // SIGKILL, as kill -9 does.
  async kill() {
    if (!(await this.signal('SIGKILL', STOP_TIMEOUT_MS))) throw new Error('facesnap did not exit after SIGKILL');
  }

  // SIGTERM, then SIGKILL if it lingers.
  async stop() {
    if (!(await this.signal('SIGTERM', STOP_TIMEOUT_MS))) {
      this.logs.add('=== no exit after SIGTERM; sending SIGKILL');
      await this.kill();
    }
  }

  // Starts again on the same address and data directory.
  async restart() {
    await this.stop();
    await this.start(this.addr);
  }

  // A client for one account, with retries off: a 5xx is a server bug to
  // see at once, not a 30-second back-off.
  client(account) {
    const creds = new ApiKeyCredentials({ inHeader: { 'Ocp-Apim-Subscription-Key': account.key } });
    return new FaceClient(creds, this.endpoint, { noRetryPolicy: true });
  }

  // Raw HTTP, for what the client would not send. path is under /face/v1.0.
  async raw(method, pathAndQuery, { key, contentType, body } = {}) {
    const headers = {};
    if (key) headers['Ocp-Apim-Subscription-Key'] = key;
    if (contentType) headers['Content-Type'] = contentType;
    const res = await fetch(`${this.endpoint}/face/v1.0${pathAndQuery}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }
}

async function startServer(opts = {}) {
  const dataDir = opts.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'facesnap-js-data-'));
  const srv = new Server({ accounts: opts.accounts || [newAccount()], dataDir, snapshotStore: opts.snapshotStore, extraArgs: opts.extraArgs });
  srv.ownsDataDir = !opts.dataDir;
  await srv.start('127.0.0.1:0');
  return srv;
}

// serverTest runs fn(t, env) against a fresh facesnap with two accounts, A
// and B, and their clients. The process is stopped afterwards; if fn fails,
// the process's output is appended to the error. opts.skip (a reason)
// skips the test without starting a process.
function serverTest(name, opts, fn) {
  if (typeof opts === 'function') { fn = opts; opts = {}; }
  test(name, { skip: opts.skip || false }, async (t) => {
    const a = newAccount();
    const b = newAccount();
    const srv = await startServer({ accounts: [a, b], extraArgs: opts.extraArgs });
    const env = { srv, a, b, A: srv.client(a), B: srv.client(b) };
    try {
      await fn(t, env);
      if (srv.crashed) throw new Error(srv.crashed);
    } catch (e) {
      if (e && typeof e === 'object') {
        try { e.message = `${e.message}\n${describe(e)}\n--- facesnap output (${srv.endpoint}) ---\n${srv.logs}`; } catch { /* read-only message */ }
      }
      throw e;
    } finally {
      await srv.stop();
      if (srv.ownsDataDir) fs.rmSync(srv.opts.dataDir, { recursive: true, force: true });
      if (process.env.FACESNAP_TEST_LOGS) t.diagnostic(`facesnap output:\n${srv.logs}`);
    }
  });
}

// describe renders a RestError's status and body for failure messages.
function describe(e) {
  if (!e || e.statusCode === undefined) return '';
  const body = e.response && e.response.bodyAsText;
  return `HTTP ${e.statusCode} code=${e.code} body=${body}`;
}

// Serves data at /image (and a 404 at /missing) on loopback.
async function serveImage(data, contentType) {
  const server = http.createServer((req, res) => {
    if (req.url === '/image') {
      res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': data.length });
      res.end(data);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/image`, base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

module.exports = { startServer, serverTest, newAccount, serveImage, sleep, describe, Server };
