package io.khora.internal.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers for the segment log tests. */
final class LogTesting {
    private LogTesting() {
    }

    /** A payload that says which record it is, of a length that varies with {@code i}. */
    static byte[] payload(long i) {
        String text = "record-" + i + "-" + "x".repeat((int) (i % 37));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The segment files of {@code dir}, oldest first. */
    static List<Path> segmentFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the segment files, as a crash of the process would leave them (the page cache survives). */
    static Path copyOf(Path dir, Path target) {
        try {
            Files.createDirectories(target);
            for (Path p : segmentFiles(dir)) {
                Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every committed record from {@code from} on, without waiting. */
    static List<LogRecord> readAll(SegmentLog log, long from) {
        List<LogRecord> records = new ArrayList<>();
        try (SegmentReader reader = log.read(from)) {
            for (LogRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
            }
        }
        return records;
    }

    static long fileSize(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
