package io.khora.cluster.server;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceRouting;
import io.khora.OutcomeUnknownException;
import io.khora.cluster.protocol.Request;
import io.khora.cluster.raft.Command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A {@code takeMultiple} made of several take calls — one per partition, and within a partition one
 * per frame's worth — whose later call's answer is lost (the node drops it: a test hook, as in
 * {@link LostAnswerTest}) ends with {@link OutcomeUnknownException}; its resend delivers that call's
 * entries. What the earlier calls took, answered and acknowledged, must still reach the caller or go
 * back to the space: every entry written is delivered or still there.
 */

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TakeMultipleLostAnswerTest {
    /** A blob on a shelf (the routing value). */
    public record Blob(@SpaceId String id, @SpaceRouting int shelf, byte[] data) {
    }

    private static final String IMPATIENT = "timeout=4s&attempt-timeout=3s&connect-timeout=1s";

    /**
     * Every node drops its answers to the take-by-query calls of that partition
     * it receives from now on, from the {@code n}th on (the client's retries of that call too: its
     * outcome stays unknown), until the answers are restored.
     */
    private static void loseTheAnswerToTake(LocalCluster cluster, int partition, int n) {
        AtomicInteger takes = new AtomicInteger();
        // on every node: a leader that moves (the balancer) must not answer either
        cluster.running.values().forEach(node -> node.dropAnswers(r -> r instanceof Request.Mutate m
                && m.partition() == partition && m.command() instanceof Command.TakeQuery && takes.incrementAndGet() >= n));
    }

    /** Takes everything, resends the unknown outcome, and returns what was delivered plus what is still in the space. */
    private static Set<String> deliveredOrLeft(LocalCluster cluster, Space impatient, Space observer) throws Exception {
        Throwable e = catchThrowable(() -> impatient.takeMultiple(Query.all(Blob.class), 100));
        assertThat(e).as("every answer to the call lost: its outcome is unknown").isInstanceOf(OutcomeUnknownException.class);
        OutcomeUnknownException unknown = (OutcomeUnknownException) e;
        @SuppressWarnings("unchecked")
        List<Blob> partial = (List<Blob>) unknown.partialResult().orElseThrow(() -> new AssertionError("no partial result: " + unknown));
        assertThat(partial).as("what the first call took, in the caller's type").isNotEmpty().allSatisfy(b -> assertThat(b).isInstanceOf(Blob.class));
        cluster.running.values().forEach(n -> n.dropAnswers(null));
        @SuppressWarnings("unchecked")
        List<Blob> resent = (List<Blob>) unknown.resend().get(60, TimeUnit.SECONDS);
        assertThat(resent.stream().map(Blob::id)).as("the resend's whole result holds the partial result")
                .containsAll(partial.stream().map(Blob::id).toList());
        Set<String> ids = new HashSet<>();
        resent.forEach(b -> assertThat(ids.add(b.id())).as("taken once: " + b.id()).isTrue());
        observer.readMultiple(Query.all(Blob.class), 1000).forEach(b -> assertThat(ids.add(b.id())).as("taken and still there: " + b.id()).isTrue());
        return ids;
    }

    @Test
    void whatTheFirstFramesTakeTookReachesTheCallerWhenTheNextTakeEndsUnknown() throws Exception {
        String limits = "&max-frame-size=1MiB&max-entry-size=256KiB";
        try (LocalCluster cluster = LocalCluster.configure("paged-take-lost", 3, "blobs", 1, 3, 2)
                .withNodeSettings(b -> b.maxFrameSize(1024 * 1024).maxEntrySize(256 * 1024)).startAll(Duration.ofSeconds(60))
                     .awaitBalanced("blobs", Duration.ofSeconds(60));
             Space observer = Spaces.connect(cluster.uri("blobs") + limits);
             Space impatient = Spaces.connect(cluster.nodes() + "/blobs?" + IMPATIENT + cluster.security("admin") + limits)) {
            for (int i = 0; i < 20; i++) {
                observer.write(new Blob("b" + i, 1, new byte[100 * 1024])); // 2 MB in one partition: takes of one frame each
            }
            impatient.write(new Blob("warm", 1, new byte[1]));
            impatient.takeById(Blob.class, "warm");
            loseTheAnswerToTake(cluster, 0, 2);
            assertThat(deliveredOrLeft(cluster, impatient, observer)).as("every entry delivered or still in the space").hasSize(20);
        }
    }

    @Test
    void whatTheFirstPartitionsTakeTookReachesTheCallerWhenTheNextPartitionsTakeEndsUnknown() throws Exception {
        try (LocalCluster cluster = LocalCluster.configure("partition-take-lost", 3, "blobs", 2, 3, 2).startAll(Duration.ofSeconds(60))
                .awaitBalanced("blobs", Duration.ofSeconds(60));
             Space observer = Spaces.connect(cluster.uri("blobs"));
             Space impatient = Spaces.connect(cluster.nodes() + "/blobs?" + IMPATIENT + cluster.security("admin"))) {
            for (int i = 0; i < 10; i++) {
                observer.write(new Blob("s" + i, i % 2, new byte[10])); // 5 in each partition
            }
            for (int shelf = 0; shelf < 2; shelf++) {
                impatient.write(new Blob("warm", shelf, new byte[1]));
                impatient.takeById(Blob.class, "warm", shelf);
            }
            loseTheAnswerToTake(cluster, 1, 1); // partition 0 is taken from first
            assertThat(deliveredOrLeft(cluster, impatient, observer)).as("every entry delivered or still in the space").hasSize(10);
        }
    }
}
