package io.khora.server;

import io.khora.Lease;
import io.khora.Period;
import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.WriteMode;

import java.io.PrintStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client process of the chaos tests, to be killed mid-operation: writer threads write fresh
 * entries (write-only), taker threads take, and every operation is reported on standard output
 * before it starts and when it ends, one line each ({@link ClientProcessLog} reads them back into the
 * test's {@link History}). Runs until killed, at most {@code seconds}.
 *
 * <p>Arguments: {@code uri firstWriter writers takers seed seconds}.
 */
public final class ChaosClientMain {
    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    private static final AtomicLong OPS = new AtomicLong();

    private ChaosClientMain() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        int firstWriter = Integer.parseInt(args[1]);
        int writers = Integer.parseInt(args[2]);
        int takers = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        long seconds = Long.parseLong(args[5]);
        try (Space space = Spaces.connect(uri)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = firstWriter + w;
                threads.add(new Thread(() -> write(space, writer, new Random(seed * 17 + writer)), "client-writer-" + w));
            }
            for (int t = 0; t < takers; t++) {
                int taker = firstWriter + writers + t;
                threads.add(new Thread(() -> take(space, taker, new Random(seed * 17 + taker)), "client-taker-" + t));
            }
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
            line(ClientProcessLog.READY);
            TimeUnit.SECONDS.sleep(seconds);
        }
        System.exit(0);
    }

    private static void write(Space space, int writer, Random rnd) {
        for (int seq = 0; ; seq++) {
            Item item = new Item(Item.idOf(writer, seq), rnd.nextInt(Load.ROUTING_VALUES), writer, seq);
            long op = OPS.incrementAndGet();
            line("S " + op + " W " + item.id() + " " + item.routing() + " " + writer + " " + seq);
            try {
                space.write(item, Lease.FOREVER, WriteMode.WRITE_ONLY);
                line("A " + op);
            } catch (RuntimeException e) {
                failed(op, e);
            }
        }
    }

    private static void take(Space space, int taker, Random rnd) {
        for (int i = 0; ; i++) {
            boolean multiple = i % 2 == 1;
            long op = OPS.incrementAndGet();
            line("S " + op + " T " + (multiple ? 4 : 1) + " " + taker);
            try {
                List<Item> got = new ArrayList<>();
                if (multiple) {
                    got.addAll(space.takeMultiple(Query.of(Item.class, "routing = ?", rnd.nextInt(Load.ROUTING_VALUES)), 4));
                } else {
                    Item one = space.take(Query.all(Item.class), Period.ofMillis(300));
                    if (one != null) {
                        got.add(one);
                    }
                }
                line("T " + op + " " + (got.isEmpty() ? "-" : String.join(",", got.stream().map(Item::id).toList())));
            } catch (RuntimeException e) {
                failed(op, e);
            }
        }
    }

    private static void failed(long op, RuntimeException e) {
        line("F " + op + " " + Outcomes.of(e) + " " + String.valueOf(e).replace('\n', ' '));
    }

    /** One line, one write: a kill can cut off only the last line, which the reader then ignores. */
    private static void line(String s) {
        byte[] b = (ClientProcessLog.PREFIX + s + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (OUT) {
            OUT.write(b, 0, b.length);
            OUT.flush();
        }
    }
}
