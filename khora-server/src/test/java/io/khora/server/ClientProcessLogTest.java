package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What a killed client process reported, read back: finished operations as told, the ones in flight (or cut off) as unknown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClientProcessLogTest {
    @TempDir
    Path dir;

    @Test
    void operationsInFlightWhenTheProcessDiedHaveAnUnknownOutcome() throws Exception {
        Path log = dir.resolve("client.log");
        Files.writeString(log, String.join("\n",
                "=== start #1 of client-1",
                "@@ READY",
                "@@ S 1 W w100-000000 5 100 0",
                "08:00:01.000 [main] WARN io.khora - some log line",
                "@@ S 2 T 1 102",
                "@@ A 1",
                "@@ S 3 W w100-000001 6 100 1",
                "@@ T 2 w100-000000",
                "@@ S 4 T 4 102",
                "@@ F 3 NOT_APPLIED io.khora.NoLeaderException: partition 1 has no leader",
                "@@ S 5 W w100-000002 7 100 2",
                "@@ A 5")); // cut off by the kill: no newline, so not counted
        assertThat(ClientProcessLog.acknowledged(log)).isEqualTo(2);

        History h = new History();
        String read = ClientProcessLog.feed(log, h);
        assertThat(read).isEqualTo("3 writes (1 acknowledged), 2 takes, 1 failed, 2 in flight when killed");
        assertThat(h.writes.get("w100-000000").outcome()).isEqualTo(History.Outcome.ACK);
        assertThat(h.writes.get("w100-000001").meaning()).isEqualTo(Outcomes.Meaning.NOT_APPLIED);
        assertThat(h.writes.get("w100-000002").meaning()).isEqualTo(Outcomes.Meaning.UNKNOWN);
        assertThat(h.takes).extracting(History.Take::ids).containsExactly(List.of("w100-000000"), List.of());
        assertThat(h.takes).filteredOn(History.Take::unknown).singleElement().satisfies(t -> {
            assertThat(t.max()).isEqualTo(4);
            assertThat(t.meaning()).isEqualTo(Outcomes.Meaning.UNKNOWN);
        });
        assertThat(h.check(List.of()).all()).isEmpty();
    }
}
