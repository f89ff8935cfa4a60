package io.khora.hibernate.writebehind;

import io.khora.Space;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.hibernate.writebehind.model.WbItem;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link WriteBehindCrashIT}: a write-behind space over PostgreSQL (the Hibernate
 * data source and endpoint) into which {@code threads} writers write the ids {@code 1..total}
 * (writer {@code t} the contiguous range {@code t*total/threads+1 ..}, in increasing order), each
 * id once.
 *
 * <p>Protocol on standard output, one line per event, each line one unbuffered {@code write(2)}
 * (so a line either reached the pipe whole or not at all when the JVM is killed): {@code READY}
 * once the space is READY; {@code A <id>} right after {@code space.write} of that id returned — the
 * acknowledgement the parent counts; {@code E <id> <error>} if a write failed; {@code DONE} when all
 * writes are acknowledged (the child then waits to be killed). Logs go to standard error.
 *
 * <p>Arguments: jdbcUrl outboxDirectory spaceName durability partitions threads total
 */
public final class WriteBehindCrashChild {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private WriteBehindCrashChild() {
    }

    /** The write-behind settings of the crash test, the same in the child and in the restarted space. */
    static WriteBehindSettings settings(Path outbox, WriteBehindSettings.Durability durability) {
        return WriteBehindSettings.builder(outbox)
                .durability(durability)
                .segmentBytes(1L << 20) // several segments per partition: recovery crosses segment files
                .batchSize(1_000)
                .batchInterval(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .flushTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static synchronized void line(String s) {
        try {
            OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // the parent is gone: nothing left to report to
            Runtime.getRuntime().halt(5);
        }
    }

    public static void main(String[] args) throws Exception {
        String jdbcUrl = args[0];
        Path outbox = Path.of(args[1]);
        String spaceName = args[2];
        WriteBehindSettings.Durability durability = WriteBehindSettings.Durability.valueOf(args[3]);
        int partitions = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        int total = Integer.parseInt(args[6]);

        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl);
        SessionFactory sf = WbDb.sessionFactory(ds, false);
        Space space = WbSpaces.start(spaceName, partitions, new DefaultHibernateSpaceSynchronizationEndpoint(sf), sf,
                settings(outbox, durability));
        if (!space.waitForReady(Duration.ofSeconds(60))) {
            line("E 0 space not READY: " + space.state());
            Runtime.getRuntime().halt(2);
        }
        line("READY");
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            long from = (long) t * total / threads + 1;
            long to = (long) (t + 1) * total / threads;
            writers[t] = new Thread(() -> {
                for (long id = from; id <= to; id++) {
                    try {
                        space.write(new WbItem(id, 1, id, "crash-" + id));
                    } catch (RuntimeException e) {
                        line("E " + id + " " + e);
                        return;
                    }
                    line("A " + id);
                }
            }, "crash-writer-" + t);
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        line("DONE");
        Thread.sleep(120_000); // the parent kills us; never exit on our own while it may still be deciding
        Runtime.getRuntime().halt(4);
    }
}
