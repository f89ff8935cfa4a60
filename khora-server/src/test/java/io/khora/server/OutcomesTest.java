package io.khora.server;

import io.khora.EntryAlreadyExistsException;
import io.khora.SpaceException;
import io.khora.cluster.NoLeaderException;
import io.khora.cluster.NotLeaderException;
import io.khora.cluster.OutcomeUnknownException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutcomesTest {
    @Test
    void refusalsMeanNotAppliedAndEverythingElseUnknown() {
        assertThat(Outcomes.of(new NoLeaderException("s", 0, null))).isEqualTo(Outcomes.Meaning.NOT_APPLIED);
        assertThat(Outcomes.of(new NotLeaderException("s", 0, "n1", "n2"))).isEqualTo(Outcomes.Meaning.NOT_APPLIED);
        assertThat(Outcomes.of(new EntryAlreadyExistsException("Item", "x"))).isEqualTo(Outcomes.Meaning.NOT_APPLIED);
        assertThat(Outcomes.of(new CompletionException(new NoLeaderException("s", 0, null)))).isEqualTo(Outcomes.Meaning.NOT_APPLIED);
        assertThat(Outcomes.of(new OutcomeUnknownException("timed out", new NoLeaderException("s", 0, null))))
                .isEqualTo(Outcomes.Meaning.UNKNOWN);
        assertThat(Outcomes.of(new SpaceException("node n1 did not answer"))).isEqualTo(Outcomes.Meaning.UNKNOWN);
    }
}
