package io.khora.cluster.protocol;

import io.khora.ChangeSet;
import io.khora.Lease;
import io.khora.WriteMode;
import io.khora.SizeLimitExceededException;
import io.khora.cluster.raft.Command;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks of a request's frame and entries against the limits. */
class SizeLimitsTest {
    private static final SizeLimits LIMITS = new SizeLimits(256 * 1024, 100 * 1024);

    private static Request.Mutate mutate(Command c) {
        return new Request.Mutate(1, "s", 0, 1, 1, false, false, c);
    }

    private static Command.Write write(int payload) {
        return new Command.Write("com.acme.Blob", new Object[] {"b1", new byte[payload]}, Lease.FOREVER, WriteMode.UPDATE_OR_WRITE);
    }

    private static void check(Request r) {
        LIMITS.checkRequest(r, ProtocolCodec.encode(r).length, "this client's");
    }

    @Test
    void anEntryOverTheLimitIsNamedWithItsTypeSizeAndTheLimit() {
        assertThatCode(() -> check(mutate(write(100 * 1024 - 100)))).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(mutate(write(150 * 1024)))).isInstanceOf(SizeLimitExceededException.class)
                .hasMessageContaining("an entry of type com.acme.Blob is 153")
                .hasMessageContaining("over this client's max-entry-size of 102400 bytes (100.0 KiB)")
                .hasMessageContaining("not written")
                .satisfies(e -> assertThat(((SizeLimitExceededException) e).limit()).isEqualTo(102400));
        Command.TxPrepare tx = new Command.TxPrepare("tx", new int[] {0}, 0, 1000, List.of(write(10), write(120 * 1024)), new long[] {-1, -1});
        assertThatThrownBy(() -> check(mutate(tx))).hasMessageContaining("an entry of type com.acme.Blob");
        Command.Change ch = new Command.Change("com.acme.Blob", Command.QuerySpec.all(), ChangeSet.create().set("data", new byte[110 * 1024]));
        assertThatThrownBy(() -> check(mutate(ch))).hasMessageContaining("a change of entries of type com.acme.Blob carries 112");
    }

    @Test
    void aFrameOverTheLimitIsNamedWithItsSizeAndTheLimit() {
        Command.TxPrepare tx = new Command.TxPrepare("tx", new int[] {0}, 0, 1000,
                List.of(write(90 * 1024), write(90 * 1024), write(90 * 1024)), new long[] {-1, -1, -1});
        assertThatThrownBy(() -> check(mutate(tx))).isInstanceOf(SizeLimitExceededException.class)
                .hasMessageContaining("a tx prepare request of 276")
                .hasMessageContaining("exceeds this client's max-frame-size of 262144 bytes (256.0 KiB)");
    }

    @Test
    void aPeerFrameLimitIsTheSmallerOfBothSidesAndATakeBudgetFitsOneAnswer() {
        assertThat(LIMITS.frameTowards(0)).as("a peer that said nothing has the default").isEqualTo(256 * 1024);
        assertThat(LIMITS.frameTowards(128 * 1024)).isEqualTo(128 * 1024);
        assertThat(LIMITS.frameTowards(10)).as("never below the minimum").isEqualTo(SizeLimits.MIN_FRAME);
        assertThat(SizeLimits.takeBudget(128 * 1024)).isLessThan(128 * 1024 - 32);
    }
}
