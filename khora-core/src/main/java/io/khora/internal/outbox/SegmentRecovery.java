package io.khora.internal.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a log's state from its directory when it is opened.
 *
 * <p>Segments are taken in the order of their names. Every segment but the last must be whole:
 * its records were forced to disk before the next segment was created, so a bad record there is
 * damage to durable data and fails the open with a {@link LogCorruptedException} naming the file
 * and offset. In the last segment, the first record that is incomplete, has an impossible length
 * or fails its checksum is taken for a write torn by a crash: the file is cut there (with a WARN
 * naming the file, the offset and the bytes dropped) and the log continues after the last good
 * record. Segments must follow each other without a gap in sequences, and records within a
 * segment must be numbered densely; anything else is corruption. The last segment is then
 * forced, so that what recovery reports is durable.
 */
final class SegmentRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentRecovery.class);
    private static final int SCAN_BUFFER_BYTES = 256 * 1024;

    /** The recovered segments, oldest first (the last one open for appends), and the report. */
    record Result(List<Segment> segments, RecoveryReport report) {
    }

    private SegmentRecovery() {
    }

    static Result recover(Path directory) throws IOException {
        Files.createDirectories(directory);
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + RecordFormat.SUFFIX)) {
            for (Path p : stream) {
                long first = RecordFormat.parseFileName(p.getFileName().toString());
                if (first < 1) {
                    throw new LogCorruptedException(p, 0, "a segment file name must be a first sequence >= 1 in twenty digits");
                }
                files.put(first, p);
            }
        }
        if (files.isEmpty()) {
            Segment segment = Segment.create(directory, 1);
            Segment.forceDirectory(directory);
            return new Result(List.of(segment), new RecoveryReport(1, 0, 0, 0, null, -1, 0, null));
        }

        List<Segment> segments = new ArrayList<>();
        long expected = files.firstKey();
        long records = 0;
        Path truncatedFile = null;
        long truncatedAt = -1;
        long dropped = 0;
        String reason = null;
        Map.Entry<Long, Path> lastEntry = files.lastEntry();
        for (Map.Entry<Long, Path> entry : files.entrySet()) {
            long first = entry.getKey();
            Path path = entry.getValue();
            boolean last = first == lastEntry.getKey();
            if (first != expected) {
                throw new LogCorruptedException(path, 0, "segment starts at sequence " + first
                        + " but the previous segment ends at " + (expected - 1) + " (a segment file is missing)");
            }
            FileChannel channel = last
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            boolean keepOpen = false;
            try {
                long size = channel.size();
                long end;
                String headerProblem = headerProblem(channel, size, first);
                if (headerProblem != null) {
                    if (!last || (size >= RecordFormat.SEGMENT_HEADER_BYTES && !headerIsZero(channel))) {
                        throw new LogCorruptedException(path, 0, headerProblem);
                    }
                    // the last segment was being created when the process or machine stopped
                    channel.truncate(0);
                    ByteBuffer header = ByteBuffer.allocate(RecordFormat.SEGMENT_HEADER_BYTES);
                    RecordFormat.putSegmentHeader(header, first);
                    header.flip();
                    Segment.writeFully(channel, header, 0);
                    truncatedFile = path;
                    truncatedAt = 0;
                    dropped = size;
                    reason = "an incomplete segment header";
                    end = RecordFormat.SEGMENT_HEADER_BYTES;
                } else {
                    RecordScanner scanner = new RecordScanner(channel, RecordFormat.SEGMENT_HEADER_BYTES, SCAN_BUFFER_BYTES);
                    while (true) {
                        long at = scanner.position();
                        RecordScanner.Status status = scanner.next(size, Long.MIN_VALUE, false);
                        if (status == RecordScanner.Status.END) {
                            break;
                        }
                        if (status == RecordScanner.Status.RECORD) {
                            if (scanner.sequence() != expected) {
                                throw new LogCorruptedException(path, at, "record has sequence " + scanner.sequence()
                                        + " where " + expected + " was expected");
                            }
                            expected++;
                            records++;
                            continue;
                        }
                        if (!last) {
                            throw new LogCorruptedException(path, at, status.describe() + " (sequence " + expected
                                    + ") in a segment that is not the last one: this data had been forced to disk");
                        }
                        truncatedFile = path;
                        truncatedAt = at;
                        dropped = size - at;
                        reason = status.describe();
                        channel.truncate(at);
                        break;
                    }
                    end = scanner.position();
                }
                if (truncatedFile != null) {
                    LOG.warn("segment log {}: cut the last segment {} at offset {}, dropping {} bytes, at {} "
                                    + "(taken for a write torn by a crash; every record before it is kept, the log "
                                    + "continues at sequence {})",
                            directory, path.getFileName(), truncatedAt, dropped, reason, expected);
                }
                if (last) {
                    channel.force(false);
                    segments.add(Segment.recovered(path, first, expected - 1, end, channel));
                    keepOpen = true;
                } else {
                    segments.add(Segment.recovered(path, first, expected - 1, end, null));
                }
            } finally {
                if (!keepOpen) {
                    channel.close();
                }
            }
        }
        long firstSequence = records == 0 ? 0 : files.firstKey();
        RecoveryReport report = new RecoveryReport(segments.size(), records, firstSequence, expected - 1,
                truncatedFile, truncatedAt, dropped, reason);
        return new Result(segments, report);
    }

    private static String headerProblem(FileChannel channel, long size, long first) throws IOException {
        if (size < RecordFormat.SEGMENT_HEADER_BYTES) {
            return "the file is shorter (" + size + " bytes) than a segment header";
        }
        byte[] header = readHeader(channel);
        return RecordFormat.checkSegmentHeader(header, 0, first);
    }

    private static boolean headerIsZero(FileChannel channel) throws IOException {
        return RecordFormat.allZero(readHeader(channel), 0, RecordFormat.SEGMENT_HEADER_BYTES);
    }

    private static byte[] readHeader(FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(RecordFormat.SEGMENT_HEADER_BYTES);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                break;
            }
        }
        return header.array();
    }
}
