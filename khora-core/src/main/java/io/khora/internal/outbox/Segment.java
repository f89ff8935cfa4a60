package io.khora.internal.outbox;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment file: its first sequence, how far it is written and committed, and (while it is
 * the active segment) the channel appends go through. Positions are file offsets.
 *
 * <p>{@code writtenEnd} and {@code lastSequence} are set by the appender (under the log's append
 * lock) after a write completes; {@code committedEnd} only grows, and is what readers may read
 * up to; {@code sealed} is set once the segment will never grow again, after its final
 * {@code committedEnd}.
 */
final class Segment {
    private static final Logger LOG = LoggerFactory.getLogger(Segment.class);
    private static final VarHandle COMMITTED_END;

    static {
        try {
            COMMITTED_END = MethodHandles.lookup().findVarHandle(Segment.class, "committedEnd", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Path path;
    final long firstSequence;
    private volatile FileChannel channel; // null once sealed (or for a recovered non-last segment)
    private volatile long writtenEnd;
    private volatile long committedEnd;
    private volatile long lastSequence;
    private volatile boolean sealed;

    private Segment(Path path, long firstSequence, FileChannel channel, long end, long lastSequence, boolean sealed) {
        this.path = path;
        this.firstSequence = firstSequence;
        this.channel = channel;
        this.writtenEnd = end;
        this.committedEnd = end;
        this.lastSequence = lastSequence;
        this.sealed = sealed;
    }

    /** Creates a new, empty active segment file (with its header) in {@code directory}. */
    static Segment create(Path directory, long firstSequence) throws IOException {
        Path path = directory.resolve(RecordFormat.fileName(firstSequence));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Segment segment = new Segment(path, firstSequence, channel, RecordFormat.SEGMENT_HEADER_BYTES,
                firstSequence - 1, false);
        try {
            ByteBuffer header = ByteBuffer.allocate(RecordFormat.SEGMENT_HEADER_BYTES);
            RecordFormat.putSegmentHeader(header, firstSequence);
            header.flip();
            segment.write(header, 0);
        } catch (IOException | RuntimeException e) {
            segment.closeChannel();
            Files.deleteIfExists(path);
            throw e;
        }
        return segment;
    }

    /** A segment found by recovery; the last one stays open for appends through {@code channel}. */
    static Segment recovered(Path path, long firstSequence, long lastSequence, long end, FileChannel channel) {
        return new Segment(path, firstSequence, channel, end, lastSequence, channel == null);
    }

    static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
    }

    /** Makes the directory's entries (created or deleted files) durable; interrupt-safe like {@link #write}. */
    static void forceDirectory(Path directory) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                    dir.force(true);
                    return;
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                } catch (AccessDeniedException | UnsupportedOperationException e) {
                    // Windows cannot open a directory; its file system orders metadata itself
                    LOG.debug("cannot force directory {}: {}", directory, e.toString());
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    long writtenEnd() {
        return writtenEnd;
    }

    long committedEnd() {
        return committedEnd;
    }

    long lastSequence() {
        return lastSequence;
    }

    boolean isEmpty() {
        return lastSequence < firstSequence;
    }

    boolean isSealed() {
        return sealed;
    }

    /** After a write of records up to {@code end}, the last of them {@code sequence}. */
    void written(long end, long sequence) {
        writtenEnd = end;
        lastSequence = sequence;
    }

    /** Lets readers read up to {@code end} (never moves backwards). */
    void commit(long end) {
        long current;
        do {
            current = committedEnd;
        } while (current < end && !COMMITTED_END.compareAndSet(this, current, end));
    }

    /**
     * Writes all of {@code src} at {@code position} and returns the position after it. Immune to
     * interrupts: a {@code FileChannel} closes itself when the calling thread is interrupted, so
     * the channel is reopened and the (positional, hence repeatable) write retried, and the
     * thread's interrupt status is restored afterwards.
     */
    long write(ByteBuffer src, long position) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                FileChannel ch = openChannel();
                try {
                    while (src.hasRemaining()) {
                        position += ch.write(src, position);
                    }
                    return position;
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    reopen(ch, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** fdatasync of the segment (interrupt-safe like {@link #write}); a no-op once sealed (sealing forced it). */
    void force() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                FileChannel ch = channel;
                if (ch == null) {
                    if (sealed) {
                        return;
                    }
                    throw new ClosedChannelException();
                }
                try {
                    ch.force(false);
                    return;
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    if (sealed) {
                        return;
                    }
                    reopen(ch, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Cuts the file back to {@code end} (an append that failed half-way); interrupt-safe. */
    void truncate(long end) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                FileChannel ch = openChannel();
                try {
                    ch.truncate(end);
                    return;
                } catch (ClosedChannelException e) {
                    interrupted |= Thread.interrupted();
                    reopen(ch, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileChannel openChannel() throws ClosedChannelException {
        FileChannel ch = channel;
        if (ch == null) {
            throw new ClosedChannelException(); // sealed or closed on purpose
        }
        return ch;
    }

    /**
     * Replaces {@code broken} (closed by an interrupt, ours or another thread's) with a fresh
     * channel, unless the segment was closed on purpose.
     */
    private synchronized void reopen(FileChannel broken, ClosedChannelException cause) throws IOException {
        FileChannel current = channel;
        if (current == null) {
            throw cause; // sealed or closed on purpose
        }
        if (current != broken) {
            return; // another thread already reopened it
        }
        LOG.debug("segment {}: channel closed by an interrupt, reopening it", path);
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Marks the segment complete. The caller has forced it (when the policy asks for it) and
     * committed its end; readers that reach the end of a sealed segment move to the next one.
     */
    void seal() {
        sealed = true;
        closeChannel();
    }

    synchronized void closeChannel() {
        FileChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.warn("closing segment {} failed: {}", path, e.toString());
            }
        }
    }

    FileChannel openForReading() throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + firstSequence + ".." + lastSequence + ", " + writtenEnd + " bytes]";
    }
}
