package io.khora.bench.cluster;

import io.khora.bench.Quiet;
import io.khora.bench.SuiteSettings;
import io.khora.bench.report.BarChart;
import io.khora.bench.report.Fmt;
import io.khora.bench.report.MarkdownTable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static io.khora.bench.cluster.ClusterFamily.CONTESTANTS;
import static io.khora.bench.cluster.ClusterFamily.HAZELCAST;
import static io.khora.bench.cluster.ClusterFamily.KHORA_PLAIN;
import static io.khora.bench.cluster.ClusterFamily.KHORA_TLS;
import static io.khora.bench.cluster.ClusterFamily.READ;
import static io.khora.bench.cluster.ClusterFamily.READ_LOCAL;
import static io.khora.bench.cluster.ClusterFamily.TAKE;
import static io.khora.bench.cluster.ClusterFamily.TARGET_KHORA;
import static io.khora.bench.cluster.ClusterFamily.WRITE;

/**
 * The cluster family's section of the report (method, results, what TLS costs ({@link ClusterTlsReport}), ratios to Hazelcast,
 * where the time goes) and its two charts. The figures come from this run; the profile paragraph and the code paths are
 * from a one-off profile of the nodes (perf and JFR), named as such in the text. The comparisons with Hazelcast that the target
 * judges, and the analysis of where the time goes, are of Khora without TLS ({@link ClusterFamily#TARGET_KHORA}), configured as
 * the Hazelcast members run.
 */
final class ClusterReport {
    static final String THROUGHPUT_CHART = "cluster-throughput.png";
    static final String LATENCY_CHART = "cluster-latency.png";

    private final SuiteSettings settings;
    private final ClusterSettings cs;
    private final ClusterFigures f;
    /** Partitions led per node at the end, per Khora contestant. */
    private final Map<String, String> leaders;
    private final double loadMean;
    private final double loadMax;

    ClusterReport(SuiteSettings settings, ClusterSettings cs, ClusterFigures f, Map<String, String> leaders, double loadMean,
                  double loadMax) {
        this.settings = settings;
        this.cs = cs;
        this.f = f;
        this.leaders = leaders;
        this.loadMean = loadMean;
        this.loadMax = loadMax;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        method(md);
        results(md);
        costs(md);
        md.append("![Cluster throughput](").append(settings.chartLink(THROUGHPUT_CHART)).append(")\n\n");
        md.append("![Cluster latency](").append(settings.chartLink(LATENCY_CHART)).append(")\n");
        return md.toString();
    }

    private void method(StringBuilder md) {
        int cores = settings.machine().cores();
        md.append(String.format(Locale.ROOT, "Remote operations against three server processes on 127.0.0.1, sharing the machine's %d "
                        + "cores with the client: every node and the client are separate JVMs (nodes `-Xmx%s`, client `-Xmx%s`, the "
                        + "JVM's default G1, the same flags for every contestant). **Khora**: three `io.khora.server.Khora node` "
                        + "processes (khora-server's main, as `bin/khora node` runs it, with the node defaults: fsync off, failure "
                        + "detection 3 s, heartbeat 500 ms) hosting a space of %d partitions × 3 replicas (Raft per partition over "
                        + "jgroups-raft; partitions led per node at the end, TLS on: %s; TLS off: %s); the client is "
                        + "`Spaces.connect(\"khora://…/bench?…\")`, and a write is acknowledged once a majority of its partition's "
                        + "replicas (2 of 3) has it. Khora runs as two clusters of its own, which differ only in security: **TLS on**, "
                        + "what a user gets by default — `khora certs` wrote the cluster CA, a certificate per node and the `admin` "
                        + "user's SCRAM-SHA-256 credential; the nodes run with `--security-dir`: mutual TLS 1.3 between the nodes (the "
                        + "JGroups transport of every Raft group and of the membership channel; FD_SOCK2's plain socket is left out "
                        + "under TLS, crashes are detected by FD_ALL3's heartbeats) and TLS on the client port; the client connects with "
                        + "`tls-ca=…/ca.pem&user=admin&password-file=…`, authenticates each connection once with SCRAM-SHA-256 when it "
                        + "opens, and every request is checked against the user's roles — and **TLS off**: the nodes run with "
                        + "`--security none` (plain TCP, no authentication), the client with `tls=off`. **Hazelcast %s** (the peer, "
                        + "without TLS, plain TCP like Khora with TLS off): three members (TCP/IP join with the three addresses, "
                        + "multicast and auto-detection off, phone-home off, 271 partitions), the `IMap` in BINARY format with "
                        + "backup-count 1 (synchronous: a `set` is acknowledged once the key's owner and its backup have it), and "
                        + "`HazelcastClient` with routing mode ALL_MEMBERS (each key's operation goes straight to its owner, as Khora's "
                        + "client sends to the partition's leader), values Compact-serialized. So Khora keeps three copies of every "
                        + "entry (two must have it before the answer), Hazelcast two (both must have it). The entry is a record of a "
                        + "`long` id (the routing value) and %d bytes of payload.%n%n",
                cores, cs.nodeHeap(), cs.clientHeap(), KhoraCluster.PARTITIONS, leaders.get(KHORA_TLS), leaders.get(KHORA_PLAIN),
                hazelcastVersion(), Payload.SIZE));
        md.append(String.format(Locale.ROOT, "The three clusters are started once and stay up (the other two idle meanwhile: their CPU "
                        + "use is in the last column below)%s. Then the rounds, each in a fresh client JVM, interleaved — round 1 of "
                        + "Khora with TLS, Khora without TLS and Hazelcast, then round 2, … (%s, the order rotating) — so other work on "
                        + "the machine falls on all alike. A round: a warm-up (%.1f s of writes, %.1f s of each kind of read, then every "
                        + "warm-up entry taken), then the measured phases, %d client threads each calling the synchronous API back to "
                        + "back: **write** of new ids for %.1f s, **read** by id of random present ids for %.1f s (Khora's twice, see "
                        + "below), **take** by id of every entry the write phase wrote (shared by the threads, in id order) until none "
                        + "is left; every read and take must find its entry, or the run fails. Throughput is calls ÷ the phase's time; "
                        + "latency is a call's time in its client thread. The tables give each contestant's best round per operation "
                        + "(interference only slows a round down), every round's rate beside it; the targets table's cross-check is the "
                        + "median of the rounds' paired ratios.%n%n",
                cs.serverWarmupMillis() > 0 ? String.format(Locale.ROOT, ", and first get an unreported round with %.0f s phases "
                        + "to warm their JIT up", cs.serverWarmupMillis() / 1e3) : "",
                cs.rounds() == 1 ? "1 round" : cs.rounds() + " rounds", cs.warmupMillis() / 1e3, cs.warmupMillis() / 1e3, cs.threads(),
                cs.phaseMillis() / 1e3,
                cs.phaseMillis() / 1e3));
        md.append(String.format(Locale.ROOT, "Khora's reads (with TLS on and off alike) are measured in two read phases of every round, "
                        + "one after the other in the same client JVM: **linearizable** reads, the client's default — the leader reads "
                        + "its state, then answers only once a majority of the partition's group (itself and one follower) has "
                        + "confirmed, after the read, that it still leads (`LeadershipProbe`; the reads that arrive while a confirmation "
                        + "round is in flight share the next round) — and **leader-local** reads, through a second client in the same "
                        + "JVM connected with `reads=leader-local`, which the leader answers from its state at once (a leader deposed "
                        + "without knowing it yet can answer stale). %s. The target compares the linearizable read (TLS off) with "
                        + "Hazelcast's `get`, which the key's owner answers from its own copy with no message to the backup, as a "
                        + "leader-local read is answered.%n%n",
                cs.rounds() == 1 ? "The linearizable phase runs first"
                        : "The linearizable phase runs first in rounds 1, 3, …, the leader-local one in rounds 2, 4, …"));
        md.append("**Near-cached reads** run in a third read phase, through a client opened for it and closed after it (its near "
                + "cache empty at first, so each entry's first read in the phase is a miss that goes to the leader): Khora's with "
                + "`near-cache=true` (Caffeine, invalidated from the space's event stream; a miss is a linearizable read), Hazelcast's "
                + "with a client near cache on the map (BINARY, invalidated on change by the members, LRU); both hold every entry the "
                + "phase reads.\n\n");
        md.append(String.format(Locale.ROOT, "Load while this family measured: 1-minute load average %s on average, at most %s, on %d "
                        + "cores — the measured client and nodes keep about %.1f cores busy themselves (*cores busy* below). %s%n%n",
                Quiet.format(loadMean), Quiet.format(loadMax), cores, f.coresBusy(TARGET_KHORA, WRITE.key()),
                loadMean > cores + 1 ? "Other processes wanted the cores much of the time, so the absolute rates are below what a quiet "
                        + "machine gives and move from round to round; the ratios, from rounds that ran one right after the other, hold "
                        + "up better." : "Besides the benchmark itself the machine was mostly quiet."));
    }

    private void results(StringBuilder md) {
        MarkdownTable t = new MarkdownTable("operation (8 client threads)", "ops/s", "rounds (ops/s)", "p50", "p90", "p99", "p99.9");
        for (ClusterFamily.Op op : ClusterFamily.OPS) {
            for (String c : contestants(op)) {
                t.row(label(c, op), Fmt.rate(f.rate(c, op.key())), rounds(c, op.key()), Fmt.micros(f.of(c, op.key(), "p50")),
                        Fmt.micros(f.of(c, op.key(), "p90")), Fmt.micros(f.of(c, op.key(), "p99")),
                        Fmt.micros(f.of(c, op.key(), "p999")));
            }
        }
        md.append(t.render()).append('\n');
        new ClusterTlsReport(f).append(md);
        md.append("Khora without TLS against Hazelcast, both on plain TCP (the target's comparison):\n\n");
        MarkdownTable r = new MarkdownTable("Khora (TLS off) ÷ Hazelcast", "throughput", "paired rounds: median (min–max)",
                "p50 latency", "p99 latency");
        String k = TARGET_KHORA;
        for (ClusterFamily.Op op : ClusterFamily.OPS) {
            r.row(op.khora() + " ÷ " + op.hazelcast(), Fmt.ratio(f.rateRatio(k, HAZELCAST, op)), f.pairedRatios(k, HAZELCAST, op),
                    Fmt.ratio(f.latencyRatio(k, HAZELCAST, op, "p50")), Fmt.ratio(f.latencyRatio(k, HAZELCAST, op, "p99")));
        }
        md.append(r.render()).append('\n');
        md.append("A throughput ratio above 1.00× and a latency ratio below 1.00× favour Khora.");
        for (ClusterFamily.Op op : ClusterFamily.OPS) {
            double ratio = f.rateRatio(k, HAZELCAST, op);
            md.append(String.format(Locale.ROOT, " Khora's %s reaches %s Hazelcast's %s throughput (%s), at %s its p99.",
                    op.khora(), Fmt.ratio(ratio), op.hazelcast(), moreOrLess(ratio), Fmt.ratio(f.latencyRatio(k, HAZELCAST, op, "p99"))));
        }
        for (String c : List.of(KHORA_TLS, KHORA_PLAIN)) {
            md.append(' ').append(ownReads(c));
        }
        md.append("\n\n");
    }

    /** How {@code contestant}'s linearizable read compares with its leader-local read, in a sentence. */
    private String ownReads(String contestant) {
        String rl = READ.key();
        String rll = READ_LOCAL.key();
        double own = f.rate(contestant, rl) / f.rate(contestant, rll);
        return String.format(Locale.ROOT, "With TLS %s, Khora's linearizable `readById` reaches %s the throughput of its leader-local "
                        + "one (%s%s), at p50 %s against %s and p99 %s against %s.", contestant.equals(KHORA_TLS) ? "on" : "off",
                Fmt.ratio(own), moreOrLess(own), cs.rounds() == 1 ? "" : "; best round against best round; in each round, where the two "
                        + "phases ran one right after the other: " + f.roundRatios(contestant, rl, rll).stream().map(Fmt::ratio)
                        .collect(Collectors.joining(" / ")),
                Fmt.micros(f.of(contestant, rl, "p50")), Fmt.micros(f.of(contestant, rll, "p50")), Fmt.micros(f.of(contestant, rl, "p99")),
                Fmt.micros(f.of(contestant, rll, "p99")));
    }

    private void costs(StringBuilder md) {
        md.append("### Where the time goes\n\n");
        md.append("CPU time per operation of the client JVM and of the three nodes together, from `/proc` (every thread, GC and JIT "
                + "included; 10 ms ticks), with the kernel's share of it; context switches per operation (voluntary and involuntary, "
                + "every thread); all in the best round. *Cores busy* is the client's and the nodes' CPU time ÷ the phase's time (the "
                + "machine has " + settings.machine().cores() + "); *idle clusters* is the other two contestants' six JVMs meanwhile. The "
                + "paragraphs after the table compare Khora without TLS with Hazelcast (both on plain TCP); what TLS adds is above.\n\n");
        MarkdownTable t = new MarkdownTable("operation", "CPU µs/op: client", "CPU µs/op: 3 nodes (kernel share)", "CPU µs/op: total",
                "switches/op: client", "switches/op: nodes", "cores busy", "idle clusters, CPU µs/op");
        for (ClusterFamily.Op op : ClusterFamily.OPS) {
            for (String c : contestants(op)) {
                String o = op.key();
                t.row(label(c, op), num(cpu(c, o, "client")), num(cpu(c, o, "nodes")) + " (" + share(f.kernelShare(c, o, "nodes")) + ")",
                        num(total(c, o)), num(f.switchesPerOp(c, o, "clientSwitches")), num(f.switchesPerOp(c, o, "nodesSwitches")),
                        String.format(Locale.ROOT, "%.2f", f.coresBusy(c, o)), num(f.cpuMicrosPerOp(c, o, "otherCpu")));
            }
        }
        md.append(t.render()).append('\n');
        String w = WRITE.key();
        String k = TARGET_KHORA;
        double cpuRatio = total(k, w) / total(HAZELCAST, w);
        int cores = settings.machine().cores();
        boolean cpuBound = Math.min(f.coresBusy(k, w), f.coresBusy(HAZELCAST, w)) >= 0.8 * cores;
        md.append(String.format(Locale.ROOT, "**Writes.** %s A Khora write (TLS off) costs %s µs of CPU (%s in the client, %s on the "
                        + "nodes), a Hazelcast `set` %s µs (%s + %s): %s as much, against a throughput ratio of %s. The difference is on "
                        + "the nodes: %s µs against %s µs per write, of which %s µs (%s) in the kernel against Hazelcast's %s µs (%s); "
                        + "and the nodes switch threads %s times per write against Hazelcast's %s — each switch a thread parking and "
                        + "another one woken (futex), and a loopback TCP message for those that cross processes. The same holds for "
                        + "`takeById` ÷ `remove(key)` (%s): a take is a Raft command like a write.%n%n",
                cpuBound ? String.format(Locale.ROOT, "Both clusters are CPU-bound here: client and nodes keep %.2f (Khora, TLS off) and "
                        + "%.2f (Hazelcast) of the %d cores busy while writing, so a contestant's throughput is about the cores ÷ the CPU "
                        + "an operation costs across the four JVMs.", f.coresBusy(k, w), f.coresBusy(HAZELCAST, w), cores)
                        : String.format(Locale.ROOT, "Client and nodes keep %.2f (Khora, TLS off) and %.2f (Hazelcast) of the %d cores "
                        + "busy while writing: part of a write's time is waiting, not CPU.", f.coresBusy(k, w), f.coresBusy(HAZELCAST, w),
                        cores),
                num(total(k, w)), num(cpu(k, w, "client")), num(cpu(k, w, "nodes")), num(total(HAZELCAST, w)),
                num(cpu(HAZELCAST, w, "client")), num(cpu(HAZELCAST, w, "nodes")), Fmt.ratio(cpuRatio),
                Fmt.ratio(f.rateRatio(k, HAZELCAST, WRITE)),
                num(cpu(k, w, "nodes")), num(cpu(HAZELCAST, w, "nodes")),
                num(cpu(k, w, "nodes") * f.kernelShare(k, w, "nodes")), share(f.kernelShare(k, w, "nodes")),
                num(cpu(HAZELCAST, w, "nodes") * f.kernelShare(HAZELCAST, w, "nodes")), share(f.kernelShare(HAZELCAST, w, "nodes")),
                num(f.switchesPerOp(k, w, "nodesSwitches")), num(f.switchesPerOp(HAZELCAST, w, "nodesSwitches")),
                Fmt.ratio(f.rateRatio(k, HAZELCAST, TAKE))));
        md.append("What a Khora write does on the nodes (khora-cluster's code; thread names as the JVMs show them):\n\n"
                + "1. Leader, netty event loop (`khora-nX-io`): `NodeServer` decodes the request, `NodeRequests.mutate` → "
                + "`ReplicatedPartition.write` → `Proposer.submit` → jgroups-raft's `RAFT.setAsync`, which queues the entry for the "
                + "partition's `runner` thread (a hand-off).\n"
                + "2. Leader, `runner`: appends the entry to the partition's log file (`SnapshotSafeFileLog`, a `pwrite`, no fsync) "
                + "and sends AppendEntries to both followers through JGroups' TCP transport, whose default transfer-queue bundler "
                + "sends from its own `TQ-Bundler` thread (a hand-off).\n"
                + "3. Each of the two followers: a `Connection.Receiver` thread reads the message, a JGroups pool thread "
                + "(`jgroups-N`) carries it up the stack, RAFT queues it for that replica's `runner`, which appends it and answers "
                + "through its bundler (three or four hand-offs per follower).\n"
                + "4. Leader: receiver, pool thread, `runner` again (hand-offs); the runner commits, applies the write to the "
                + "partition (`PartitionStateMachine.apply`), completes the `Proposer`'s future, and `NodeServer` writes the answer "
                + "from that thread, which netty hands back to the event loop (a hand-off).\n\n"
                + "Hazelcast's owner hands the `set` from its IO thread to a partition thread, which stores it, sends the one backup "
                + "and answers when the backup's ack comes back. Khora also sends and appends every entry to two followers where "
                + "Hazelcast sends one backup: the issue's configuration (3 replicas against backup-count 1).\n\n");
        md.append("A profile of the nodes during a write phase — taken once, at revision `783e552` (2026-11-22) on this machine, not "
                + "re-measured by each run, and before the nodes had TLS: `perf record -e cpu-clock -F 999 -g` for 6 s, and JFR "
                + "execution samples. The Khora nodes' CPU: about 45% Java code, 23% the kernel's futex (threads parking and waking each "
                + "other), 18% loopback TCP, 2% writing the Raft log files, 3% the JVM itself (GC, JIT). The Hazelcast members': about "
                + "31% Java code, 21% TCP, 14% epoll, 10% futex. In the Khora nodes' Java code (JFR), 60% of the samples are the "
                + "partitions' RAFT `runner` threads, and 27% of all samples format log messages nobody logs: JGroups' "
                + "`Slf4jLogImpl.trace(String, Object...)` (installed by khora-cluster's `JGroupsLogging`) runs `String.format` before "
                + "SLF4J checks the level, and jgroups-raft calls it without a level check on every commit and every AppendEntries "
                + "(`RAFT.commitLogTo`, `RaftImpl.handleAppendEntriesRequest`), formatting `AppendEntriesRequest` and `ObjectMessage` "
                + "each time. With a level check in a test build of `JGroupsLogging` that share fell to 1% of the samples.\n\n");
        reads(md);
        md.append(String.format(Locale.ROOT, "What would close the write gap, in order of expected gain (the experiments were one-off "
                        + "builds of the two classes named, measured on the same day against the unchanged nodes in interleaved "
                        + "rounds, while other builds loaded this machine):%n%n"
                        + "1. Fewer thread hand-offs per Raft round on the nodes, the largest item (the futex share and the switches "
                        + "column). In `khora-cluster/src/main/java/io/khora/cluster/node/RaftStack.java` `build`, JGroups' `TCP` sends "
                        + "every message from its bundler thread and delivers every received one through its thread pool. With "
                        + "`tcp.setBundlerType(\"no-bundler\")` (the sending thread writes to the socket) the nodes switched threads "
                        + "about 14 times per write instead of 17, and were faster in 5 of 6 paired phases, by amounts within that "
                        + "day's noise. Delivering on the receiver thread (`thread_pool.enabled` false) would take the pool's hand-off "
                        + "off as well; both give up JGroups' message bundling, so measure them with this family.%n"
                        + "2. `khora-cluster/src/main/java/io/khora/cluster/node/JGroupsLogging.java` `install`: return a `Log` that "
                        + "checks `isTraceEnabled()`/`isDebugEnabled()` before formatting (a subclass of `Slf4jLogImpl` overriding "
                        + "`trace(String, Object...)` and `debug(String, Object...)`). In the experiment the formatting fell from 27%% "
                        + "to 1%% of the nodes' Java samples and their user-mode CPU per write by about a tenth, within that day's noise.%n"
                        + "3. Group commit: 8 client threads over 4 partitions keep about 2 writes per partition in flight, which is "
                        + "`PartitionOptions.maxBatchesInFlight` (2), so `Proposer` can send most writes as log entries of their own; "
                        + "whether it batched is not visible from outside (`Proposer.batchStats()` is in no status): report it in "
                        + "`NodeStatus` / `khora status`, then tune the in-flight limit against this family's figures.%n"
                        + "4. Client: the synchronous `RemoteSpace.write` goes through `RemoteAsyncSpace.write` → `deliver`, which "
                        + "completes the caller's future on the callback pool — one more hand-off: %s context switches per write in the "
                        + "client against %s per take, whose synchronous path joins the network future directly. Join `writeOne`'s "
                        + "future in `RemoteSpace.write` as `readById` and `takeById` do.%n%n",
                num(f.switchesPerOp(k, w, "clientSwitches")), num(f.switchesPerOp(k, TAKE.key(), "clientSwitches"))));
    }

    /**
     * The reads paragraph: what a linearizable and a leader-local read do on the nodes (from the code), and what the confirmation
     * round costs (from this run's figures).
     */
    private void reads(StringBuilder md) {
        String r = READ.key();
        String rl = READ_LOCAL.key();
        String k = TARGET_KHORA;
        md.append(String.format(Locale.ROOT, "**Reads** add no entry to the Raft log. `NodeRequests` answers a `ReadById` on the "
                        + "event loop that decoded it by reading the leader's state (`ReplicatedPartition.readById`). A leader-local "
                        + "read is answered from there at once. A linearizable read then waits for "
                        + "`ReplicatedPartition.confirmLeadership`: `LeadershipProbe` sends both followers a probe (unbundled, "
                        + "out-of-band JGroups messages), the first follower's answer makes a majority with the leader, and the reads "
                        + "that waited for that round are answered on the JGroups thread that delivered the answer; reads that arrive "
                        + "while a round is in flight wait for the next one, so one round trip inside the group confirms a batch of "
                        + "reads. The two Khora read rows differ only in that round; in this run, with TLS off, the nodes switched "
                        + "threads %s times and spent %s µs of CPU per linearizable read, against %s and %s µs per leader-local read, "
                        + "and the client %s and %s µs against %s and %s µs. Hazelcast's nodes switched threads %s times and spent %s µs "
                        + "of CPU per `get` (its IO thread hands every `get` to a partition thread and back).%n%n",
                num(f.switchesPerOp(k, r, "nodesSwitches")), num(cpu(k, r, "nodes")),
                num(f.switchesPerOp(k, rl, "nodesSwitches")), num(cpu(k, rl, "nodes")), num(f.switchesPerOp(k, r, "clientSwitches")),
                num(cpu(k, r, "client")),
                num(f.switchesPerOp(k, rl, "clientSwitches")), num(cpu(k, rl, "client")),
                num(f.switchesPerOp(HAZELCAST, r, "nodesSwitches")), num(cpu(HAZELCAST, r, "nodes"))));
    }

    /** The contestants with a row of their own for {@code op}: both Khoras, and Hazelcast unless {@code op} is a Khora-only variant. */
    private static List<String> contestants(ClusterFamily.Op op) {
        return op.hazelcastRow() ? CONTESTANTS : List.of(KHORA_TLS, KHORA_PLAIN);
    }

    /** "12% more" for 1.12, "12% less" for 0.88. */
    static String moreOrLess(double ratio) {
        return ratio >= 1 ? Fmt.percent(ratio - 1) + " more" : Fmt.percent(1 - ratio) + " less";
    }

    private double cpu(String contestant, String op, String who) {
        return f.cpuMicrosPerOp(contestant, op, who + "Cpu");
    }

    private double total(String contestant, String op) {
        return f.totalCpuMicrosPerOp(contestant, op);
    }

    private static String label(String contestant, ClusterFamily.Op op) {
        return switch (contestant) {
            case KHORA_TLS -> "Khora, TLS on: " + op.khora();
            case KHORA_PLAIN -> "Khora, TLS off: " + op.khora();
            default -> "Hazelcast " + op.hazelcast() + " (peer, no TLS)";
        };
    }

    private String rounds(String contestant, String op) {
        return f.rates(contestant, op).stream().map(Fmt::rate).collect(Collectors.joining(" / "));
    }

    /** A figure with 1 decimal from 10 up, else 2; "n/a" for NaN. */
    static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String share(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    private static String hazelcastVersion() {
        try {
            return com.hazelcast.instance.GeneratedBuildProperties.VERSION;
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }

    /** The throughput chart and the latency chart: a bar per contestant (and percentile) and operation. */
    void writeCharts() throws IOException {
        List<String> categories = ClusterFamily.OPS.stream().map(ClusterFamily.Op::chart).toList();
        BarChart rates = new BarChart("3 nodes on loopback, 8 client threads: throughput (k ops/s, higher is better)", "k ops/s",
                categories);
        BarChart latencies = new BarChart("3 nodes on loopback, 8 client threads: latency (µs, lower is better)", "µs", categories);
        for (String c : CONTESTANTS) {
            rates.series(chartName(c), figures(c, "rate"));
        }
        for (String c : CONTESTANTS) {
            latencies.series(shortName(c) + " p50", figures(c, "p50")).series(shortName(c) + " p99", figures(c, "p99"));
        }
        rates.write(settings.chartDir().resolve(THROUGHPUT_CHART), 1000, 500);
        latencies.write(settings.chartDir().resolve(LATENCY_CHART), 1000, 500);
    }

    /** {@code contestant}'s {@code figure} of each operation ÷ 1000, null where it has no phase of its own (no bar). */
    private List<Double> figures(String contestant, String figure) {
        List<Double> out = new ArrayList<>();
        for (ClusterFamily.Op op : ClusterFamily.OPS) {
            out.add(contestants(op).contains(contestant) ? f.of(contestant, op.key(), figure) / 1e3 : null);
        }
        return out;
    }

    private static String chartName(String contestant) {
        return switch (contestant) {
            case KHORA_TLS -> "Khora, TLS on (3 replicas, majority ack)";
            case KHORA_PLAIN -> "Khora, TLS off (3 replicas, majority ack)";
            default -> "Hazelcast, no TLS (backup-count 1)";
        };
    }

    private static String shortName(String contestant) {
        return switch (contestant) {
            case KHORA_TLS -> "Khora TLS on";
            case KHORA_PLAIN -> "Khora TLS off";
            default -> "Hazelcast";
        };
    }
}
