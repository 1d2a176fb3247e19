#!/usr/bin/env node
// Wire-compatibility scenario using amqplib (promise API), Node >= 18.
//
// Usage: node amqplib_client.mjs AMQP_URL
// amqplib is found via $WARREN_NODE_MODULES (a directory holding
// node_modules/amqplib, or the node_modules directory itself), then
// $NODE_PATH, then normal resolution from this file.
// Prints one JSON result line on stdout; exits non-zero on any failure.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const CLIENT = 'amqplib';
const STEP_TIMEOUT = 10000; // ms; every step (and so every wait) is bounded by this
let stepName = 'start';
let watchdog = null;

function step(name) {
  stepName = name;
  if (watchdog) clearTimeout(watchdog);
  watchdog = setTimeout(() => {
    process.stderr.write(`${CLIENT}: FAILED in step ${stepName}: timeout (${STEP_TIMEOUT / 1000}s)\n`);
    process.exit(1);
  }, STEP_TIMEOUT);
}

function loadAmqplib() {
  const require = createRequire(import.meta.url);
  const paths = [process.env.WARREN_NODE_MODULES, ...(process.env.NODE_PATH || '').split(':')]
    .filter(Boolean);
  paths.push(new URL('.', import.meta.url).pathname);
  return require(require.resolve('amqplib', { paths }));
}

// JSON with recursively sorted keys, compact separators, ASCII only.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${canonical(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function main(url) {
  const amqp = loadAmqplib();
  const prefix = `${CLIENT}.${randomBytes(5).toString('hex')}.`;
  const [X, DLX, WORK, DLQ, MISSING] = ['x', 'dlx', 'work', 'dlq', 'missing'].map((n) => prefix + n);
  const norm = (v) => {
    if (Buffer.isBuffer(v)) v = v.toString();
    if (typeof v === 'string') return v.split(prefix).join('');
    if (Array.isArray(v)) return v.map(norm);
    return v;
  };
  const result = { client: CLIENT };

  step('a.connect');
  const conn = await amqp.connect(url, { timeout: STEP_TIMEOUT });
  conn.on('error', (e) => process.stderr.write(`${CLIENT}: connection error: ${e.message}\n`));
  const ch = await conn.createConfirmChannel();
  let channelError = null;
  ch.on('error', (e) => { channelError = e; });

  step('a.declare');
  await ch.assertExchange(X, 'direct', { durable: true });
  await ch.assertExchange(DLX, 'fanout', { durable: true });
  await ch.assertQueue(DLQ, { durable: true });
  await ch.bindQueue(DLQ, DLX, '');
  await ch.assertQueue(WORK, { durable: true, deadLetterExchange: DLX, messageTtl: 60000 });
  await ch.bindQueue(WORK, X, 'k');

  step('b.confirms');
  let acks = 0;
  let nacks = 0;
  await Promise.all([0, 1, 2, 3, 4].map((i) => new Promise((resolve) => {
    ch.publish(X, 'k', Buffer.from(`m${i}`), { persistent: true, headers: { attempt: 1 } }, (err) => {
      if (err) nacks += 1; else acks += 1;
      resolve();
    });
  })));
  result.confirms = { ack: acks, nack: nacks };

  step('c.return');
  const returned = new Promise((resolve) => ch.once('return', resolve));
  ch.publish(X, 'no-such-key', Buffer.from('unroutable'), { persistent: true, mandatory: true });
  const ret = await returned;
  await ch.waitForConfirms();
  result.return = { code: ret.fields.replyCode, text: ret.fields.replyText };

  step('d.consume');
  await ch.prefetch(2);
  const delivered = [];
  const redelivered = [];
  let consumeErr = null;
  let done;
  const allDelivered = new Promise((resolve) => { done = resolve; });
  const { consumerTag } = await ch.consume(WORK, (msg) => {
    if (msg === null) { consumeErr = new Error('consumer cancelled by server'); done(); return; }
    const h = msg.properties.headers || {};
    if (h.attempt !== 1) { consumeErr = new Error(`bad headers ${JSON.stringify(h)}`); done(); return; }
    delivered.push(msg.content.toString());
    redelivered.push(Boolean(msg.fields.redelivered));
    if (delivered.length <= 3) ch.ack(msg); else ch.nack(msg, false, false);
    if (delivered.length === 5) done();
  }, { noAck: false });
  await allDelivered;
  if (consumeErr) throw consumeErr;
  await ch.cancel(consumerTag);
  result.delivered = delivered;
  result.redelivered = redelivered;

  step('e.dlq');
  const got = [];
  const deadline = Date.now() + STEP_TIMEOUT;
  while (got.length < 2) {
    const m = await ch.get(DLQ, { noAck: true });
    if (m === false) {
      if (Date.now() > deadline) throw new Error(`DLQ has ${got.length} of 2 messages`);
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const h = m.properties.headers || {};
    got.push({
      body: m.content.toString(),
      x_death: (h['x-death'] || []).map((d) => ({
        queue: norm(d.queue),
        reason: norm(d.reason),
        count: Number(d.count),
        exchange: norm(d.exchange),
        'routing-keys': norm(d['routing-keys']),
      })),
      x_first_death_reason: norm(h['x-first-death-reason']),
    });
  }
  result.dlq = got;

  step('f.passive');
  try {
    await ch.checkQueue(MISSING);
    throw new Error('passive declare of a missing queue succeeded');
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    // amqplib only exposes the reply text inside the error message
    const m = /with message "(.*)"$/s.exec(e.message);
    if (!m) throw new Error(`cannot parse channel close: ${e.message}`);
    result.passive_error = { code: e.code, text: norm(m[1]) };
  }
  if (!channelError) throw new Error('channel error event not emitted');

  step('f.cleanup');
  const ch2 = await conn.createChannel();
  await ch2.deleteQueue(WORK);
  await ch2.deleteQueue(DLQ);
  await ch2.deleteExchange(X);
  await ch2.deleteExchange(DLX);
  await ch2.close();

  step('g.close');
  await conn.close();
  clearTimeout(watchdog);
  return result;
}

if (process.argv.length !== 3) {
  process.stderr.write('usage: amqplib_client.mjs AMQP_URL\n');
  process.exit(2);
}
main(process.argv[2]).then(
  (res) => { process.stdout.write(`${canonical(res)}\n`); },
  (e) => {
    process.stderr.write(`${CLIENT}: FAILED in step ${stepName}: ${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
