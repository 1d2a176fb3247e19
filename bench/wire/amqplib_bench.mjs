#!/usr/bin/env node
// The wire benchmark's workload with amqplib (promise API): publish N
// transient 16-byte messages to a direct exchange (waiting for 'drain' when
// the socket pushes back), then consume them with prefetch 1000 and ack
// each one.
//
//   node amqplib_bench.mjs AMQP_URL N
//   prints {"client": "amqplib", "messages": N, "seconds": ...}
// amqplib is found via $WARREN_NODE_MODULES, then $NODE_PATH.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const paths = [process.env.WARREN_NODE_MODULES, ...(process.env.NODE_PATH || '').split(':')]
  .filter(Boolean);
const amqp = require(require.resolve('amqplib', { paths }));

const [url, nText] = process.argv.slice(2);
const n = Number(nText);
const watchdog = setTimeout(() => {
  process.stderr.write('amqplib_bench: timed out after 120 s\n');
  process.exit(1);
}, 120000);

const conn = await amqp.connect(url);
const ch = await conn.createChannel();
await ch.assertExchange('warren.bench', 'direct', { durable: true });
const { queue } = await ch.assertQueue('', { exclusive: true });
await ch.bindQueue(queue, 'warren.bench', 'k');
const body = Buffer.from('0123456789abcdef');
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  if (!ch.publish('warren.bench', 'k', body)) {
    await new Promise((resolve) => ch.once('drain', resolve));
  }
}
await ch.prefetch(1000);
let got = 0;
await new Promise((resolve) => {
  ch.consume(queue, (msg) => {
    ch.ack(msg);
    if (++got === n) resolve();
  });
});
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
clearTimeout(watchdog);
await ch.close();
await conn.close();
process.stdout.write(JSON.stringify({ client: 'amqplib', messages: n, seconds }) + '\n');
