// The README's Node example: amqplib against `warren serve`, the clock moved
// over HTTP. Usage: node ladder.mjs AMQP_URL CONTROL_URL
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const amqp = require(require.resolve('amqplib', {
  paths: [process.env.WARREN_NODE_MODULES, ...(process.env.NODE_PATH || '').split(':')].filter(Boolean),
}));

const [url, control] = process.argv.slice(2);
const post = (path, body) => fetch(control + path, { method: 'POST', body: JSON.stringify(body) })
  .then((r) => r.json());

const conn = await amqp.connect(url);
const ch = await conn.createConfirmChannel();
await ch.assertQueue('dlq');
await ch.assertQueue('delay_5s', { arguments: { 'x-message-ttl': 5000,
  'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'dlq' } });
ch.sendToQueue('delay_5s', Buffer.from('hello'));
await ch.waitForConfirms();               // amqplib buffers writes: settle before moving time
const run = await post('clock/run', { until: 'idle' });
const msg = await ch.get('dlq', { noAck: true });
console.log(JSON.stringify({ advanced_ms: run.advanced_ms, body: msg.content.toString(),
  x_death: msg.properties.headers['x-death'].map((d) => [d.queue, d.reason, d.count]) }));
await conn.close();
