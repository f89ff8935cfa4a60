package io.khora.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Another process holding a dead-letter store (as a running mirror does) keeps discard out, and is named by its pid. */
class DeadLettersLockIT {
    @TempDir
    Path data;

    @Test
    void discardIsRefusedNamingTheOtherProcessThatHoldsTheStore() throws Exception {
        Path store = data.resolve("orders").resolve("dead-letters");
        Files.createDirectories(store);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), DeadLetterStoreHolder.class.getName(), store.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("held")) {
                // the holder's log lines, if any
            }
            assertThat(line).as("the holder started").startsWith("held");
            CertsCommandTest.Run discard = KhoraHelpTest.run("deadletters", "discard", "--data", data.toString(), "--all");
            assertThat(discard.code()).isEqualTo(1);
            assertThat(discard.err()).contains("in use by process " + child.pid()).contains("stop it first");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        CertsCommandTest.Run after = KhoraHelpTest.run("deadletters", "discard", "--data", data.toString(), "--all");
        assertThat(after.code()).as(after.err()).isZero();
        assertThat(after.out()).contains("discarded 0 dead letters");
    }
}
