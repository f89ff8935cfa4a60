package io.khora.bench.cluster;

import io.khora.bench.ChildJvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child-JVM main: the client of one round against one contestant's running cluster. It connects
 * ({@link RemoteStore#open}), then runs the operations with {@code threads} load threads
 * ({@link LoadPhase}), first as a warm-up (its entries taken again), then measured:
 *
 * <ol>
 *   <li><b>write</b> of new entries (consecutive new ids) for the phase's length;</li>
 *   <li><b>read</b> by id of random present ids (from those just written) for the phase's length, with
 *   the client's default consistency (Khora's: linearizable); and, for a client that has one
 *   ({@link RemoteStore#hasLeaderLocalReads()}), a second such phase of <b>leader-local reads</b>
 *   ({@code readLocal}), the two in the order the round asks for; then a phase of <b>near-cached reads</b> ({@code readNear})
 *   through a client opened for it with an empty near cache ({@link RemoteStore#openNearCached});</li>
 *   <li><b>take</b> by id of every entry written, in id order, shared by the threads, until none is left
 *   (so the store ends empty, and every take finds its entry).</li>
 * </ol>
 *
 * <p>A read or take that misses fails the round. Prints one {@link ChildJvm#RESULT} line with, per
 * operation, the calls, rate, latency percentiles (ns), and the CPU time (ns) and context switches
 * of the client, the contestant's nodes, and the idle other clusters during the phase.
 *
 * <p>Arguments: contestant, client options ({@link NodeCluster#clientOptions()}), node addresses
 * (host:port,…), node pids (,…), the other clusters' pids (,…), threads, warm-up ms per phase,
 * measured ms per phase, first id, whether the leader-local read phase comes before the default
 * one (true/false).
 */
public final class ClusterProbe {
    private ClusterProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("hazelcast.logging.type", "slf4j");
        String contestant = args[0];
        String options = args[1];
        List<String> addresses = List.of(args[2].split(","));
        long[] pids = pids(args[3]);
        long[] others = pids(args[4]);
        int threads = Integer.parseInt(args[5]);
        long warmupMillis = Long.parseLong(args[6]);
        long phaseMillis = Long.parseLong(args[7]);
        long firstId = Long.parseLong(args[8]);
        boolean leaderLocalFirst = Boolean.parseBoolean(args[9]);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("contestant", contestant);
        java.util.function.Supplier<RemoteStore> nearCached = () -> RemoteStore.openNearCached(contestant, addresses, options,
                Duration.ofSeconds(60), NEAR_CACHE_ENTRIES);
        try (RemoteStore store = RemoteStore.open(contestant, addresses, options, Duration.ofSeconds(60))) {
            List<String> reads = readPhases(store, leaderLocalFirst);
            cycle(store, nearCached, reads, threads, warmupMillis, firstId, pids, others, null);
            cycle(store, nearCached, reads, threads, phaseMillis, firstId + 1_000_000_000L, pids, others, out);
        }
        System.out.println(ChildJvm.resultLine(out));
        System.exit(0);
    }

    /** The near caches' bound: more than a phase writes, so that every entry read stays cached. */
    static final int NEAR_CACHE_ENTRIES = 1_000_000;

    /** The read phases' keys in the order they run: the default read, and the leader-local one if the store has it. */
    private static List<String> readPhases(RemoteStore store, boolean leaderLocalFirst) {
        List<String> reads = new ArrayList<>(List.of(ClusterFamily.READ.key()));
        if (store.hasLeaderLocalReads()) {
            reads.add(ClusterFamily.READ_LOCAL.key());
            if (leaderLocalFirst) {
                Collections.reverse(reads);
            }
        }
        return reads;
    }

    private static LoadPhase.Op reader(RemoteStore store, String key) {
        return key.equals(ClusterFamily.READ_LOCAL.key()) ? store::readLeaderLocal : store::read;
    }

    /**
     * Write, the read phases {@code reads} in order, the near-cached read phase (through a client {@code nearCached} opens for it, closed
     * after it: its near cache starts empty, and the other phases pay for no invalidations), take; the figures go to {@code out}
     * (null: a warm-up, nothing kept).
     */
    private static void cycle(RemoteStore store, java.util.function.Supplier<RemoteStore> nearCached, List<String> reads, int threads,
                              long millis, long firstId, long[] pids, long[] others, Map<String, Object> out) throws InterruptedException {
        AtomicLong next = new AtomicLong(firstId);
        LoadPhase.Result write = LoadPhase.run(threads, millis, next::getAndIncrement, id -> {
            store.write(Payload.of(id));
            return true;
        }, pids, others);
        long end = next.get(); // every id below was written (a thread writes the id it drew before it stops)
        long written = end - firstId;
        Map<String, LoadPhase.Result> read = new LinkedHashMap<>();
        for (String key : reads) {
            read.put(key, LoadPhase.run(threads, millis, () -> firstId + ThreadLocalRandom.current().nextLong(written), reader(store, key),
                    pids, others));
        }
        try (RemoteStore near = nearCached.get()) {
            read.put(ClusterFamily.READ_NEAR.key(), LoadPhase.run(threads, millis, () -> firstId + ThreadLocalRandom.current().nextLong(written),
                    near::read, pids, others));
        }
        long readMisses = read.values().stream().mapToLong(LoadPhase.Result::misses).sum();
        AtomicLong cursor = new AtomicLong(firstId);
        LoadPhase.Result take = LoadPhase.run(threads, 0, () -> {
            long id = cursor.getAndIncrement();
            return id < end ? id : -1;
        }, store::take, pids, others);
        if (readMisses > 0 || take.misses() > 0 || take.ops() != written) {
            throw new IllegalStateException("lost entries: " + written + " written, " + readMisses + " reads missed, " + take.misses()
                    + " takes missed of " + take.ops());
        }
        if (out != null) {
            write.putInto(out, "write");
            read.forEach((key, r) -> r.putInto(out, key));
            take.putInto(out, "take");
        }
    }

    private static long[] pids(String list) {
        return list.isEmpty() || list.equals("-") ? new long[0] : Arrays.stream(list.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
