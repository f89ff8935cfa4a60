package io.khora.internal.writebehind;

import io.khora.fixtures.Trade;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.DataSyncOperationType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.khora.persistence.DataSyncOperationType.CHANGE;
import static io.khora.persistence.DataSyncOperationType.REMOVE;
import static io.khora.persistence.DataSyncOperationType.UPDATE;
import static io.khora.persistence.DataSyncOperationType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

class ConsolidatorTest {
    private static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);

    static Change c(long seq, DataSyncOperationType type, long id, int qty) {
        Object[] v = TRADE.codec().toValues(new Trade(id, "S", 1.0, qty));
        return new Change(type, new SpaceEntry(TRADE, v, seq, Long.MAX_VALUE), List.of(), 0, seq);
    }

    private static List<String> describe(List<Consolidator.Merged> merged) {
        return merged.stream().map(m -> m.change() == null ? "nothing" + m.members().size()
                : m.change().type() + " " + m.change().entry().id() + "#" + m.change().sequence()).toList();
    }

    @Test
    void aSingleChangeIsKeptAsItIs() {
        assertThat(describe(Consolidator.consolidate(List.of(c(1, CHANGE, 1, 1)), 0))).containsExactly("CHANGE 1#1");
    }

    @Test
    void writeThenUpdatesIsOneWriteOfTheFinalStateAtTheLastPosition() {
        List<Consolidator.Merged> m = Consolidator.consolidate(List.of(c(1, WRITE, 1, 1), c(2, WRITE, 2, 1), c(3, UPDATE, 1, 7)), 0);
        assertThat(describe(m)).containsExactly("WRITE 2#2", "WRITE 1#3");
        assertThat(((Integer) m.get(1).change().entry().values()[TRADE.property("quantity").position()])).isEqualTo(7);
        assertThat(m.get(1).members()).hasSize(2);
    }

    @Test
    void writeThenRemoveIsNothingUnlessTheWriteMayHaveReachedTheStore() {
        List<Change> raw = List.of(c(5, WRITE, 1, 1), c(6, UPDATE, 1, 2), c(7, REMOVE, 1, 2));
        assertThat(describe(Consolidator.consolidate(raw, 4))).containsExactly("nothing3");
        assertThat(describe(Consolidator.consolidate(raw, 5))).as("the WRITE may be in the store: remove it")
                .containsExactly("REMOVE 1#7");
    }

    @Test
    void updatesOfAnExistingEntryBecomeOneUpdateAndRemoveThenWriteIsAnUpdate() {
        assertThat(describe(Consolidator.consolidate(List.of(c(1, CHANGE, 1, 1), c(2, UPDATE, 1, 2)), 0))).containsExactly("UPDATE 1#2");
        assertThat(describe(Consolidator.consolidate(List.of(c(1, REMOVE, 1, 1), c(2, WRITE, 1, 2)), 0))).containsExactly("UPDATE 1#2");
        assertThat(describe(Consolidator.consolidate(List.of(c(1, UPDATE, 1, 1), c(2, REMOVE, 1, 2)), 0))).containsExactly("REMOVE 1#2");
    }

    @Test
    void theOutputIsInSequenceOrder() {
        List<Consolidator.Merged> m = Consolidator.consolidate(List.of(c(1, WRITE, 1, 1), c(2, WRITE, 2, 1), c(3, WRITE, 3, 1),
                c(4, UPDATE, 2, 2), c(5, UPDATE, 1, 2)), 0);
        assertThat(m).extracting(x -> x.change().sequence()).containsExactly(3L, 4L, 5L);
    }
}
