package io.khora.bench.cluster;

import io.khora.bench.ChildJvm;
import io.khora.bench.JvmFlags;
import io.khora.bench.Quiet;
import io.khora.bench.SuiteSettings;
import io.khora.bench.family.BenchmarkFamily;
import io.khora.bench.family.FamilyResult;
import io.khora.bench.family.TargetCheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Remote operations on a 3-node cluster on loopback: Khora's server nodes (khora-server, a space
 * of 4 partitions × 3 replicas, writes acknowledged by a majority) against a 3-member Hazelcast
 * cluster ({@code IMap}, BINARY, one synchronous backup), each reached by its own Java client from
 * one client JVM with 8 threads: write of new entries, read by id, take by id, 100-byte payloads.
 * Khora is measured twice, as two contestants that differ only in {@link KhoraSecurity}: secured
 * ({@link #KHORA_TLS}: TLS between the nodes and on the client port, SCRAM-SHA-256 authentication —
 * what a user gets by default) and with {@code --security none} ({@link #KHORA_PLAIN}: plain TCP,
 * as the Hazelcast members run). Khora's read is measured twice in every round: linearizable (the
 * default, the one the target compares with Hazelcast's {@code get}) and with
 * {@code reads=leader-local}; and a third time through a client with a near cache ({@code near-cache=true}), against
 * Hazelcast's client near cache.
 * The three clusters are started once ({@link KhoraCluster}, {@link HazelcastCluster}: nine node
 * JVMs, the idle clusters' CPU use is reported); then {@link ClusterProbe} runs the rounds in fresh
 * client JVMs, interleaved — round 1 of each contestant, then round 2, … (the order rotating) — so
 * that other work on the machine falls on all alike; the CPU time and context switches of every
 * JVM, per operation, say where the time goes ({@link ClusterReport}).
 */
public final class ClusterFamily implements BenchmarkFamily {
    /** The family's id (also {@code -Dexec.args="full cluster"}). */
    public static final String ID = "cluster";
    /** Khora secured as a user runs it by default: TLS between the nodes and on the client port, SCRAM-SHA-256. */
    static final String KHORA_TLS = "khora-tls";
    /** Khora with {@code --security none}: plain TCP, no authentication. */
    static final String KHORA_PLAIN = "khora-plain";
    static final String HAZELCAST = "hazelcast";
    /** The contestants in the order of a round's rotation (and of the report's rows). */
    static final List<String> CONTESTANTS = List.of(KHORA_TLS, KHORA_PLAIN, HAZELCAST);
    /**
     * The Khora contestant the target compares with Hazelcast: the one without TLS, configured as the Hazelcast members run
     * (plain TCP, no authentication); the secured one is compared with both in the report's TLS table.
     */
    static final String TARGET_KHORA = KHORA_PLAIN;
    static final String TARGET = "cluster write and read ≥ 1.0× Hazelcast 3-member in the same run";
    static final double BOUND = 1.0;

    /**
     * An operation as the report shows it: Khora's measurement {@code key} compared with Hazelcast's
     * measurement {@code hazelcastKey}.
     *
     * @param key the probe's key of Khora's phase
     * @param chart the operation's name on the charts
     * @param khora Khora's call
     * @param hazelcastKey the probe's key of the Hazelcast phase it is compared with
     * @param hazelcast Hazelcast's call
     */
    record Op(String key, String chart, String khora, String hazelcastKey, String hazelcast) {
        /** Whether Hazelcast has a phase of its own for this operation (false: Khora's variant of another operation). */
        boolean hazelcastRow() {
            return key.equals(hazelcastKey);
        }

        /** The probe's key of {@code contestant}'s phase for this operation (Hazelcast's: the operation it is compared with). */
        String keyOf(String contestant) {
            return contestant.equals(HAZELCAST) ? hazelcastKey : key;
        }
    }

    static final Op WRITE = new Op("write", "write", "`write` of a new id", "write", "`set` of a new key");
    /** Khora's default read: answered once a majority of the partition's group confirmed the leader (linearizable). */
    static final Op READ = new Op("read", "read (linearizable)", "`readById` (linearizable, the default)", "read", "`get`");
    /** Khora's read from a client connected with {@code reads=leader-local}: the leader answers from its state at once. */
    static final Op READ_LOCAL = new Op("readLocal", "read (leader-local)", "`readById` with `reads=leader-local`", "read", "`get`");
    /**
     * A read by id through a client with a near cache (Khora's {@code near-cache=true}, invalidated from the event stream; Hazelcast's
     * client near cache, BINARY, invalidated by the members), both opened cold for the phase and closed after it.
     */
    static final Op READ_NEAR = new Op("readNear", "read (near cache)", "`readById` with `near-cache=true`", "readNear",
            "`get` with a client near cache");
    static final Op TAKE = new Op("take", "take", "`takeById`", "take", "`remove(key)`");
    static final List<Op> OPS = List.of(WRITE, READ, READ_LOCAL, READ_NEAR, TAKE);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public String title() {
        return "Cluster (3 nodes on loopback)";
    }

    @Override
    public List<String> targetNames() {
        return List.of(TARGET);
    }

    @Override
    public String targetsNote() {
        return "The cluster ratios divide the best of a contestant's rounds by the other's; their cross-check is the median of the "
                + "ratios of rounds of the same number (the contestants' rounds *n* ran one right after the other), with the "
                + "smallest and largest. The cluster target compares Khora without TLS with Hazelcast, both on plain TCP; the "
                + "cluster section also compares Khora with TLS on.";
    }

    @Override
    public FamilyResult run(SuiteSettings settings) throws Exception {
        ClusterSettings cs = ClusterSettings.of(settings.mode());
        Path dir = settings.workDir().resolve("cluster");
        List<String> nodeFlags = JvmFlags.withHeap(cs.nodeHeap(), "-Djava.net.preferIPv4Stack=true");
        Map<String, String> results = new LinkedHashMap<>();
        Map<String, String> leaders = new LinkedHashMap<>();
        Quiet.Sampler load = Quiet.sample();
        long t0 = System.nanoTime();
        try (KhoraCluster secured = KhoraCluster.start(settings.classpath(), nodeFlags, dir, true)) {
            ready("3 Khora nodes with TLS", t0);
            long t1 = System.nanoTime();
            try (KhoraCluster plain = KhoraCluster.start(settings.classpath(), nodeFlags, dir, false)) {
                ready("3 Khora nodes without TLS", t1);
                long t2 = System.nanoTime();
                try (HazelcastCluster hazelcast = HazelcastCluster.start(settings.classpath(), nodeFlags, dir)) {
                    ready("3 Hazelcast members", t2);
                    List<NodeCluster> all = List.of(secured, plain, hazelcast);
                    rounds(settings, cs, all, results);
                    // after the rounds: a leader change during them shows here
                    leaders.put(KHORA_TLS, secured.leaderSpread());
                    leaders.put(KHORA_PLAIN, plain.leaderSpread());
                }
            }
        } finally {
            load.stop();
        }
        ClusterFigures f = new ClusterFigures(results, cs.rounds());
        ClusterReport report = new ClusterReport(settings, cs, f, leaders, load.mean(), load.max());
        report.writeCharts();
        return new FamilyResult(title(), report.markdown(), targets(f));
    }

    private static void ready(String what, long since) {
        System.out.printf("[cluster] %s READY after %d s%n", what, (System.nanoTime() - since) / 1_000_000_000);
    }

    /**
     * The warm-up round of each cluster (if any), then the measured rounds, each contestant once per round, the order rotating
     * (round 1: {@code all} in order, round 2 from the second, …); every probe's pairs go to {@code results}, prefixed with the
     * contestant and the round.
     */
    private static void rounds(SuiteSettings settings, ClusterSettings cs, List<NodeCluster> all, Map<String, String> results)
            throws Exception {
        if (cs.serverWarmupMillis() > 0) {
            for (NodeCluster c : all) {
                System.out.printf("[cluster] warming up the %s nodes%n", c.contestant());
                probe(settings, cs, c, all, -1);
            }
        }
        for (int r = 0; r < cs.rounds(); r++) {
            for (int i = 0; i < all.size(); i++) {
                NodeCluster c = all.get((i + r) % all.size());
                System.out.printf("[cluster] round %d: %s%n", r + 1, c.contestant());
                Map<String, String> pairs = probe(settings, cs, c, all, r);
                String prefix = c.contestant() + "." + r + ".";
                pairs.forEach((k, v) -> results.put(prefix + k, v));
                String local = pairs.get(READ_LOCAL.key() + ".rate");
                System.out.printf("[cluster]   write %s/s, read %s/s%s, near-cached read %s/s, take %s/s%n", pairs.get("write.rate"),
                        pairs.get("read.rate"), local == null ? "" : ", leader-local read " + local + "/s", pairs.get(READ_NEAR.key() + ".rate"),
                        pairs.get("take.rate"));
            }
        }
    }

    /**
     * Runs a client probe of round {@code round} (-1: the nodes' warm-up round) against {@code c} (the other clusters of {@code all}
     * idle meanwhile); returns its pairs. Khora's two read phases alternate in order: the linearizable one first in odd-numbered
     * rounds (1, 3, …), the leader-local one in even.
     */
    private static Map<String, String> probe(SuiteSettings s, ClusterSettings cs, NodeCluster c, List<NodeCluster> all, int round)
            throws Exception {
        List<NodeCluster> others = all.stream().filter(o -> o != c).toList();
        for (NodeCluster n : all) {
            n.checkAlive();
        }
        long warmup = round < 0 ? cs.serverWarmupMillis() : cs.warmupMillis();
        long phase = round < 0 ? cs.serverWarmupMillis() : cs.phaseMillis();
        List<String> args = new ArrayList<>(List.of(c.contestant(), c.clientOptions(), String.join(",", c.addresses()), pids(List.of(c)),
                pids(others), String.valueOf(cs.threads()), String.valueOf(warmup), String.valueOf(phase),
                String.valueOf((round + 1) * 10_000_000_000L), String.valueOf(leaderLocalReadFirst(round))));
        Map<String, String> out = ChildJvm.run(s.classpath(), JvmFlags.withHeap(cs.clientHeap(), "-Djava.net.preferIPv4Stack=true"),
                ClusterProbe.class, args, 600);
        c.checkAlive();
        return out;
    }

    /** Whether round {@code round} (0-based) measures Khora's leader-local read before the linearizable one. */
    static boolean leaderLocalReadFirst(int round) {
        return round % 2 == 1;
    }

    private static String pids(List<NodeCluster> clusters) {
        return clusters.stream().flatMap(c -> c.pids().stream()).map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<TargetCheck> targets(ClusterFigures f) {
        return List.of(
                new TargetCheck(TARGET, "write of new entries, 8 client threads, Khora without TLS",
                        f.rateRatio(TARGET_KHORA, HAZELCAST, WRITE), BOUND, false, f.pairedRatios(TARGET_KHORA, HAZELCAST, WRITE)),
                new TargetCheck(TARGET, "readById, linearizable (the default), 8 client threads, Khora without TLS",
                        f.rateRatio(TARGET_KHORA, HAZELCAST, READ), BOUND, false, f.pairedRatios(TARGET_KHORA, HAZELCAST, READ)));
    }
}
