package io.khora.server;

import io.khora.internal.writebehind.DeadLetterReplay;
import io.khora.internal.writebehind.DeadLetterStore;
import io.khora.persistence.DeadLetter;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code khora deadletters list|discard|replay}: the write-behind changes a mirror (or an embedded
 * space) set aside because the endpoint refused them, kept in {@code DIR/<space>/dead-letters}.
 *
 * <pre>
 * khora deadletters list    --data DIR [--space S] [--json]
 * khora deadletters discard --data DIR [--space S] --sequence N[,P:N…] | --all
 * khora deadletters replay  --data DIR [--space S] [--sequence N[,P:N…] | --all]  the mirror's endpoint flags
 * </pre>
 *
 * {@code list} reads a copy of the store, so it works while the mirror runs; {@code discard} and
 * {@code replay} open the store itself and are refused (exit 1, naming the pid) while a mirror holds
 * it. {@code replay} builds the endpoint as {@code khora mirror} does ({@link MirrorCommand}) and
 * hands it each letter again (see {@link DeadLetterReplay}). A sequence is a
 * partition's outbox sequence: {@code P:N} names partition P's (1-based, as listed); a bare {@code N}
 * must match a single dead letter.
 */
final class DeadLettersCommand {
    static final List<String> LIST_FLAGS = List.of("data", "space", "json");
    static final List<String> DISCARD_FLAGS = List.of("data", "space", "sequence", "all");
    static final List<String> REPLAY_FLAGS = java.util.stream.Stream.concat(Stream.of("data", "space", "sequence", "all", "jdbc-url",
            "jdbc-user", "jdbc-password-file", "entities", "schema", "endpoint-class"), CassandraMirrorEndpoint.FLAGS.stream()).toList();

    private DeadLettersCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length < 2 || args[1].startsWith("--")) {
            throw new IllegalArgumentException("give a subcommand: list, discard, replay (khora deadletters --help)");
        }
        Map<String, String> flags = Khora.flags(args, 2);
        try {
            return switch (args[1]) {
                case "list" -> list(flags, out);
                case "discard" -> discard(flags, out);
                case "replay" -> replay(flags, out);
                default -> throw new IllegalArgumentException("unknown subcommand '" + args[1] + "' (known: list, discard, replay)");
            };
        } catch (IllegalStateException e) {
            err.println("khora deadletters " + args[1] + ": " + e.getMessage());
            return 1;
        }
    }

    private static int list(Map<String, String> flags, PrintStream out) throws IOException {
        known(flags, LIST_FLAGS, "list");
        boolean json = flags.containsKey("json");
        for (Map.Entry<String, Path> space : stores(flags).entrySet()) {
            for (DeadLetter d : readCopy(space.getValue())) {
                out.println(json ? DeadLetterText.json(space.getKey(), d) : DeadLetterText.line(space.getKey(), d));
            }
        }
        return 0;
    }

    private static int discard(Map<String, String> flags, PrintStream out) {
        known(flags, DISCARD_FLAGS, "discard");
        Map.Entry<String, Path> space = single(stores(flags), "discard");
        try (DeadLetterStore store = new DeadLetterStore(space.getValue())) {
            Predicate<DeadLetter> which = selection(flags, store.list(), space.getKey(), false);
            List<DeadLetter> removed = store.removeIf(which);
            out.println("discarded " + removed.size() + " dead letter" + (removed.size() == 1 ? "" : "s") + " of space '" + space.getKey()
                    + "'; " + store.count() + " left");
            for (DeadLetter d : removed) {
                out.println("  " + DeadLetterText.line(space.getKey(), d));
            }
        }
        return 0;
    }

    /**
     * Hands the selected dead letters (all by default) to the endpoint the mirror's flags describe,
     * one at a time; removes those it accepts, keeps and reports the others. Exit 0 if all were
     * accepted, 1 if some were refused again.
     */
    private static int replay(Map<String, String> flags, PrintStream out) throws Exception {
        known(flags, REPLAY_FLAGS, "replay");
        Map.Entry<String, Path> space = single(stores(flags), "replay");
        AutoCloseable[] resource = new AutoCloseable[1]; // the endpoint's session factory or Cassandra session
        try (DeadLetterStore store = new DeadLetterStore(space.getValue())) {
            Predicate<DeadLetter> which = selection(flags, store.list(), space.getKey(), true);
            io.khora.persistence.SpaceSynchronizationEndpoint endpoint = MirrorCommand.endpoint(flags, resource);
            DeadLetterReplay.Result r = DeadLetterReplay.replay(store, space.getKey(), which, endpoint,
                    Thread.currentThread().getContextClassLoader());
            out.println("replayed " + r.replayed().size() + " dead letter" + (r.replayed().size() == 1 ? "" : "s") + " of space '"
                    + space.getKey() + "' to " + endpoint.getClass().getName() + "; " + r.failed().size() + " refused again, "
                    + store.count() + " left");
            for (DeadLetter d : r.replayed()) {
                out.println("  replayed " + DeadLetterText.line(space.getKey(), d));
            }
            for (DeadLetterReplay.Failure f : r.failed()) {
                out.println("  refused  " + DeadLetterText.line(space.getKey(), f.letter()) + "  now: " + DeadLetterText.oneLine(f.error()));
            }
            return r.failed().isEmpty() ? 0 : 1;
        } finally {
            if (resource[0] != null) {
                resource[0].close();
            }
        }
    }

    /**
     * What {@code --sequence} or {@code --all} selects among {@code letters}, each given sequence
     * matching exactly one; neither means all if {@code allByDefault}.
     */
    static Predicate<DeadLetter> selection(Map<String, String> flags, List<DeadLetter> letters, String space, boolean allByDefault) {
        if (allByDefault && !flags.containsKey("sequence")) {
            return d -> true;
        }
        if (flags.containsKey("all") == flags.containsKey("sequence")) {
            throw new IllegalArgumentException("give either --sequence N[,P:N…] (as listed) or --all");
        }
        if (flags.containsKey("all")) {
            return d -> true;
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String token : flags.get("sequence").split(",")) {
            List<DeadLetter> matching = letters.stream().filter(sequenceMatcher(token.trim())).toList();
            if (matching.isEmpty()) {
                throw new IllegalArgumentException("--sequence " + token.trim() + ": no dead letter of space '" + space
                        + "' has it (khora deadletters list shows them)");
            }
            if (matching.size() > 1) {
                throw new IllegalArgumentException("--sequence " + token.trim() + " matches " + matching.size()
                        + " dead letters (partitions " + matching.stream().map(d -> d.partitionId() + 1).toList()
                        + "); name one as PARTITION:SEQUENCE");
            }
            chosen.add(key(matching.get(0)));
        }
        return d -> chosen.contains(key(d));
    }

    private static String key(DeadLetter d) {
        return (d.partitionId() + 1) + ":" + d.sequence();
    }

    private static Predicate<DeadLetter> sequenceMatcher(String token) {
        int colon = token.indexOf(':');
        try {
            if (colon < 0) {
                long seq = Long.parseLong(token);
                return d -> d.sequence() == seq;
            }
            int partition = Integer.parseInt(token.substring(0, colon));
            long seq = Long.parseLong(token.substring(colon + 1));
            return d -> d.partitionId() + 1 == partition && d.sequence() == seq;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--sequence: '" + token + "' must be a sequence number N or PARTITION:N (as listed)");
        }
    }

    private static void known(Map<String, String> flags, List<String> known, String sub) {
        KnownFlags.require(flags, known, "deadletters " + sub);
    }

    /** The dead-letter stores of {@code --data} (default {@code khora-mirror}), by space, restricted to {@code --space}. */
    static Map<String, Path> stores(Map<String, String> flags) {
        Path data = Path.of(flags.getOrDefault("data", "khora-mirror"));
        if (!Files.isDirectory(data)) {
            throw new IllegalArgumentException("--data: " + data.toAbsolutePath() + " is not a directory (the mirror's --data)");
        }
        Map<String, Path> found = new java.util.TreeMap<>();
        try (Stream<Path> children = Files.list(data)) {
            children.filter(c -> Files.isDirectory(c.resolve("dead-letters")))
                    .forEach(c -> found.put(c.getFileName().toString(), c.resolve("dead-letters")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + data.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (!flags.containsKey("space")) {
            return found;
        }
        Map<String, Path> chosen = new java.util.TreeMap<>();
        for (String s : flags.get("space").split(",")) {
            Path p = found.get(s.trim());
            if (p == null) {
                throw new IllegalArgumentException("--space: " + data.toAbsolutePath() + " has no dead-letter store of space '" + s.trim()
                        + "' (it has: " + found.keySet() + ")");
            }
            chosen.put(s.trim(), p);
        }
        return chosen;
    }

    static Map.Entry<String, Path> single(Map<String, Path> stores, String sub) {
        if (stores.size() != 1) {
            throw new IllegalArgumentException(sub + " works on one space: give --space S (" + (stores.isEmpty() ? "no dead-letter store found"
                    : "found: " + stores.keySet()) + ")");
        }
        return stores.entrySet().iterator().next();
    }

    /** The store's letters, read from a copy (the store's own lock is the running mirror's). */
    private static List<DeadLetter> readCopy(Path store) throws IOException {
        Path tmp = Files.createTempDirectory("khora-deadletters");
        try {
            Path copy = tmp.resolve("dead-letters");
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(store)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (!f.getFileName().toString().equals("LOCK")) {
                        Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            try (DeadLetterStore s = new DeadLetterStore(copy)) {
                return new ArrayList<>(s.list());
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
