package io.khora.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} and {@code --version} on every command, before any other flag is looked at. */
class KhoraHelpTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Khora.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandAnswersHelpWithItsOwnUsageAndExitsZero() {
        for (String command : List.of("node", "status", "mirror", "certs")) {
            Run r = run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).contains("khora " + command);
            assertThat(r.err()).isEmpty();
        }
        assertThat(run("node", "--help").out()).contains("--metrics-port").doesNotContain("khora mirror");
        assertThat(run("help", "status").out()).contains("exit 0 healthy");
    }

    @Test
    void helpWinsOverMissingOrBadFlags() {
        Run r = run("mirror", "--no-such-flag", "x", "-h");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("khora mirror --connect");
    }

    @Test
    void versionIsTheBuildsOnEveryCommand() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"node", "--version"}, new String[] {"status", "--version"},
                new String[] {"mirror", "--version"}, new String[] {"certs", "--version"})) {
            Run r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).matches("khora \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n");
        }
    }

    @Test
    void anUnknownCommandIsAUsageErrorNamingIt() {
        Run r = run("stauts");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command 'stauts'").contains("khora status");
    }
}
