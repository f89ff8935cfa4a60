package io.khora.internal.engine;

import io.khora.EntryAlreadyExistsException;
import io.khora.EntryNotFoundException;
import io.khora.EntryVersionConflictException;
import io.khora.Lease;
import io.khora.WriteMode;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.khora.internal.engine.EngineFixture.ITEM;
import static io.khora.internal.engine.EngineFixture.item;
import static io.khora.internal.engine.EngineFixture.qty;
import static io.khora.internal.engine.EngineFixture.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writes, reads and takes of the committed state, without transactions. */
class PartitionEngineTest {
    private final EngineFixture f = new EngineFixture();

    @Test
    void aWrittenEntryIsReadByIdAndByQuery() {
        f.write("a", "x", 1);
        f.write("b", "y", 2);

        assertThat(qty(f.read("a"))).isEqualTo(1);
        List<SpaceEntry> found = new ArrayList<>();
        f.engine.readMultiple(query("kind = ?", "y"), 10, found);
        assertThat(found).extracting(SpaceEntry::id).containsExactly("b");
        assertThat(f.engine.count(query("qty >= ?", 1))).isEqualTo(2);
        assertThat(f.events).containsExactly("WRITE a", "WRITE b");
    }

    @Test
    void aSecondWriteOfAnIdIsAnUpdateWithTheNextVersion() {
        f.write("a", "x", 1);
        PartitionEngine.WriteResult r = f.engine.write(ITEM, item("a", "x", 5), Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);

        assertThat(r.created()).isFalse();
        assertThat(r.entry().version()).isEqualTo(2L);
        assertThat(r.entry().values()[ITEM.versionIndex()]).isEqualTo(2L);
        assertThat(f.events).containsExactly("WRITE a", "UPDATE a");
    }

    @Test
    void writeModesAndVersionsAreChecked() {
        f.write("a", "x", 1);

        assertThatThrownBy(() -> f.engine.write(ITEM, item("a", "x", 2), Lease.FOREVER, WriteMode.WRITE_ONLY))
                .isInstanceOf(EntryAlreadyExistsException.class);
        assertThatThrownBy(() -> f.engine.write(ITEM, item("b", "x", 2), Lease.FOREVER, WriteMode.UPDATE_ONLY))
                .isInstanceOf(EntryNotFoundException.class);
        Object[] stale = item("a", "x", 3);
        stale[ITEM.versionIndex()] = 7L;
        assertThatThrownBy(() -> f.engine.write(ITEM, stale, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE))
                .isInstanceOf(EntryVersionConflictException.class);
        assertThat(qty(f.read("a"))).isEqualTo(1);
    }

    @Test
    void aTakeRemovesTheEntryOnce() {
        f.write("a", "x", 1);

        assertThat(f.engine.takeById(ITEM, "a")).isNotNull();
        assertThat(f.engine.takeById(ITEM, "a")).isNull();
        assertThat(f.read("a")).isNull();
        assertThat(f.events).containsExactly("WRITE a", "TAKE a");
    }

    @Test
    void takeMultipleTakesTheFirstMatchesInOrderByOrder() {
        f.write("a", "x", 3);
        f.write("b", "x", 1);
        f.write("c", "x", 2);
        f.write("d", "y", 0);

        List<SpaceEntry> taken = f.engine.takeMultiple(query("kind = ? ORDER BY qty", "x"), 2);

        assertThat(taken).extracting(SpaceEntry::id).containsExactly("b", "c");
        assertThat(f.engine.size()).isEqualTo(2);
        assertThat(f.engine.clear(query("kind = ?", "x"))).isEqualTo(1);
        assertThat(f.engine.countsByRootType()).containsEntry(ITEM.name(), 1);
    }

    @Test
    void writeAllAnswersPerEntryAndWritesTheOthers() {
        f.write("a", "x", 1);

        Object[] results = f.engine.writeAll(new io.khora.internal.metadata.TypeDescriptor[] {ITEM, ITEM},
                new Object[][] {item("a", "x", 2), item("b", "x", 3)}, Lease.FOREVER, WriteMode.WRITE_ONLY);

        assertThat(results[0]).isInstanceOf(EntryAlreadyExistsException.class);
        assertThat(results[1]).isInstanceOf(PartitionEngine.WriteResult.class);
        assertThat(qty(f.read("b"))).isEqualTo(3);
        assertThat(f.events).containsExactly("WRITE a", "WRITE b");
    }

    @Test
    void aClosedPartitionRefusesMutations() {
        f.engine.close();

        assertThatThrownBy(() -> f.write("a", "x", 1)).isInstanceOf(io.khora.SpaceClosedException.class);
    }
}
