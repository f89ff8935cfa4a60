package io.khora.server;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.internal.writebehind.DeadLetterStore;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code khora deadletters} on a real write-behind data directory: dead letters set aside by the real
 * delivery path (an embedded space's, which keeps them as a mirror does, in {@code DIR/<space>/dead-letters})
 * from an endpoint that refuses one poison row.
 */
class DeadLettersCommandTest {
    @TempDir
    Path data;

    /** Refuses the rows whose id is in {@link #POISON}; accepts the rest. */
    static final class PoisonEndpoint extends SpaceSynchronizationEndpoint {
        static final java.util.Set<Long> POISON = java.util.Set.of(13L, 27L);

        @Override
        public void onOperationsBatchSynchronization(OperationsBatchData batch) {
            for (DataSyncOperation op : batch.getBatchDataItems()) {
                if (POISON.contains((Long) op.getSpaceId())) {
                    throw new IllegalArgumentException("check constraint \"amount_positive\" violated by row " + op.getSpaceId());
                }
            }
        }
    }

    private void deadLetters() {
        WriteBehindSettings settings = WriteBehindSettings.builder(data).batchInterval(Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40)).flushTimeout(Duration.ofSeconds(30)).build();
        try (Space space = Spaces.embedded("orders").partitions(1).synchronizationEndpoint(new PoisonEndpoint()).writeBehind(settings).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
            for (int i = 0; i < 40; i++) {
                space.write(new MirroredItem(i, i, 1, 1));
            }
            assertThat(space.admin().flush(Duration.ofSeconds(60))).isTrue();
            assertThat(space.admin().deadLetters()).hasSize(2);
        }
    }

    private static long sequenceOf(String listing, long id) {
        Matcher m = Pattern.compile("sequence (\\d+)  WRITE \\S+ id=" + id + " ").matcher(listing);
        assertThat(m.find()).as(listing).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void listPrintsEachRefusedChangeWithItsErrorAndDiscardRemovesOnlyTheChosen() {
        deadLetters();
        CertsCommandTest.Run list = KhoraHelpTest.run("deadletters", "list", "--data", data.toString());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out()).contains("space orders  partition 1  sequence ").contains("WRITE " + MirroredItem.class.getName() + " id=13  at ")
                .contains("check constraint \"amount_positive\" violated by row 13").contains("id=27");
        long seq13 = sequenceOf(list.out(), 13);

        CertsCommandTest.Run discard = KhoraHelpTest.run("deadletters", "discard", "--data", data.toString(), "--sequence", "1:" + seq13);
        assertThat(discard.code()).as(discard.err()).isZero();
        assertThat(discard.out()).contains("discarded 1 dead letter of space 'orders'; 1 left").contains("id=13");

        CertsCommandTest.Run after = KhoraHelpTest.run("deadletters", "list", "--data", data.toString(), "--space", "orders");
        assertThat(after.out().lines()).hasSize(1);
        assertThat(after.out()).contains("id=27").doesNotContain("id=13");

        assertThat(KhoraHelpTest.run("deadletters", "discard", "--data", data.toString(), "--all").out())
                .contains("discarded 1 dead letter of space 'orders'; 0 left");
        assertThat(KhoraHelpTest.run("deadletters", "list", "--data", data.toString()).out()).isEmpty();
    }

    @Test
    void jsonListingIsOneObjectPerLine() {
        deadLetters();
        CertsCommandTest.Run list = KhoraHelpTest.run("deadletters", "list", "--data", data.toString(), "--json");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"space\":\"orders\",\"partition\":1,\"sequence\":")
                .contains("\"operation\":\"WRITE\"").contains("\"error\":\"check constraint \\\"amount_positive\\\" violated by row ").endsWith("\"}"));
        assertThat(list.out()).contains("\"id\":\"13\"").contains("\"id\":\"27\"");
    }

    @Test
    void listWorksAndDiscardIsRefusedNamingThePidWhileAnotherHolderHasTheStore() {
        deadLetters();
        try (DeadLetterStore held = new DeadLetterStore(data.resolve("orders").resolve("dead-letters"))) {
            assertThat(KhoraHelpTest.run("deadletters", "list", "--data", data.toString()).out().lines()).hasSize(2);
            CertsCommandTest.Run discard = KhoraHelpTest.run("deadletters", "discard", "--data", data.toString(), "--all");
            assertThat(discard.code()).isEqualTo(1);
            assertThat(discard.err()).contains("in use by process " + ProcessHandle.current().pid()).contains("stop it first");
            assertThat(held.count()).isEqualTo(2);
        }
    }

    @Test
    void badSelectionsAreUsageErrorsNamingWhatWasWrong() {
        deadLetters();
        String dir = data.toString();
        assertThat(KhoraHelpTest.run("deadletters", "discard", "--data", dir).err()).contains("give either --sequence");
        CertsCommandTest.Run none = KhoraHelpTest.run("deadletters", "discard", "--data", dir, "--sequence", "999999");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--sequence 999999: no dead letter of space 'orders' has it");
        assertThat(KhoraHelpTest.run("deadletters", "discard", "--data", dir, "--sequence", "x1").err())
                .contains("--sequence: 'x1' must be a sequence number");
        assertThat(KhoraHelpTest.run("deadletters", "list", "--data", dir, "--space", "trades").err())
                .contains("no dead-letter store of space 'trades'").contains("[orders]");
        assertThat(KhoraHelpTest.run("deadletters", "list", "--data", data.resolve("missing").toString()).err())
                .contains("is not a directory");
        assertThat(KhoraHelpTest.run("deadletters", "lsit").err()).contains("unknown subcommand 'lsit'");
        assertThat(KhoraHelpTest.run("deadletters", "list", "--data", dir, "--bogus").err()).contains("unknown flag --bogus");
        assertThat(KhoraHelpTest.run("deadletters", "list", "--data", dir).out().lines()).as("nothing removed").hasSize(2);
    }
}
