package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mirror's database password comes from a file or the environment, never from a flag; one endpoint at a time. */
class MirrorCommandTest {
    @TempDir
    Path dir;

    @Test
    void thePasswordIsTheFilesContentWithoutItsLineEnd() throws Exception {
        Path f = dir.resolve("db.password");
        Files.writeString(f, "s3cret pass\n");
        assertThat(MirrorCommand.jdbcPassword(Map.of("jdbc-password-file", f.toString()), Map.of())).isEqualTo("s3cret pass");
        Files.writeString(f, "windows\r\n");
        assertThat(MirrorCommand.jdbcPassword(Map.of("jdbc-password-file", f.toString()), Map.of())).isEqualTo("windows");
    }

    @Test
    void theFileWinsOverTheEnvironmentWhichServesWithoutAFile() throws Exception {
        Path f = dir.resolve("db.password");
        Files.writeString(f, "from-file");
        Map<String, String> env = Map.of("KHORA_JDBC_PASSWORD", "from-env");
        assertThat(MirrorCommand.jdbcPassword(Map.of("jdbc-password-file", f.toString()), env)).isEqualTo("from-file");
        assertThat(MirrorCommand.jdbcPassword(Map.of(), env)).isEqualTo("from-env");
        assertThat(MirrorCommand.jdbcPassword(Map.of(), Map.of())).as("no password: the URL or the driver decide").isNull();
    }

    @Test
    void aMissingOrEmptyFileIsNamed() throws Exception {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> MirrorCommand.jdbcPassword(Map.of("jdbc-password-file", missing.toString()), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--jdbc-password-file: cannot read " + missing.toAbsolutePath());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> MirrorCommand.jdbcPassword(Map.of("jdbc-password-file", empty.toString()), Map.of()))
                .hasMessageContaining(empty.toAbsolutePath() + " is empty");
    }

    @Test
    void aCassandraPasswordOnTheCommandLineIsRefusedNamingTheFileFlagAndTheEnvironmentVariable() {
        assertThatThrownBy(() -> MirrorCommand.run(Map.of("connect", "khora://127.0.0.1:1/s", "cassandra", "127.0.0.1:9042",
                "cassandra-password", "secret"), System.out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--cassandra-password is not accepted")
                .hasMessageContaining("--cassandra-password-file FILE")
                .hasMessageContaining("KHORA_CASSANDRA_PASSWORD");
    }

    @Test
    void twoEndpointsAreRefusedNamingBoth() {
        assertThatThrownBy(() -> MirrorCommand.checkOneEndpoint(Map.of("cassandra", "127.0.0.1:9042", "jdbc-url", "jdbc:x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give one endpoint")
                .hasMessageContaining("--cassandra and --jdbc-url");
        assertThatThrownBy(() -> MirrorCommand.checkOneEndpoint(Map.of("cassandra", "h:1", "endpoint-class", "com.acme.E")))
                .hasMessageContaining("--cassandra and --endpoint-class");
    }

    @Test
    void anotherEndpointsFlagIsRefusedNamingTheChosenOne() {
        assertThatThrownBy(() -> MirrorCommand.checkOneEndpoint(Map.of("cassandra", "h:1", "jdbc-user", "app")))
                .hasMessageContaining("--jdbc-user belongs to the --jdbc-url endpoint, which is not chosen (--cassandra is)");
        assertThatThrownBy(() -> MirrorCommand.checkOneEndpoint(Map.of("jdbc-url", "jdbc:x", "cassandra-keyspace", "ks")))
                .hasMessageContaining("--cassandra-keyspace belongs to the --cassandra endpoint, which is not chosen (--jdbc-url is)");
        assertThatThrownBy(() -> MirrorCommand.checkOneEndpoint(Map.of("endpoint-class", "com.acme.E", "entities", "com.acme.O")))
                .hasMessageContaining("--entities belongs to the built-in endpoints");
        MirrorCommand.checkOneEndpoint(Map.of("cassandra", "h:1", "cassandra-keyspace", "ks", "entities", "com.acme.O"));
        MirrorCommand.checkOneEndpoint(Map.of("jdbc-url", "jdbc:x", "jdbc-user", "app", "entities", "com.acme.O"));
    }
}
