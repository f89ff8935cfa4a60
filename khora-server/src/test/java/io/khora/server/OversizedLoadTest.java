package io.khora.server;

import io.khora.SizeLimitExceededException;
import io.khora.cluster.protocol.SizeLimits;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.Partitioning;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The oversized load's entries sit where it says, as the client and the nodes measure them (the real codec and limit check). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OversizedLoadTest {
    private static final int FRAME = 1024 * 1024;
    private static final int ENTRY = 256 * 1024;
    private static final SizeLimits LIMITS = new SizeLimits(FRAME, ENTRY);
    private static final TypeDescriptor ITEM = TypeIntrospector.describe(Item.class);
    private static final TypeDescriptor BALLAST = TypeIntrospector.describe(Ballast.class);

    private static int encoded(TypeDescriptor t, Object entry) {
        io.khora.internal.wire.WireOutput out = new io.khora.internal.wire.WireOutput(1024);
        out.writeValue(t.codec().toValues(entry));
        return out.size();
    }

    @Test
    void aBulkItemIsJustBelowTheEntryLimitAndAnOverLimitOneJustAbove() {
        for (int seq : new int[] {0, 999_999}) { // the shortest and the longest ids
            Item below = Item.sized(OversizedLoad.BULK_WRITER, seq, 64, OversizedLoad.belowPayload(ENTRY));
            Item above = Item.sized(OversizedLoad.LAX_WRITER, seq, 64, OversizedLoad.abovePayload(ENTRY));
            assertThatCode(() -> LIMITS.checkEntry(ITEM.name(), ITEM.codec().toValues(below), "this client's")).doesNotThrowAnyException();
            assertThat(encoded(ITEM, below)).as("just below").isGreaterThan(ENTRY - 512);
            assertThatThrownBy(() -> LIMITS.checkEntry(ITEM.name(), ITEM.codec().toValues(above), "this client's"))
                    .isInstanceOf(SizeLimitExceededException.class).hasMessageContaining("over this client's max-entry-size");
            assertThat(encoded(ITEM, above)).as("just above").isLessThan(ENTRY + 512);
        }
    }

    @Test
    void theKeptBallastFillsMoreThanAFrameAndABulkBatchMoreThanTwo() {
        assertThat((long) OversizedLoad.BALLAST_KEPT * OversizedLoad.BALLAST_PAYLOAD).isGreaterThan(FRAME);
        assertThat(encoded(BALLAST, Ballast.of(1, 0, OversizedLoad.BALLAST_PAYLOAD))).isLessThan(ENTRY);
        assertThat((long) OversizedLoad.BULK_BATCH * OversizedLoad.belowPayload(ENTRY)).isGreaterThan(2L * FRAME - 4096);
    }

    @Test
    void itsRoutingValuesLandInItsPartitionBeyondTheRunsRoutedTakes() {
        for (int p = 0; p < 4; p++) {
            int bulk = OversizedLoad.routingIn(p, Load.ROUTING_VALUES, 4);
            assertThat(bulk).isGreaterThanOrEqualTo(Load.ROUTING_VALUES);
            assertThat(Partitioning.partitionOf(bulk, 4)).isEqualTo(p);
            assertThat(Partitioning.partitionOf(OversizedLoad.routingIn(p, 0, 4), 4)).isEqualTo(p);
        }
    }

    @Test
    void anItemsPayloadIsPartOfItsContentAndOnlyItsOwnIsIntact() {
        Item a = Item.sized(1, 2, 3, 100);
        assertThat(a).isEqualTo(Item.sized(1, 2, 3, 100)).hasSameHashCodeAs(Item.sized(1, 2, 3, 100));
        assertThat(a).isNotEqualTo(Item.sized(1, 2, 3, 99));
        assertThat(a).isNotEqualTo(new Item(a.id(), 3, 1, 2, Payloads.of(Item.idOf(1, 3), 100)));
        assertThat(new Item("x", 1, 1, 1)).isEqualTo(new Item("x", 1, 1, 1, new byte[0]));
        assertThat(Payloads.intact(a.id(), a.payload())).isTrue();
        assertThat(Payloads.intact(Item.idOf(1, 3), a.payload())).isFalse();
        assertThat(a.toString()).contains("payload=100 bytes").doesNotContain("NOT");
        assertThat(new Item(a.id(), 3, 1, 2, Payloads.of("other", 100)).toString()).contains("NOT ITS OWN");
    }
}
