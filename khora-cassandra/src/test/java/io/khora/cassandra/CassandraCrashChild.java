package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.cassandra.model.Item;
import io.khora.persistence.WriteBehindSettings;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link CassandraWriteBehindCrashIT}: a write-behind space over Cassandra into
 * which {@code threads} writers write the ids {@code 1..total} (writer {@code t} its contiguous
 * range, in increasing order, one operation in flight at a time) and take every fifth id right
 * after writing it.
 *
 * <p>Protocol on standard output, one unbuffered {@code write(2)} per line: {@code READY};
 * {@code A <id>} after {@code write} of that id returned; {@code T <id>} after its {@code take}
 * returned; {@code E <id> <error>} on a failure; {@code DONE}. Logs go to standard error.
 *
 * <p>Arguments: cqlPort keyspace outboxDirectory spaceName partitions threads total
 */
public final class CassandraCrashChild {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private CassandraCrashChild() {
    }

    /** The write-behind settings of the crash test, the same in the child and in the restarted space. */
    static WriteBehindSettings settings(Path outbox) {
        return WriteBehindSettings.builder(outbox).durability(WriteBehindSettings.Durability.PER_BATCH).segmentBytes(1L << 20)
                .batchSize(500).batchInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .flushTimeout(Duration.ofSeconds(5)).build();
    }

    /** The space of the crash test: loads from and writes behind to the items table. */
    static Space start(CqlSession session, String keyspace, Path outbox, String spaceName, int partitions) {
        CassandraTableMapping<Item> items = TestKeyspace.mappings(keyspace).items();
        return Spaces.embedded(spaceName).partitions(partitions)
                .dataSource(CassandraSpaceDataSource.builder(session).table(items).build())
                .synchronizationEndpoint(CassandraSpaceSynchronizationEndpoint.builder(session).table(items).build())
                .writeBehind(settings(outbox)).start();
    }

    private static synchronized void line(String s) {
        try {
            OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            Runtime.getRuntime().halt(5); // the parent is gone
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String keyspace = args[1];
        Path outbox = Path.of(args[2]);
        String spaceName = args[3];
        int partitions = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(args[5]);
        int total = Integer.parseInt(args[6]);
        CqlSession session = CassandraServer.session(port);
        Space space = start(session, keyspace, outbox, spaceName, partitions);
        if (!space.waitForReady(Duration.ofSeconds(120))) {
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
                        space.write(new Item(id, 1, "crash-" + id));
                        line("A " + id);
                        if (id % 5 == 0) {
                            space.takeById(Item.class, id);
                            line("T " + id);
                        }
                    } catch (RuntimeException e) {
                        line("E " + id + " " + e);
                        return;
                    }
                }
            }, "crash-writer-" + t);
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        line("DONE");
        Thread.sleep(120_000); // the parent kills us
        Runtime.getRuntime().halt(4);
    }
}
