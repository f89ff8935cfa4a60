package io.khora.cluster.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** users.yaml: strict loading, and the store {@code khora certs} adds users with. */
class UsersFileTest {
    @TempDir
    Path dir;

    @Test
    void theStoreWritesUsersTheLoaderReadsBackWithMode0600AndNeverOverwrites() throws Exception {
        Path file = dir.resolve("users.yaml");
        UserStore store = UserStore.open(file);
        char[] password = UserStore.newPassword();
        assertThat(password).hasSize(24);
        store.addPasswordUser("app", password, Map.of("orders", EnumSet.of(Role.READ, Role.WRITE), "*", EnumSet.of(Role.READ)));
        store.addCertificateUser("mirror", Map.of("*", EnumSet.of(Role.MIRROR)));
        store.save();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).doesNotContain(new String(password));

        Map<String, User> users = UsersFile.load(file);
        assertThat(users.keySet()).containsExactly("app", "mirror");
        User app = users.get("app");
        assertThat(app.scram().matches(password)).isTrue();
        assertThat(app.certificate()).isFalse();
        assertThat(app.grants().allows("orders", Role.WRITE)).isTrue();
        assertThat(app.grants().allows("payments", Role.READ)).isTrue();
        assertThat(app.grants().allows("payments", Role.WRITE)).isFalse();
        assertThat(users.get("mirror").certificate()).isTrue();
        assertThat(users.get("mirror").scram()).isNull();

        UserStore again = UserStore.open(file);
        assertThatThrownBy(() -> again.addPasswordUser("app", "x".toCharArray(), Map.of()))
                .hasMessageContaining("user 'app' exists already; it is not overwritten");
        again.addPasswordUser("ops", "pw".toCharArray(), Map.of("*", EnumSet.of(Role.ADMIN)));
        again.save();
        assertThat(UsersFile.load(file).get("app").scram().matches(password)).as("kept as it was").isTrue();
        assertThat(UsersFile.load(file).keySet()).containsExactly("app", "mirror", "ops");
    }

    @Test
    void unknownKeysAndBadValuesAreErrorsNamingFileUserAndKey() throws Exception {
        String cred = ScramCredential.of("pw".toCharArray()).format();
        Path f = dir.resolve("users.yaml");
        Files.writeString(f, "users:\n  app:\n    scram-sha-256: \"" + cred + "\"\n    role: {\"*\": [read]}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessage(f + ": user 'app': unknown key 'role' (known: [scram-sha-256, certificate, roles])");
        Files.writeString(f, "users:\n  app:\n    scram-sha-256: \"" + cred + "\"\n    roles: {\"*\": [reed]}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining(f + ": user 'app': roles of space '*': unknown role 'reed'");
        Files.writeString(f, "users:\n  app:\n    roles: {\"*\": [read]}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining("user 'app' has neither a scram-sha-256 credential nor certificate: true");
        Files.writeString(f, "users:\n  app:\n    certificate: yes please\n    roles: {}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining("user 'app': certificate must be true or false");
        Files.writeString(f, "users:\n  app:\n    certificate: true\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining("user 'app': 'roles' is required");
        Files.writeString(f, "people: {}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining(f + ": unknown top-level key 'people' (known: users)");
        Files.writeString(f, "users:\n  \"bad name\":\n    certificate: true\n    roles: {}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining("user name 'bad name' must be");
        Files.writeString(f, "users:\n  app:\n    scram-sha-256: \"AAAA:100:AAAA:AAAA\"\n    roles: {}\n");
        assertThatThrownBy(() -> UsersFile.load(f)).hasMessageContaining(f + ": user 'app': scram-sha-256: iterations must be at least 4096");
        assertThatThrownBy(() -> UsersFile.load(dir.resolve("none.yaml"))).hasMessageContaining("users file " + dir.resolve("none.yaml") + " does not exist");
    }
}
