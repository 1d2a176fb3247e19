// Node peers for bench/peers/run_peers.sh: the core loop (publish -> direct
// route -> deliver -> ack, prefetch 100) and the TTL + DLX workload (10 ms
// queue TTL, dead-lettered into a consumed dlq) on amqplib against the real
// broker and on the in-process fakes @onify/fake-amqplib, mock-amqplib and
// smqp. Prints one JSON line per (peer, workload): {"peer", "workload",
// "msgs", "msg_per_s"} or {"peer", "workload", "error"}.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);

const N = Number(process.env.PEER_MESSAGES || 20000);
const N_TTL = Number(process.env.PEER_TTL_MESSAGES || 2000);
const TIMEOUT_MS = 20000;
let run = 0;  // fresh queue names per run: no purge needed (and fakes lack it)

function within(promise, what) {
  return Promise.race([promise, new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`${what}: timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS))]);
}

async function amqpCoreLoop(connect, n) {
  const conn = await connect('amqp://localhost');
  const ch = await conn.createChannel();
  const x = `peer_x${++run}`, q = `peer_q${run}`;
  await ch.assertExchange(x, 'direct', { durable: false, autoDelete: true });
  await ch.assertQueue(q, { durable: false, autoDelete: true });
  await ch.bindQueue(q, x, 'k');
  await ch.prefetch(100);
  let acked = 0;
  const t0 = process.hrtime.bigint();
  const done = new Promise((resolve) => {
    ch.consume(q, (m) => { ch.ack(m); if (++acked === n) resolve(); });
  });
  for (let i = 0; i < n; i++) {
    if (!ch.publish(x, 'k', Buffer.from('m')) && ch.once) {
      await new Promise((r) => ch.once('drain', r));
    }
  }
  await within(done, 'core loop');
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await conn.close();
  return n / s;
}

async function amqpTtlDlx(connect, n) {
  const conn = await connect('amqp://localhost');
  const ch = await conn.createChannel();
  const dlq = `peer_dlq${++run}`, ttl = `peer_ttl${run}`;
  await ch.assertQueue(dlq, { durable: false, autoDelete: true });
  await ch.assertQueue(ttl, { durable: false, messageTtl: 10, deadLetterExchange: '',
                              deadLetterRoutingKey: dlq });
  let seen = 0;
  const t0 = process.hrtime.bigint();
  const done = new Promise((resolve) => {
    ch.consume(dlq, (m) => { ch.ack(m); if (++seen === n) resolve(); });
  });
  for (let i = 0; i < n; i++) ch.sendToQueue(ttl, Buffer.from('m'));
  await within(done, 'ttl+dlx');
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await ch.deleteQueue(ttl).catch(() => {});
  await conn.close();
  return n / s;
}

async function smqpCoreLoop(n) {
  const { Broker } = await import('smqp');
  const broker = Broker();
  broker.assertExchange('x', 'direct');
  broker.assertQueue('q');
  broker.bindQueue('q', 'x', 'k');
  let acked = 0;
  const t0 = process.hrtime.bigint();
  broker.consume('q', (_key, m) => { m.ack(); ++acked; }, { prefetch: 100 });
  for (let i = 0; i < n; i++) broker.publish('x', 'k', 'm');
  if (acked !== n) throw new Error(`acked ${acked} of ${n}`);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function smqpTtlDlx(n) {
  const { Broker } = await import('smqp');
  const broker = Broker();
  broker.assertExchange('dlx', 'direct');
  broker.assertQueue('dlq');
  broker.bindQueue('dlq', 'dlx', 'dead');
  broker.assertQueue('ttl', { messageTtl: 10, deadLetterExchange: 'dlx',
                              deadLetterRoutingKey: 'dead' });
  let seen = 0;
  const t0 = process.hrtime.bigint();
  const done = new Promise((resolve) => {
    broker.consume('dlq', (_key, m) => { m.ack(); if (++seen === n) resolve(); });
  });
  for (let i = 0; i < n; i++) broker.sendToQueue('ttl', 'm');
  // smqp has no TTL timer: messages expire only when evictExpired() (or a
  // get/consume) looks at them, so poll it as an application would have to.
  const poll = setInterval(() => broker.evictExpired(), 5);
  try { await within(done, 'smqp ttl+dlx'); } finally { clearInterval(poll); }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

const peers = [
  ['amqplib + RabbitMQ 3.10.8', (w, n) =>
    (w === 'core' ? amqpCoreLoop : amqpTtlDlx)(require('amqplib').connect, n)],
  ['@onify/fake-amqplib', (w, n) => {
    const fake = require('@onify/fake-amqplib');
    fake.setVersion('3.10');
    return (w === 'core' ? amqpCoreLoop : amqpTtlDlx)(fake.connect, n);
  }],
  ['mock-amqplib', (w, n) => (w === 'core' ? amqpCoreLoop : amqpTtlDlx)(require('mock-amqplib').connect, n)],
  ['smqp', (w, n) => (w === 'core' ? smqpCoreLoop : smqpTtlDlx)(n)],
];

for (const [peer, run] of peers) {
  for (const [workload, n] of [['core', N], ['ttl_dlx', N_TTL]]) {
    try {
      const rate = await within(Promise.resolve(run(workload, n)), `${peer} ${workload}`);
      console.log(JSON.stringify({ peer, workload, msgs: n, msg_per_s: rate }));
    } catch (e) {
      console.log(JSON.stringify({ peer, workload, error: String(e.message || e).slice(0, 120) }));
    }
  }
}
process.exit(0);
