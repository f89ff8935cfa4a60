package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mirror's database password comes from a file or the environment, never from a flag. */
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
}
