package io.khora.server;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code khora certs} through the command line: the files, users.yaml, re-running, help and errors. */
class CertsCommandTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run khora(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Khora.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> users(Path dir) throws Exception {
        Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(dir.resolve("users.yaml")));
        assertThat(root.keySet()).containsExactly("users");
        return (Map<String, Map<String, Object>>) root.get("users");
    }

    /** Whether {@code credential} ("salt:iterations:stored:server") is the SCRAM-SHA-256 credential of {@code password}. */
    static boolean isCredentialOf(String credential, String password) {
        String[] f = credential.split(":");
        Base64.Decoder b = Base64.getDecoder();
        byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256, StringPreparation.SASL_PREPARATION, password.toCharArray(),
                b.decode(f[0]), Integer.parseInt(f[1]));
        byte[] stored = ScramFunctions.storedKey(ScramMechanism.SCRAM_SHA_256, ScramFunctions.clientKey(ScramMechanism.SCRAM_SHA_256, salted));
        return Integer.parseInt(f[1]) >= 4096 && java.util.Arrays.equals(stored, b.decode(f[2]))
                && java.util.Arrays.equals(ScramFunctions.serverKey(ScramMechanism.SCRAM_SHA_256, salted), b.decode(f[3]));
    }

    static String mode(Path f) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    }

    @Test
    void writesTheCaNodeAndClientCertificatesAndUsersWithAGeneratedAdminPasswordShownOnce() throws Exception {
        Path dir = tmp.resolve("certs");
        Run r = khora("certs", "--dir", dir.toString(), "--nodes", "n1,n2,n3", "--client-certs", "mirror");

        assertThat(r.code()).as(r.err()).isZero();
        for (String f : List.of("ca.pem", "ca-key.pem", "n1.pem", "n1-key.pem", "n2.pem", "n3-key.pem", "mirror.pem", "mirror-key.pem",
                "users.yaml", "admin.password")) {
            assertThat(dir.resolve(f)).exists();
        }
        for (String secret : List.of("ca-key.pem", "n1-key.pem", "mirror-key.pem", "users.yaml", "admin.password")) {
            assertThat(mode(dir.resolve(secret))).as(secret).isEqualTo("rw-------");
        }
        String password = Files.readString(dir.resolve("admin.password")).strip();
        assertThat(password).hasSize(24);
        assertThat(r.out()).containsOnlyOnce(password).contains("next: start each node with --security-dir " + dir);
        Map<String, Map<String, Object>> users = users(dir);
        assertThat(users.keySet()).containsExactly("admin", "mirror");
        assertThat(isCredentialOf((String) users.get("admin").get("scram-sha-256"), password)).isTrue();
        assertThat(isCredentialOf((String) users.get("admin").get("scram-sha-256"), password + "x")).isFalse();
        assertThat(users.get("admin").get("roles")).isEqualTo(Map.of("*", List.of("read", "write", "admin", "mirror")));
        assertThat(users.get("mirror")).isEqualTo(Map.of("certificate", true, "roles", Map.of("*", List.of("mirror"))));
        assertThat(Files.readString(dir.resolve("users.yaml"))).doesNotContain(password);
    }

    @Test
    void runningAgainKeepsEveryKeyPasswordAndUserAndAddsTheMissingOnes() throws Exception {
        Path dir = tmp.resolve("certs");
        assertThat(khora("certs", "--dir", dir.toString(), "--nodes", "n1,n2").code()).isZero();
        byte[] caKey = Files.readAllBytes(dir.resolve("ca-key.pem"));
        byte[] n1Key = Files.readAllBytes(dir.resolve("n1-key.pem"));
        String adminPassword = Files.readString(dir.resolve("admin.password"));
        String usersBefore = Files.readString(dir.resolve("users.yaml"));

        Run again = khora("certs", "--dir", dir.toString(), "--nodes", "n1,n2,n3", "--users", "admin,app");

        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("ca-key.pem"))).isEqualTo(caKey);
        assertThat(Files.readAllBytes(dir.resolve("n1-key.pem"))).isEqualTo(n1Key);
        assertThat(Files.readString(dir.resolve("admin.password"))).isEqualTo(adminPassword);
        assertThat(Files.readString(dir.resolve("users.yaml"))).startsWith(usersBefore);
        assertThat(mode(dir.resolve("users.yaml"))).isEqualTo("rw-------");
        assertThat(dir.resolve("n3.pem")).exists();
        assertThat(users(dir).keySet()).containsExactly("admin", "app");
        assertThat(users(dir).get("app").get("roles")).isEqualTo(Map.of("*", List.of("read", "write")));
        assertThat(again.out()).contains("kept    n1.pem, n1-key.pem: exist, kept").contains("users.yaml: user admin exists, kept")
                .doesNotContain(adminPassword.strip()).contains(Files.readString(dir.resolve("app.password")).strip());
    }

    @Test
    void helpSaysWhatItWritesAndMistakesExitWithTwo() {
        Run help = khora("certs", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("usage: khora certs --dir DIR --nodes n1,n2,n3").contains("ca-key.pem").contains("EC P-256")
                .contains("never overwrites").contains("mode 0600").contains("--security-dir DIR");
        assertThat(khora("--help").out()).contains("khora certs  --dir certs --nodes n1,n2,n3").contains("--security-dir certs");

        Run noNodes = khora("certs", "--dir", tmp.resolve("x").toString());
        assertThat(noNodes.code()).isEqualTo(2);
        assertThat(noNodes.err()).contains("--nodes n1,n2,n3 is required");
        Run days = khora("certs", "--dir", tmp.resolve("x").toString(), "--nodes", "n1", "--days", "forever");
        assertThat(days.err()).contains("--days: 'forever' must be a whole number of days");
        Run clash = khora("certs", "--dir", tmp.resolve("x").toString(), "--nodes", "n1", "--client-certs", "n1");
        assertThat(clash.err()).contains("client name 'n1' is also a node id");
        Run typo = khora("certs", "--dir", tmp.resolve("x").toString(), "--nodes", "n1", "--client-cert", "m");
        assertThat(typo.err()).contains("unknown flag --client-cert");
    }
}
