package io.khora.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a {@link ChaosClientMain} process reported (its lines in its log, after
 * {@link #PREFIX}) into a {@link History}: writes attempted, acknowledged or failed (with the meaning
 * the client process gave its exception), takes and what they took. An operation the process
 * started and never reported on — it was killed in the middle of it — has an unknown outcome. Only
 * complete lines count (the kill can cut off the last one).
 */
final class ClientProcessLog {
    static final String PREFIX = "@@ ";
    static final String READY = "READY";
    /** Client processes' writer numbers start here (the in-process writers' are below). */
    static final int FIRST_WRITER = 100;

    private ClientProcessLog() {
    }

    private record Op(Item write, int taker, int max) {
    }

    /** The process's complete report lines (without the prefix). */
    static List<String> lines(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return Arrays.stream(text.substring(0, end).split("\n")).filter(l -> l.startsWith(PREFIX))
                .map(l -> l.substring(PREFIX.length())).toList();
    }

    /** How many operations the process reported acknowledged (writes) or returned (takes) so far. */
    static long acknowledged(Path log) throws IOException {
        return lines(log).stream().filter(l -> l.startsWith("A ") || l.startsWith("T ")).count();
    }

    /** Feeds the whole report of a process that has ended into {@code h}; returns what it read, for the log. */
    static String feed(Path log, History h) throws IOException {
        Map<Long, Op> open = new LinkedHashMap<>();
        int writes = 0;
        int acks = 0;
        int takes = 0;
        int failed = 0;
        for (String l : lines(log)) {
            String[] f = l.split(" ", 4);
            if (f[0].equals(READY)) {
                continue;
            }
            long op = Long.parseLong(f[1]);
            switch (f[0]) {
                case "S" -> {
                    if (f[2].equals("W")) {
                        String[] w = f[3].split(" ");
                        Item item = new Item(w[0], Integer.parseInt(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3]));
                        h.attempt(item);
                        open.put(op, new Op(item, -1, 0));
                        writes++;
                    } else {
                        String[] t = f[3].split(" ");
                        open.put(op, new Op(null, Integer.parseInt(t[1]), Integer.parseInt(t[0])));
                        takes++;
                    }
                }
                case "A" -> {
                    h.acknowledged(open.remove(op).write());
                    acks++;
                }
                case "T" -> {
                    Op t = open.remove(op);
                    List<String> ids = f[2].equals("-") ? List.of() : Arrays.asList(f[2].split(","));
                    h.took(t.taker(), "client process take (max " + t.max() + ")", ids, t.max(), System.nanoTime());
                }
                case "F" -> {
                    Op o = open.remove(op);
                    Outcomes.Meaning meaning = Outcomes.Meaning.valueOf(f[2]);
                    String error = f.length > 3 ? f[3] : "";
                    if (o.write() != null) {
                        h.maybe(o.write(), error, meaning);
                    } else {
                        h.takeFailed(o.taker(), "client process take (max " + o.max() + ")", o.max(), System.nanoTime(), error, meaning);
                    }
                    failed++;
                }
                default -> throw new IllegalStateException("unknown line in " + log + ": " + l);
            }
        }
        for (Op o : open.values()) { // in flight when the process was killed
            if (o.write() != null) {
                h.maybe(o.write(), "in flight when the client process was killed", Outcomes.Meaning.UNKNOWN);
            } else {
                h.takeFailed(o.taker(), "client process take (max " + o.max() + ")", o.max(), System.nanoTime(),
                        "in flight when the client process was killed", Outcomes.Meaning.UNKNOWN);
            }
        }
        return writes + " writes (" + acks + " acknowledged), " + takes + " takes, " + failed + " failed, " + open.size()
                + " in flight when killed";
    }
}
