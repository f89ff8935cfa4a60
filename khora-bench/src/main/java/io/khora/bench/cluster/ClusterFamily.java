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
 * Khora's read is measured twice in every round: linearizable (the default, the one the target
 * compares with Hazelcast's {@code get}) and with {@code reads=leader-local}.
 * Both clusters are started once ({@link KhoraCluster}, {@link HazelcastCluster}: six node JVMs,
 * the idle cluster's CPU use is reported); then {@link ClusterProbe} runs the rounds in fresh
 * client JVMs, interleaved — round 1 of Khora and of Hazelcast, then round 2, … (the order
 * alternating) — so that other work on the machine falls on both alike; the CPU time and context
 * switches of every JVM, per operation, say where the time goes ({@link ClusterReport}).
 */
public final class ClusterFamily implements BenchmarkFamily {
    /** The family's id (also {@code -Dexec.args="full cluster"}). */
    public static final String ID = "cluster";
    static final String KHORA = "khora";
    static final String HAZELCAST = "hazelcast";
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
    }

    static final Op WRITE = new Op("write", "write", "`write` of a new id", "write", "`set` of a new key");
    /** Khora's default read: answered once a majority of the partition's group confirmed the leader (linearizable). */
    static final Op READ = new Op("read", "read (linearizable)", "`readById` (linearizable, the default)", "read", "`get`");
    /** Khora's read from a client connected with {@code reads=leader-local}: the leader answers from its state at once. */
    static final Op READ_LOCAL = new Op("readLocal", "read (leader-local)", "`readById` with `reads=leader-local`", "read", "`get`");
    static final Op TAKE = new Op("take", "take", "`takeById`", "take", "`remove(key)`");
    static final List<Op> OPS = List.of(WRITE, READ, READ_LOCAL, TAKE);

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
                + "ratios of rounds of the same number (Khora's and Hazelcast's round *n* ran one right after the other), with the "
                + "smallest and largest.";
    }

    @Override
    public FamilyResult run(SuiteSettings settings) throws Exception {
        ClusterSettings cs = ClusterSettings.of(settings.mode());
        Path dir = settings.workDir().resolve("cluster");
        List<String> nodeFlags = JvmFlags.withHeap(cs.nodeHeap(), "-Djava.net.preferIPv4Stack=true");
        Map<String, String> results = new LinkedHashMap<>();
        String leaders;
        Quiet.Sampler load = Quiet.sample();
        long t0 = System.nanoTime();
        try (KhoraCluster khora = KhoraCluster.start(settings.classpath(), nodeFlags, dir)) {
            System.out.printf("[cluster] 3 Khora nodes READY after %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
            long t1 = System.nanoTime();
            try (HazelcastCluster hazelcast = HazelcastCluster.start(settings.classpath(), nodeFlags, dir)) {
                System.out.printf("[cluster] 3 Hazelcast members READY after %d s%n", (System.nanoTime() - t1) / 1_000_000_000);
                if (cs.serverWarmupMillis() > 0) {
                    for (NodeCluster c : List.of(khora, hazelcast)) {
                        System.out.printf("[cluster] warming up the %s nodes%n", c.contestant());
                        probe(settings, cs, c, khora == c ? hazelcast : khora, -1);
                    }
                }
                for (int r = 0; r < cs.rounds(); r++) {
                    List<NodeCluster> order = r % 2 == 0 ? List.of(khora, hazelcast) : List.of(hazelcast, khora);
                    for (NodeCluster c : order) {
                        NodeCluster other = c == khora ? hazelcast : khora;
                        System.out.printf("[cluster] round %d: %s%n", r + 1, c.contestant());
                        Map<String, String> pairs = probe(settings, cs, c, other, r);
                        String prefix = c.contestant() + "." + r + ".";
                        pairs.forEach((k, v) -> results.put(prefix + k, v));
                        String local = pairs.get(READ_LOCAL.key() + ".rate");
                        System.out.printf("[cluster]   write %s/s, read %s/s%s, take %s/s%n", pairs.get("write.rate"),
                                pairs.get("read.rate"), local == null ? "" : ", leader-local read " + local + "/s", pairs.get("take.rate"));
                    }
                }
                leaders = khora.leaderSpread(); // after the rounds: a leader change during them shows here
            }
        } finally {
            load.stop();
        }
        ClusterFigures f = new ClusterFigures(results, cs.rounds());
        ClusterReport report = new ClusterReport(settings, cs, f, leaders, load.mean(), load.max());
        report.writeCharts();
        return new FamilyResult(title(), report.markdown(), targets(f));
    }

    /**
     * Runs a client probe of round {@code round} (-1: the nodes' warm-up round) against {@code c}; returns its pairs. Khora's two
     * read phases alternate in order: the linearizable one first in odd-numbered rounds (1, 3, …), the leader-local one in even.
     */
    private static Map<String, String> probe(SuiteSettings s, ClusterSettings cs, NodeCluster c, NodeCluster other, int round)
            throws Exception {
        c.checkAlive();
        other.checkAlive();
        long warmup = round < 0 ? cs.serverWarmupMillis() : cs.warmupMillis();
        long phase = round < 0 ? cs.serverWarmupMillis() : cs.phaseMillis();
        List<String> args = new ArrayList<>(List.of(c.contestant(), c.name(), String.join(",", c.addresses()), pids(c), pids(other),
                String.valueOf(cs.threads()), String.valueOf(warmup), String.valueOf(phase), String.valueOf((round + 1) * 10_000_000_000L),
                String.valueOf(leaderLocalReadFirst(round))));
        Map<String, String> out = ChildJvm.run(s.classpath(), JvmFlags.withHeap(cs.clientHeap(), "-Djava.net.preferIPv4Stack=true"),
                ClusterProbe.class, args, 600);
        c.checkAlive();
        return out;
    }

    /** Whether round {@code round} (0-based) measures Khora's leader-local read before the linearizable one. */
    static boolean leaderLocalReadFirst(int round) {
        return round % 2 == 1;
    }

    private static String pids(NodeCluster c) {
        return c.pids().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<TargetCheck> targets(ClusterFigures f) {
        return List.of(
                new TargetCheck(TARGET, "write of new entries, 8 client threads", f.rateRatio(WRITE), BOUND, false, f.pairedRatios(WRITE)),
                new TargetCheck(TARGET, "readById, linearizable (the default), 8 client threads", f.rateRatio(READ), BOUND, false,
                        f.pairedRatios(READ)));
    }
}
