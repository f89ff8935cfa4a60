package io.khora.internal.writebehind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The highest outbox sequence a mirror has ever handed to its endpoint, kept in a small file next
 * to the {@code delivered} marker and written <em>before</em> the hand-off. After a restart it tells
 * the mirror which pending changes can never have reached the store: a write and a take of one id
 * both above it still consolidate to nothing, exactly as they would have without the restart
 * (without it, every pending record had to count as possibly sent, and the pair came back as a
 * bare REMOVE of an id the store never had — a dead letter for a strict endpoint).
 *
 * <p>The file holds 16 bytes, the sequence and its complement, rewritten in place (one sector, so a
 * torn write is detected by the check and treated like a missing file). A missing or damaged file
 * answers the conservative value the caller gives (everything in the log may have been sent).
 * When {@code force} is set each advance is forced to the device before the send it guards.
 */
final class SentMarker implements AutoCloseable {
    static final String FILE = "sent";
    private static final long CHECK = 0x5A5A_5A5A_5A5A_5A5AL;

    private final Path file;
    private final FileChannel channel;
    private final boolean force;
    private final ByteBuffer buffer = ByteBuffer.allocate(16);
    private volatile long sentUpTo;

    /**
     * Opens (or creates) the marker in {@code dir}.
     *
     * @param conservative what to assume when the file is missing or damaged: a sequence at or above
     *     everything a previous run may have sent (the log's last sequence)
     * @param force whether each advance is forced to the device
     */
    SentMarker(Path dir, long conservative, boolean force) {
        this.file = dir.resolve(FILE);
        this.force = force;
        try {
            boolean existed = Files.exists(file);
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long stored = existed ? readStored() : -1L;
            this.sentUpTo = stored >= 0 ? stored : conservative;
            if (stored < 0) {
                store(sentUpTo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the write-behind sent marker " + file + ": " + e.getMessage(), e);
        }
    }

    private long readStored() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16);
        while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
            // read the whole record
        }
        if (b.hasRemaining()) {
            return -1L;
        }
        long value = b.getLong(0);
        return value >= 0 && b.getLong(8) == (value ^ CHECK) ? value : -1L;
    }

    /** A sequence at or above every sequence any run of the mirror has handed to the endpoint. */
    long sentUpTo() {
        return sentUpTo;
    }

    /** Records, before it is handed over, that changes up to {@code sequence} may reach the endpoint. */
    synchronized void advance(long sequence) {
        if (sequence <= sentUpTo) {
            return;
        }
        try {
            store(sequence);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the sent sequence " + sequence + " in " + file + ": " + e.getMessage(), e);
        }
        sentUpTo = sequence;
    }

    private void store(long sequence) throws IOException {
        buffer.clear();
        buffer.putLong(sequence).putLong(sequence ^ CHECK).flip();
        int at = 0;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
        if (force) {
            channel.force(false);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
