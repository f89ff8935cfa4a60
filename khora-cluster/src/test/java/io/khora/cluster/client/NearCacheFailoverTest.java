package io.khora.cluster.client;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.cluster.server.ClusterSpec;
import io.khora.cluster.server.LocalCluster;
import io.khora.persistence.Partitioning;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near cache against three nodes in this JVM (real sockets, TLS, 2 partitions × 3 replicas):
 * reads by id are served from it, another client's changes invalidate it through the event
 * stream, and a leader fail-over clears it (events are missed until the stream is open again at
 * the new leader) while invalidation goes on through the new leader.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NearCacheFailoverTest {
    /** A price, routed by its id. */
    public record Price(@SpaceId String id, long value) {
    }

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    static LocalCluster cluster;
    static RemoteSpace cached;
    static Space writer;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.configure("near-cache", 3, List.of(new ClusterSpec.SpaceSpec("prices", 2, 3, 2))).startAll(PATIENCE);
        cached = RemoteSpace.connect(cluster.uri("prices") + "&near-cache=true&near-cache-size=1000");
        writer = Spaces.connect(cluster.uri("prices"));
    }

    @AfterAll
    static void stop() {
        if (cached != null) {
            cached.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Reads {@code id} through the near-cached client until a read is a hit with {@code value}. */
    private static void awaitHit(String id, long value) throws InterruptedException {
        LocalCluster.await(PATIENCE, () -> {
            long hits = cached.nearCache().hits();
            Price p = cached.readById(Price.class, id);
            return p != null && p.value() == value && cached.nearCache().hits() > hits;
        }, () -> "a near-cache hit of " + id + " = " + value + " (now " + cached.readById(Price.class, id) + ")");
    }

    @Test
    void anotherClientsWritesInvalidateTheNearCacheThroughTheEventStream() throws Exception {
        writer.write(new Price("a", 1));
        awaitHit("a", 1);
        writer.write(new Price("a", 2));
        awaitHit("a", 2); // a cache kept without invalidation would answer 1 for ever
        writer.takeById(Price.class, "a");
        LocalCluster.await(PATIENCE, () -> cached.readById(Price.class, "a") == null, () -> "the take of a reaching the near cache");
    }

    @Test
    void aClientReadsItsOwnWritesAndTakesAtOnce() throws Exception {
        cached.write(new Price("own", 1));
        awaitHit("own", 1);
        cached.write(new Price("own", 2));
        assertThat(cached.readById(Price.class, "own").value()).isEqualTo(2);
        cached.takeById(Price.class, "own");
        assertThat(cached.readById(Price.class, "own")).isNull();
    }

    @Test
    void aLeaderFailoverClearsTheNearCacheAndInvalidationGoesOnThroughTheNewLeader() throws Exception {
        writer.write(new Price("f", 1));
        awaitHit("f", 1);
        int partition = Partitioning.partitionOf("f", 2);
        String leader = cluster.leaderOf("prices", partition);
        assertThat(leader).isNotNull();
        long generation = cached.nearCache().generation();
        cluster.stop(leader);
        try {
            // the stream at the old leader ended: whatever happens until it is open at the new leader is missed, so all is forgotten
            LocalCluster.await(PATIENCE, () -> cached.nearCache().generation() > generation, () -> "the near cache cleared after the fail-over");
            writer.write(new Price("f", 2)); // at the new leader, maybe before the near cache's stream is open there
            long misses = cached.nearCache().misses();
            Price afterFailover = cached.readById(Price.class, "f");
            assertThat(cached.nearCache().misses()).as("the first read after the fail-over is a miss").isGreaterThan(misses);
            assertThat(afterFailover.value()).isEqualTo(2);
            awaitHit("f", 2); // cached again: the stream is open at the new leader
            writer.write(new Price("f", 3)); // its event comes from the new leader
            awaitHit("f", 3);
        } finally {
            cluster.start(leader);
            cluster.awaitReady(PATIENCE);
        }
    }
}
