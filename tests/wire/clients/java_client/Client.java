// Wire-compatibility scenario using the RabbitMQ Java client (com.rabbitmq:amqp-client 5.x).
//
// Usage: java -cp OUT:amqp-client.jar:slf4j-api.jar:slf4j-nop.jar Client AMQP_URL
// (Debian: librabbitmq-client-java, libslf4j-java; see run_client.sh)
// Prints one JSON result line on stdout; exits non-zero on any failure.

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class Client {
    static final String CLIENT = "java";
    static final int STEP_TIMEOUT_MS = 10000; // every step (and so every wait) is bounded by this

    static volatile String stepName = "start";
    static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watchdog");
        t.setDaemon(true);
        return t;
    });
    static ScheduledFuture<?> watchdog;

    static synchronized void step(String name) {
        stepName = name;
        if (watchdog != null) watchdog.cancel(false);
        watchdog = timer.schedule(() -> {
            System.err.println(CLIENT + ": FAILED in step " + stepName + ": timeout (" + STEP_TIMEOUT_MS / 1000 + "s)");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }, STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    static String prefix;

    static Object norm(Object v) {
        if (v == null) return null;
        if (v instanceof byte[]) v = new String((byte[]) v, StandardCharsets.UTF_8);
        if (v instanceof List) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) v) out.add(norm(o));
            return out;
        }
        if (v instanceof Number || v instanceof Boolean) return v;
        return v.toString().replace(prefix, ""); // String or LongString
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static final class Msg {
        final Envelope env;
        final AMQP.BasicProperties props;
        final byte[] body;

        Msg(Envelope e, AMQP.BasicProperties p, byte[] b) {
            env = e;
            props = p;
            body = b;
        }
    }

    static Map<String, Object> run(String url) throws Exception {
        byte[] rb = new byte[5];
        new SecureRandom().nextBytes(rb);
        StringBuilder hex = new StringBuilder();
        for (byte b : rb) hex.append(String.format("%02x", b));
        prefix = CLIENT + "." + hex + ".";
        String X = prefix + "x", DLX = prefix + "dlx", WORK = prefix + "work", DLQ = prefix + "dlq",
                MISSING = prefix + "missing";
        Map<String, Object> result = new TreeMap<>();
        result.put("client", CLIENT);

        step("a.connect");
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(url);
        // The Java client follows the AMQP URI spec strictly: "amqp://h:p/" names the
        // vhost "" (RabbitMQ answers 530 "NOT_ALLOWED - vhost  not found"); the other
        // clients map it to "/". Do the same so one URL works for all five.
        if (f.getVirtualHost().isEmpty()) f.setVirtualHost("/");
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(STEP_TIMEOUT_MS);
        f.setHandshakeTimeout(STEP_TIMEOUT_MS);
        f.setChannelRpcTimeout(STEP_TIMEOUT_MS);
        f.setShutdownTimeout(STEP_TIMEOUT_MS);
        Connection conn = f.newConnection();
        Channel ch = conn.createChannel();

        step("a.declare");
        ch.exchangeDeclare(X, "direct", true);
        ch.exchangeDeclare(DLX, "fanout", true);
        ch.queueDeclare(DLQ, true, false, false, null);
        ch.queueBind(DLQ, DLX, "");
        Map<String, Object> args = new HashMap<>();
        args.put("x-dead-letter-exchange", DLX);
        args.put("x-message-ttl", 60000);
        ch.queueDeclare(WORK, true, false, false, args);
        ch.queueBind(WORK, X, "k");

        step("b.confirms");
        AtomicInteger acks = new AtomicInteger(), nacks = new AtomicInteger();
        java.util.concurrent.ConcurrentSkipListSet<Long> outstanding = new java.util.concurrent.ConcurrentSkipListSet<>();
        ch.addConfirmListener(new ConfirmListener() {
            int settle(long tag, boolean multiple) {
                int n = 0;
                if (multiple) {
                    while (!outstanding.isEmpty() && outstanding.first() <= tag) {
                        outstanding.pollFirst();
                        n++;
                    }
                } else if (outstanding.remove(tag)) {
                    n = 1;
                }
                return n;
            }

            public void handleAck(long tag, boolean multiple) {
                acks.addAndGet(settle(tag, multiple));
            }

            public void handleNack(long tag, boolean multiple) {
                nacks.addAndGet(settle(tag, multiple));
            }
        });
        BlockingQueue<Map<String, Object>> returns = new LinkedBlockingQueue<>();
        ch.addReturnListener((code, text, exchange, key, props, body) -> {
            Map<String, Object> r = new TreeMap<>();
            r.put("code", code);
            r.put("text", text);
            returns.add(r);
        });
        ch.confirmSelect();
        Map<String, Object> headers = new HashMap<>();
        headers.put("attempt", 1);
        for (int i = 0; i < 5; i++) {
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .deliveryMode(2).headers(headers).build();
            outstanding.add(ch.getNextPublishSeqNo());
            ch.basicPublish(X, "k", props, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirms(STEP_TIMEOUT_MS); // throws TimeoutException
        Map<String, Object> confirms = new TreeMap<>();
        confirms.put("ack", acks.get());
        confirms.put("nack", nacks.get());
        result.put("confirms", confirms);

        step("c.return");
        ch.basicPublish(X, "no-such-key", true, new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                "unroutable".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> ret = returns.poll(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (ret == null) throw new Exception("timeout waiting for basic.return");
        ch.waitForConfirms(STEP_TIMEOUT_MS);
        result.put("return", ret);

        step("d.consume");
        ch.basicQos(2);
        BlockingQueue<Msg> inbox = new LinkedBlockingQueue<>();
        String tag = ch.basicConsume(WORK, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String ctag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                inbox.add(new Msg(env, props, body));
            }
        });
        List<Object> delivered = new ArrayList<>(), redelivered = new ArrayList<>();
        while (delivered.size() < 5) {
            Msg m = inbox.poll(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (m == null) throw new Exception("timeout waiting for delivery");
            Map<String, Object> h = m.props.getHeaders();
            if (h == null || !Integer.valueOf(1).equals(h.get("attempt")))
                throw new Exception("bad headers " + h);
            delivered.add(str(m.body));
            redelivered.add(m.env.isRedeliver());
            if (delivered.size() <= 3) ch.basicAck(m.env.getDeliveryTag(), false);
            else ch.basicNack(m.env.getDeliveryTag(), false, false);
        }
        ch.basicCancel(tag);
        result.put("delivered", delivered);
        result.put("redelivered", redelivered);

        step("e.dlq");
        List<Object> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + STEP_TIMEOUT_MS;
        while (got.size() < 2) {
            GetResponse g = ch.basicGet(DLQ, true);
            if (g == null) {
                if (System.currentTimeMillis() > deadline)
                    throw new Exception("DLQ has " + got.size() + " of 2 messages");
                Thread.sleep(50);
                continue;
            }
            Map<String, Object> h = g.getProps().getHeaders();
            if (h == null) h = new HashMap<>();
            List<Object> xd = new ArrayList<>();
            Object list = h.get("x-death");
            if (list instanceof List) {
                for (Object o : (List<?>) list) {
                    Map<?, ?> d = (Map<?, ?>) o;
                    Map<String, Object> e = new TreeMap<>();
                    e.put("queue", norm(d.get("queue")));
                    e.put("reason", norm(d.get("reason")));
                    e.put("count", d.get("count"));
                    e.put("exchange", norm(d.get("exchange")));
                    e.put("routing-keys", norm(d.get("routing-keys")));
                    xd.add(e);
                }
            }
            Map<String, Object> entry = new TreeMap<>();
            entry.put("body", str(g.getBody()));
            entry.put("x_death", xd);
            entry.put("x_first_death_reason", norm(h.get("x-first-death-reason")));
            got.add(entry);
        }
        result.put("dlq", got);

        step("f.passive");
        try {
            ch.queueDeclarePassive(MISSING);
            throw new Exception("passive declare of a missing queue succeeded");
        } catch (IOException e) {
            if (!(e.getCause() instanceof ShutdownSignalException)) throw e;
            Object reason = ((ShutdownSignalException) e.getCause()).getReason();
            if (!(reason instanceof AMQP.Channel.Close)) throw e;
            AMQP.Channel.Close close = (AMQP.Channel.Close) reason;
            Map<String, Object> pe = new TreeMap<>();
            pe.put("code", close.getReplyCode());
            pe.put("text", norm(close.getReplyText()));
            result.put("passive_error", pe);
        }

        step("f.cleanup");
        Channel ch2 = conn.createChannel();
        ch2.queueDelete(WORK);
        ch2.queueDelete(DLQ);
        ch2.exchangeDelete(X);
        ch2.exchangeDelete(DLX);
        ch2.close();

        step("g.close");
        conn.close(STEP_TIMEOUT_MS);
        watchdog.cancel(false);
        return result;
    }

    // JSON with sorted keys (TreeMap), compact separators, ASCII only.
    static void json(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>((Map<?, ?>) v).entrySet()) {
                if (!first) sb.append(',');
                first = false;
                json(sb, e.getKey().toString());
                sb.append(':');
                json(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<?>) v) {
                if (!first) sb.append(',');
                first = false;
                json(sb, o);
            }
            sb.append(']');
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v.toString());
        } else {
            String s = v.toString();
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') sb.append("\\\"");
                else if (c == '\\') sb.append("\\\\");
                else if (c == '\n') sb.append("\\n");
                else if (c == '\r') sb.append("\\r");
                else if (c == '\t') sb.append("\\t");
                else if (c == '\b') sb.append("\\b");
                else if (c == '\f') sb.append("\\f");
                else if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            sb.append('"');
        }
    }

    public static void main(String[] argv) {
        if (argv.length != 1) {
            System.err.println("usage: Client AMQP_URL");
            System.exit(2);
        }
        try {
            Map<String, Object> res = run(argv[0]);
            StringBuilder sb = new StringBuilder();
            json(sb, res);
            System.out.println(sb);
            System.out.flush();
            System.exit(0);
        } catch (Throwable e) {
            System.err.println(CLIENT + ": FAILED in step " + stepName + ": " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }
}
