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

    @Test
    void theCassandraDriversTimeoutsAreUnavailableAndItsInvalidQueryIsBadData() throws Exception {
        assertThat(FailureKind.of(named("com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException"))).isEqualTo(FailureKind.UNAVAILABLE);
        assertThat(FailureKind.of(named("com.datastax.oss.driver.api.core.servererrors.InvalidQueryException"))).isEqualTo(FailureKind.BAD_DATA);
    }

    /** An exception whose class has {@code name} (FailureKind knows the driver by class names only). */
    private static RuntimeException named(String name) throws Exception {
        String simple = name.substring(name.lastIndexOf('.') + 1);
        String pkg = name.substring(0, name.lastIndexOf('.'));
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("failure-kind");
        java.nio.file.Path src = dir.resolve(simple + ".java");
        java.nio.file.Files.writeString(src, "package " + pkg + "; public class " + simple + " extends RuntimeException {}");
        assertThat(javac.run(null, null, null, "-d", dir.toString(), src.toString())).isZero();
        try (java.net.URLClassLoader cl = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()})) {
            return (RuntimeException) cl.loadClass(name).getDeclaredConstructor().newInstance();
        }
    }
}
