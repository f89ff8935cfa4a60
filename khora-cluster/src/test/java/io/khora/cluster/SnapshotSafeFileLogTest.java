package io.khora.cluster;

import io.khora.cluster.node.SnapshotSafeFileLog;
import io.khora.cluster.raft.PartitionStateMachine;
import io.khora.internal.engine.EventSink;

import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.PersistentState;
import org.jgroups.util.ByteArrayDataOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The log a follower has after installing a snapshot survives a restart (jgroups-raft 1.1.4 loses it). */
class SnapshotSafeFileLogTest {

    static FileBasedLog afterSnapshotInstall(FileBasedLog log, Path dir) throws Exception {
        log.init(dir.toString(), new HashMap<>());
        log.useFsync(false);
        log.reinitializeTo(20, new LogEntry(3, null)); // what a follower does when it installs a snapshot at index 20
        for (int i = 21; i <= 25; i++) {
            log.append(i, new LogEntries().add(new LogEntry(3, new byte[] {(byte) i})));
        }
        log.commitIndex(25);
        log.close();
        return log;
    }

    @Test
    void entriesAppendedAfterAnInstalledSnapshotAreThereAfterARestart(@TempDir Path dir) throws Exception {
        afterSnapshotInstall(new SnapshotSafeFileLog(), dir);
        FileBasedLog reopened = new SnapshotSafeFileLog();
        reopened.init(dir.toString(), new HashMap<>());
        assertThat(reopened.firstAppended()).isEqualTo(20);
        assertThat(reopened.lastAppended()).isEqualTo(25);
        assertThat(reopened.commitIndex()).isEqualTo(25);
        assertThat(reopened.get(20).term()).isEqualTo(3);
        assertThat(reopened.get(23).command()).containsExactly((byte) 23);
        reopened.close();
    }

    @Test
    void theUnfixedLogLosesThem(@TempDir Path dir) throws Exception {
        afterSnapshotInstall(new FileBasedLog(), dir);
        FileBasedLog reopened = new FileBasedLog();
        reopened.init(dir.toString(), new HashMap<>());
        // documents the upstream bug this module works around; if this fails, the bug is fixed upstream
        assertThat(reopened.lastAppended()).isZero();
        assertThat(reopened.commitIndex()).isEqualTo(25);
        reopened.close();
    }

    /** A snapshot as jgroups-raft stores it (membership, then the state machine's content) of a log at {@code index}. */
    static java.nio.ByteBuffer snapshotAt(long index, long term) throws Exception {
        PartitionStateMachine sm = new PartitionStateMachine("unit", 0, EventSink.NONE);
        sm.attach(new PartitionStateMachine.LogPosition() {
            @Override
            public long commitIndex() {
                return index;
            }

            @Override
            public long termAt(long i) {
                return term;
            }
        });
        ByteArrayDataOutputStream out = new ByteArrayDataOutputStream(256);
        PersistentState members = new PersistentState();
        members.setMembers(List.of("A", "B", "C"));
        members.writeTo(out);
        sm.writeContentTo(out);
        return java.nio.ByteBuffer.wrap(out.buffer(), 0, out.position());
    }

    static void appendOneTo(FileBasedLog log, long n, long commit) {
        for (int i = 1; i <= n; i++) {
            log.append(i, new LogEntries().add(new LogEntry(1, new byte[] {(byte) i})));
        }
        log.commitIndex(commit);
    }

    @Test
    void aSnapshotAtIndexOneIsNotReplayedOverAfterARestart(@TempDir Path dir) throws Exception {
        FileBasedLog log = new SnapshotSafeFileLog();
        log.init(dir.toString(), new HashMap<>());
        appendOneTo(log, 5, 1);
        log.setSnapshot(snapshotAt(1, 1));
        log.truncate(1);
        log.close();
        FileBasedLog reopened = new SnapshotSafeFileLog();
        reopened.init(dir.toString(), new HashMap<>());
        // RAFT replays from firstAppended() + 1 when a snapshot exists: entry 1 is in the snapshot
        assertThat(reopened.firstAppended()).isEqualTo(1);
        assertThat(reopened.lastAppended()).isEqualTo(5);
        reopened.close();

        Path plain = dir.resolve("plain");
        FileBasedLog unfixed = new FileBasedLog();
        unfixed.init(plain.toString(), new HashMap<>());
        appendOneTo(unfixed, 5, 1);
        unfixed.setSnapshot(snapshotAt(1, 1));
        unfixed.truncate(1);
        unfixed.close();
        unfixed = new FileBasedLog();
        unfixed.init(plain.toString(), new HashMap<>());
        assertThat(unfixed.firstAppended()).as("upstream reloads as if never truncated").isZero();
        unfixed.close();
    }

    @Test
    void aSnapshotWrittenButNotTruncatedIsNotReplayedOver(@TempDir Path dir) throws Exception {
        FileBasedLog log = new SnapshotSafeFileLog();
        log.init(dir.toString(), new HashMap<>());
        appendOneTo(log, 10, 10);
        log.setSnapshot(snapshotAt(7, 1)); // stopped before truncate(7)
        log.close();
        FileBasedLog reopened = new SnapshotSafeFileLog();
        reopened.init(dir.toString(), new HashMap<>());
        assertThat(reopened.firstAppended()).isEqualTo(7);
        assertThat(reopened.lastAppended()).isEqualTo(10);
        assertThat(reopened.get(8).command()).containsExactly((byte) 8);
        reopened.close();
    }

    @Test
    void anInterruptedSnapshotInstallationIsCompletedAtStart(@TempDir Path dir) throws Exception {
        FileBasedLog log = new SnapshotSafeFileLog();
        log.init(dir.toString(), new HashMap<>());
        appendOneTo(log, 5, 5);
        log.setSnapshot(snapshotAt(20, 3)); // a leader's snapshot stored, stopped before reinitializeTo(20)
        log.close();
        FileBasedLog reopened = new SnapshotSafeFileLog();
        reopened.init(dir.toString(), new HashMap<>());
        assertThat(reopened.firstAppended()).isEqualTo(20);
        assertThat(reopened.lastAppended()).isEqualTo(20);
        assertThat(reopened.commitIndex()).isEqualTo(20);
        assertThat(reopened.get(20).term()).isEqualTo(3);
        reopened.close();
    }
}
