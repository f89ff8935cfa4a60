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
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where write-behind changes the store refused are set aside: a durable log (so an operator sees
 * them after a restart too) of (partition, sequence, operation, type, id, error, time).
 */
final class DeadLetterStore implements AutoCloseable {
    private static final DataSyncOperationType[] TYPES = DataSyncOperationType.values();

    private final SegmentLog log;
    private volatile long count;

    DeadLetterStore(Path dir) {
        try {
            this.log = SegmentLog.open(dir, new SegmentLog.Options(8L << 20, SegmentLog.SyncPolicy.EVERY_APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the dead-letter store in " + dir + ": " + e.getMessage(), e);
        }
        this.count = list().size();
    }

    /** How many changes were set aside (those of earlier runs included). */
    long count() {
        return count;
    }

    synchronized DeadLetter add(Change c, String error) {
        DeadLetter d = new DeadLetter(c.partitionId(), c.sequence(), c.type(), c.entry().type().name(), c.entry().id(),
                error, Instant.now());
        WireOutput out = new WireOutput(128);
        out.writeVarInt(d.partitionId());
        out.writeVarLong(d.sequence());
        out.writeByte(d.operation().ordinal());
        out.writeString(d.typeName());
        out.writeValue(d.id());
        out.writeString(d.error() == null ? "" : d.error());
        out.writeLong(d.recordedAt().toEpochMilli());
        log.append(out.toByteArray());
        count++;
        return d;
    }

    synchronized List<DeadLetter> list() {
        List<DeadLetter> out = new ArrayList<>();
        try (SegmentReader r = log.read(Math.max(1, log.firstSequence()))) {
            LogRecord rec;
            while ((rec = r.next()) != null) {
                WireInput in = new WireInput(rec.payload(), JavaDeserialization.TRUSTED); // this process's own file
                int partition = in.readVarInt();
                long seq = in.readVarLong();
                DataSyncOperationType op = TYPES[in.readByte()];
                String type = in.readString();
                Object id = in.readValue();
                String error = in.readString();
                Instant at = Instant.ofEpochMilli(in.readLong());
                out.add(new DeadLetter(partition, seq, op, type, id, error, at));
            }
        }
        return out;
    }

    @Override
    public void close() {
        log.close();
    }
}
