package io.khora.cluster.node;

import io.khora.cluster.raft.PartitionStateMachine;

import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntry;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jgroups-raft's file-based log with fixes for two bugs of 1.1.4.Final that make a restarted
 * replica's state machine differ from the others'.
 *
 * <p><b>Snapshot installation.</b> when a follower installs a snapshot, {@code FileBasedLog.reinitializeTo} empties the
 * entries file and writes a placeholder record at offset 0 for the snapshot's last index — but it
 * never flips its buffer, so zero bytes are written, while the following appends go after the
 * record's place. The log works until the replica restarts: then the file starts with zeros, the
 * reload sees an empty log, and the replica restores the snapshot but not the entries appended
 * after it, although its persisted commit index covers them — it silently misses them (and the
 * leader, seeing its log empty, trips over inconsistent indexes). The fix: after
 * {@code reinitializeTo}, write the placeholder record where it belongs, in the layout of
 * {@code LogEntryStorage} (magic 0x01, total length, term, index, internal flag, data length, data).
 * Proposed upstream fix: {@code batchBuffer.flip()} before {@code fileStorage.write(0)} in
 * {@code LogEntryStorage.reinitializeTo}.
 *
 * <p><b>Where replay starts.</b> At start, RAFT restores the snapshot and replays the log from
 * {@code firstAppended() + 1}, trusting that the log was truncated exactly at the snapshot. It is
 * not always: a log truncated at index 1 reloads with {@code firstAppended() == 0}; a replica
 * stopped or killed between writing a snapshot and truncating the log (jgroups-raft interrupts its
 * thread on close, which aborts file I/O) keeps older entries; one stopped between installing a
 * leader's snapshot and resetting its log keeps a log that ends before the snapshot. Each time,
 * entries the snapshot already holds are applied again on top of it — an update applied twice.
 * The fix: the state machine records in each snapshot the index and term of its last entry
 * ({@code PartitionStateMachine.snapshotPosition}); at start this log reports at least that index
 * as its first, and if the log ends before it, resets itself to a placeholder there (completing
 * the installation). Proposed upstream fix: persist the snapshot's last included index with the
 * snapshot and replay from it.
 *
 * <p>Drop this class once a jgroups-raft release has both fixes (SnapshotSafeFileLogTest shows
 * when the plain log stops losing entries).
 */
public class SnapshotSafeFileLog extends FileBasedLog {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSafeFileLog.class);
    private static final String ENTRIES_FILE = "entries.raft";
    private static final int HEADER_SIZE = 4 * 2 + 8 * 2 + 1 + 1;

    private static final String SNAPSHOT_FILE = "state_snapshot.raft";

    private File directory;
    /** The index of the last entry the snapshot holds: replay starts after it. */
    private volatile long snapshotIndex;

    @Override
    public void init(String logName, Map<String, String> args) throws Exception {
        super.init(logName, args);
        this.directory = new File(logName);
        if (!new File(directory, SNAPSHOT_FILE).exists()) {
            return;
        }
        java.nio.ByteBuffer snapshot = getSnapshot();
        long[] position = snapshot == null ? null : PartitionStateMachine.snapshotPosition(snapshot);
        if (position == null || position[0] <= 0) {
            return;
        }
        long index = position[0];
        long term = position[1];
        if (lastAppended() < index) {
            LOG.warn("Raft log {} ends at {} before its snapshot of index {}: completing the interrupted snapshot installation",
                    directory, lastAppended(), index);
            reinitializeTo(index, new LogEntry(term, null));
        } else if (super.firstAppended() < index) {
            LOG.info("Raft log {} was not truncated at its snapshot of index {} (first entry {}): replay starts after the snapshot",
                    directory, index, super.firstAppended());
        }
        snapshotIndex = index;
    }

    @Override
    public long firstAppended() {
        long first = super.firstAppended();
        long floor = snapshotIndex;
        return first < floor && lastAppended() >= floor ? floor : first;
    }

    @Override
    public void setSnapshot(java.nio.ByteBuffer sn) {
        super.setSnapshot(sn);
        long[] position = PartitionStateMachine.snapshotPosition(sn);
        if (position != null && position[0] > snapshotIndex) {
            snapshotIndex = position[0];
        }
    }

    @Override
    public void reinitializeTo(long index, LogEntry entry) {
        super.reinitializeTo(index, entry);
        int length = entry.command() == null ? 0 : entry.length();
        ByteBuffer record = ByteBuffer.allocate(HEADER_SIZE + length);
        record.put((byte) 0x01).putInt(HEADER_SIZE + length).putLong(entry.term()).putLong(index)
                .put((byte) (entry.internal() ? 1 : 0)).putInt(length);
        if (length > 0) {
            record.put(entry.command(), entry.offset(), length);
        }
        record.flip();
        try (FileChannel ch = FileChannel.open(new File(directory, ENTRIES_FILE).toPath(), StandardOpenOption.WRITE)) {
            long at = 0;
            while (record.hasRemaining()) {
                at += ch.write(record, at);
            }
            if (useFsync()) {
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the snapshot placeholder of the Raft log in " + directory, e);
        }
    }
}
