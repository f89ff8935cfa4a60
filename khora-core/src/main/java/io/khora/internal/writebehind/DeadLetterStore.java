package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;
import io.khora.internal.outbox.LogRecord;
import io.khora.internal.outbox.SegmentLog;
import io.khora.internal.outbox.SegmentReader;
import io.khora.internal.wire.JavaDeserialization;
import io.khora.internal.wire.WireInput;
import io.khora.internal.wire.WireOutput;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.DeadLetter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Where write-behind changes the store refused are set aside: a durable log (so an operator sees
 * them after a restart too) of (partition, sequence, operation, type, id, error, time).
 *
 * <p>One process at a time has a store open: a {@link StoreLock} on {@code <dir>.lock} beside the
 * directory keeps out a second one and names the holder's pid. {@link #removeIf} rewrites the store
 * crash-safely: the letters that stay are written to {@code <dir>.tmp} and forced, then the directory
 * is swapped for it by renames; opening a store finishes or undoes an interrupted swap (see
 * {@link #recoverSwap}), so a crash never loses a letter that was to stay.
 */
public final class DeadLetterStore implements AutoCloseable {
    private static final DataSyncOperationType[] TYPES = DataSyncOperationType.values();
    private static final SegmentLog.Options OPTIONS = new SegmentLog.Options(8L << 20, SegmentLog.SyncPolicy.EVERY_APPEND);

    private final Path dir;
    private final StoreLock lock;
    private SegmentLog log;
    private volatile long count;

    /**
     * Opens (or creates) the store in {@code dir}.
     *
     * @throws IllegalStateException naming the holder's pid if another store instance has it open
     * @throws UncheckedIOException  if it cannot be read or written
     */
    public DeadLetterStore(Path dir) {
        this.dir = dir;
        this.lock = StoreLock.acquire(dir.resolveSibling(dir.getFileName() + ".lock"), "the dead-letter store " + dir);
        try {
            recoverSwap(dir);
            this.log = SegmentLog.open(dir, OPTIONS);
        } catch (IOException | RuntimeException e) {
            lock.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open the dead-letter store in " + dir + ": " + e.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        this.count = list().size();
    }

    /** How many changes were set aside (those of earlier runs included). */
    public long count() {
        return count;
    }

    /** Sets {@code c} aside, with its data (in the outbox's form) so that it can be replayed. */
    synchronized DeadLetter add(Change c, String error) {
        DeadLetter d = new DeadLetter(c.partitionId(), c.sequence(), c.type(), c.entry().type().name(), c.entry().id(),
                error, Instant.now());
        byte[] change;
        try {
            change = OutboxCodec.encode(c, new WireOutput(256));
        } catch (RuntimeException e) {
            change = new byte[0]; // kept without its data: listed, not replayable
        }
        return add(d, change);
    }

    synchronized DeadLetter add(DeadLetter d, byte[] change) {
        WireOutput out = encode(d);
        out.writeBytes(change);
        log.append(out.toByteArray());
        count++;
        return d;
    }

    /** Every dead letter, oldest first. */
    public synchronized List<DeadLetter> list() {
        List<DeadLetter> out = new ArrayList<>();
        readAll(out, null);
        return out;
    }

    /**
     * The refused change of each dead letter {@code which} selects, as the outbox recorded it (see
     * {@link OutboxCodec}); an empty array for a letter kept without its data.
     */
    synchronized java.util.Map<DeadLetter, byte[]> changes(Predicate<DeadLetter> which) {
        List<DeadLetter> all = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        readAll(all, raw);
        java.util.Map<DeadLetter, byte[]> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            if (which.test(all.get(i))) {
                WireInput in = new WireInput(raw.get(i), JavaDeserialization.TRUSTED);
                decode(in);
                out.put(all.get(i), in.remaining() > 0 ? in.readBytes() : new byte[0]);
            }
        }
        return out;
    }

    /**
     * Removes the dead letters {@code which} selects, rewriting the store crash-safely.
     *
     * @return the removed ones, oldest first
     */
    public synchronized List<DeadLetter> removeIf(Predicate<DeadLetter> which) {
        List<DeadLetter> all = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        readAll(all, raw);
        List<DeadLetter> removed = new ArrayList<>();
        List<byte[]> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (which.test(all.get(i))) {
                removed.add(all.get(i));
            } else {
                kept.add(raw.get(i));
            }
        }
        if (!removed.isEmpty()) {
            rewrite(kept);
        }
        return removed;
    }

    /** Removes every dead letter; returns how many there were. */
    public int removeAll() {
        return removeIf(d -> true).size();
    }

    private void readAll(List<DeadLetter> letters, List<byte[]> raw) {
        try (SegmentReader r = log.read(Math.max(1, log.firstSequence()))) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                letters.add(decode(new WireInput(rec.payload(), JavaDeserialization.TRUSTED))); // this machine's own file
                if (raw != null) {
                    raw.add(rec.payload());
                }
            }
        }
    }

    private void rewrite(List<byte[]> kept) {
        Path tmp = sibling(dir, ".tmp");
        Path old = sibling(dir, ".old");
        try {
            deleteTree(tmp);
            try (SegmentLog fresh = SegmentLog.open(tmp, OPTIONS.withSyncPolicy(SegmentLog.SyncPolicy.ON_SYNC))) {
                for (byte[] p : kept) {
                    fresh.append(p);
                }
                fresh.sync();
            }
            log.close();
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
            log = SegmentLog.open(dir, OPTIONS);
            count = kept.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the dead-letter store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Finishes or undoes a rewrite a crash interrupted. The rewrite's steps: (1) {@code <dir>.tmp}
     * written and forced; (2) {@code dir} renamed to {@code <dir>.old}; (3) {@code .tmp} renamed to
     * {@code dir}; (4) {@code .old} deleted. With {@code dir} present, leftovers of (1) or (4) are
     * deleted (the store is whole); without it, a crash fell between (2) and (3), where {@code .tmp}
     * is complete: it becomes {@code dir}.
     */
    static void recoverSwap(Path dir) throws IOException {
        Path tmp = sibling(dir, ".tmp");
        Path old = sibling(dir, ".old");
        if (!Files.exists(dir) && Files.exists(old) && Files.exists(tmp)) {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } else if (!Files.exists(dir) && Files.exists(old)) {
            Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        deleteTree(tmp);
        deleteTree(old);
    }

    private static Path sibling(Path dir, String suffix) {
        return dir.resolveSibling(dir.getFileName() + suffix);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static WireOutput encode(DeadLetter d) {
        WireOutput out = new WireOutput(128);
        out.writeVarInt(d.partitionId());
        out.writeVarLong(d.sequence());
        out.writeByte(d.operation().ordinal());
        out.writeString(d.typeName());
        out.writeValue(d.id());
        out.writeString(d.error() == null ? "" : d.error());
        out.writeLong(d.recordedAt().toEpochMilli());
        return out;
    }

    /** Reads a letter's fields; its change's bytes (if any) remain in {@code in}. */
    private static DeadLetter decode(WireInput in) {
        int partition = in.readVarInt();
        long seq = in.readVarLong();
        DataSyncOperationType op = TYPES[in.readByte()];
        String type = in.readString();
        Object id = in.readValue();
        String error = in.readString();
        Instant at = Instant.ofEpochMilli(in.readLong());
        return new DeadLetter(partition, seq, op, type, id, error, at);
    }

    /** Closes the store and releases its lock. */
    @Override
    public synchronized void close() {
        try {
            log.close();
        } finally {
            lock.close();
        }
    }
}
