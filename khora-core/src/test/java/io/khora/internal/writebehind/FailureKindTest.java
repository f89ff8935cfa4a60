package io.khora.internal.writebehind;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class FailureKindTest {

    @Test
    void connectionProblemsAnywhereInTheCauseChainMeanTheStoreIsUnavailable() {
        assertThat(FailureKind.of(new IllegalStateException("wrapped", new SQLException("refused", "08001")))).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(new RuntimeException(new SQLTransientConnectionException("gone")))).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(new RuntimeException(new java.net.ConnectException("refused")))).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(new RuntimeException(new SQLException("deadlock", "40P01")))).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(new RuntimeException(new SQLException("shutting down", "57P01")))).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(new IllegalStateException("x", new AssertionError("driver")))).isEqualTo(FailureKind.UNAVAILABLE);
    }

    @Test
    void constraintAndDataErrorsMeanTheChangeIsBad() {
        assertThat(FailureKind.of(new RuntimeException(new SQLException("violates check constraint", "23514")))).isEqualTo(FailureKind.BAD_DATA);
        assertThat(FailureKind.of(new RuntimeException(new SQLException("value too long", "22001")))).isEqualTo(FailureKind.BAD_DATA);
        assertThat(FailureKind.of(new IllegalArgumentException("document types are not supported"))).isEqualTo(FailureKind.BAD_DATA);
    }

    @Test
    void anUnavailableCauseWinsOverADataLookingWrapper() {
        assertThat(FailureKind.of(new IllegalArgumentException("bad?", new SQLException("refused", "08006")))).isEqualTo(FailureKind.UNAVAILABLE);
    }

    @Test
    void aFencedMirrorIsRetriedNeverSetAside() {
        // a refusal because the mirror lost its lease says nothing about the changes: never a dead letter
        assertThat(FailureKind.of(new io.khora.persistence.MirrorFencedException("epoch 2 applied; this batch is of epoch 1", null, 2, 0)))
                .isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(new IllegalArgumentException("wrapped", new io.khora.persistence.MirrorFencedException("x", "m", 1, 0))))
                .isEqualTo(FailureKind.UNAVAILABLE);
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(FailureKind.of(new IllegalStateException("no idea"))).isEqualTo(FailureKind.UNKNOWN);
        assertThat(FailureKind.of(new RuntimeException(new SQLException("syntax", "42601")))).isEqualTo(FailureKind.UNKNOWN);
    }
}
