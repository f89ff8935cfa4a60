package io.khora.internal.writebehind;

import io.khora.fixtures.Trade;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.DeadLetter;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterReplayTest {
    private static final TypeDescriptor TRADE = TypeIntrospector.describe(Trade.class);

    @TempDir
    Path dir;

    private static Change write(long seq, long id, int qty) {
        Object[] v = TRADE.codec().toValues(new Trade(id, "S", 1.0, qty));
        return new Change(DataSyncOperationType.WRITE, new SpaceEntry(TRADE, v, seq, Long.MAX_VALUE), List.of(), 0, seq);
    }

    /** Accepts every trade but those of quantity {@code refused}, recording what it accepted. */
    static final class Endpoint extends SpaceSynchronizationEndpoint {
        final List<Trade> accepted = new ArrayList<>();
        final List<Boolean> durable = new ArrayList<>();
        int refused = -1;

        @Override
        public void onOperationsBatchSynchronization(OperationsBatchData batch) {
            for (DataSyncOperation op : batch.getBatchDataItems()) {
                Trade t = (Trade) op.getDataAsObject();
                if (t.getQuantity() == refused) {
                    throw new IllegalArgumentException("quantity " + refused + " refused");
                }
                accepted.add(t);
                durable.add(batch.getSourceDetails().durableSequences());
            }
        }
    }

    @Test
    void theAcceptedAreRemovedWithTheirRecordedDataAndTheRefusedKeptWithTheNewError() {
        Endpoint endpoint = new Endpoint();
        endpoint.refused = 9;
        try (DeadLetterStore store = new DeadLetterStore(dir.resolve("dead-letters"))) {
            store.add(write(4, 40L, 7), "too big");
            store.add(write(6, 60L, 9), "too big");
            store.add(new DeadLetter(0, 8, DataSyncOperationType.WRITE, "Old", 80L, "old", Instant.EPOCH), new byte[0]);

            DeadLetterReplay.Result r = DeadLetterReplay.replay(store, "trades", d -> true, endpoint, getClass().getClassLoader());

            assertThat(r.replayed()).extracting(DeadLetter::sequence).containsExactly(4L);
            assertThat(endpoint.accepted).extracting(Trade::getId).containsExactly(40L);
            assertThat(endpoint.accepted.get(0).getQuantity()).isEqualTo(7);
            assertThat(endpoint.durable).as("the endpoint's checkpoint must not skip an old sequence").containsExactly(false);
            assertThat(r.failed()).extracting(f -> f.letter().sequence()).containsExactly(6L, 8L);
            assertThat(r.failed().get(0).error()).contains("quantity 9 refused");
            assertThat(r.failed().get(1).error()).contains("without its data");
            assertThat(store.list()).extracting(DeadLetter::sequence).containsExactly(6L, 8L);
        }
    }

    @Test
    void onlyTheSelectedAreReplayed() {
        Endpoint endpoint = new Endpoint();
        try (DeadLetterStore store = new DeadLetterStore(dir.resolve("dead-letters"))) {
            store.add(write(4, 40L, 7), "e");
            store.add(write(6, 60L, 8), "e");
            DeadLetterReplay.Result r = DeadLetterReplay.replay(store, "trades", d -> d.sequence() == 6, endpoint, getClass().getClassLoader());
            assertThat(r.replayed()).extracting(DeadLetter::sequence).containsExactly(6L);
            assertThat(store.list()).extracting(DeadLetter::sequence).containsExactly(4L);
        }
    }
}
