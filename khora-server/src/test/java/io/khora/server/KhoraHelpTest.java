package io.khora.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} and {@code --version} on every command, before any other flag is looked at. */
class KhoraHelpTest {
    static CertsCommandTest.Run run(String... args) {
        return CertsCommandTest.khora(args);
    }

    @Test
    void everyCommandAnswersHelpWithItsOwnUsageAndExitsZero() {
        for (String command : List.of("node", "status", "mirror", "certs", "deadletters")) {
            CertsCommandTest.Run r = run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).contains("khora " + command);
            assertThat(r.err()).isEmpty();
        }
        assertThat(run("node", "--help").out()).contains("--metrics-port").doesNotContain("khora mirror");
        assertThat(run("help", "status").out()).contains("exit 0 healthy");
    }

    @Test
    void helpWinsOverMissingOrBadFlags() {
        CertsCommandTest.Run r = run("mirror", "--no-such-flag", "x", "-h");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("khora mirror --connect");
    }

    @Test
    void versionIsTheBuildsOnEveryCommand() {
        for (String[] args : List.of(new String[] {"--version"}, new String[] {"node", "--version"}, new String[] {"status", "--version"},
                new String[] {"mirror", "--version"}, new String[] {"certs", "--version"}, new String[] {"deadletters", "list", "--version"})) {
            CertsCommandTest.Run r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).matches("khora \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n");
        }
    }

    @Test
    void anUnknownCommandIsAUsageErrorNamingIt() {
        CertsCommandTest.Run r = run("stauts");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command 'stauts'").contains("khora status");
    }

    @Test
    void aMisspeltFlagOfAnyCommandIsAUsageErrorSuggestingTheFlagMeant() {
        CertsCommandTest.Run node = run("node", "--nodes", "n1@127.0.0.1:7701:7801", "--id", "n1", "--fsycn", "always");
        assertThat(node.code()).isEqualTo(2);
        assertThat(node.err()).contains("unknown flag --fsycn for node; did you mean --fsync?");
        CertsCommandTest.Run status = run("status", "--nodes", "127.0.0.1:1", "--max-lga", "3");
        assertThat(status.code()).isEqualTo(2);
        assertThat(status.err()).contains("unknown flag --max-lga for status");
        CertsCommandTest.Run far = run("status", "--colour", "on");
        assertThat(far.err()).contains("unknown flag --colour for status (known: config, nodes, timeout, max-lag");
    }
}
