package io.khora.internal.logging;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.annotation.SpaceId;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with Khora and no SLF4J backend prints nothing of SLF4J's: run in a child JVM whose
 * class path is this one's without slf4j-simple.
 */
class QuietSlf4jTest {
    /** An entry. */
    public record Note(@SpaceId String id) {
    }

    /** The child: uses an embedded space, or (with "plain") SLF4J directly first, as any code without Khora would. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("plain")) {
            org.slf4j.LoggerFactory.getLogger(QuietSlf4jTest.class).info("hello");
        }
        try (Space space = Spaces.embedded("quiet").start()) {
            space.write(new Note("a"));
        }
        System.out.println("done");
    }

    @Test
    void anApplicationWithoutABackendGetsNoSlf4jWarningFromKhora() throws Exception {
        String out = runChild(List.of());
        assertThat(out).isEqualTo("done\n");
    }

    @Test
    void withoutKhoraFirstSlf4jWouldWarnTheCheckAbove() throws Exception {
        String out = runChild(List.of("plain"));
        assertThat(out).contains("SLF4J(W): No SLF4J providers were found.").endsWith("done\n");
    }

    private static String runChild(List<String> args) throws Exception {
        String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String cp = Arrays.stream(full.split(File.pathSeparator))
                .filter(e -> !e.contains("slf4j-simple")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, QuietSlf4jTest.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
