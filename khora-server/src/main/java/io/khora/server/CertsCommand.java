package io.khora.server;

import io.khora.cluster.server.security.CertificateAuthority;
import io.khora.cluster.server.security.SecurityDirectory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code khora certs}: a cluster's security directory — the cluster CA, a certificate per node, optional
 * client certificates, and {@code users.yaml} with a generated password for each user (see
 * {@link SecurityDirectory} and {@link InitialUsers}). Running it again adds what is missing and never
 * overwrites a key, a certificate or a password.
 */
final class CertsCommand {
    static final List<String> FLAGS = List.of("dir", "nodes", "hosts", "users", "client-certs", "days", "help");

    private CertsCommand() {
    }

    static String usage() {
        return """
                usage: khora certs --dir DIR --nodes n1,n2,n3 [--hosts 127.0.0.1,localhost] [--users admin,app] [--client-certs mirror]
                                   [--days 825]
                  Writes a cluster's security directory; running it again adds what is missing and never overwrites a key,
                  a certificate or a password (delete a file to have it made anew).
                    ca.pem, ca-key.pem              the cluster CA (%s); only khora certs needs ca-key.pem
                    <node>.pem, <node>-key.pem      per node: CN = the node id, every --hosts name and address as subject
                                                    alternative names (list the hosts of all nodes: each certificate gets them all)
                    <client>.pem, <client>-key.pem  per --client-certs name: a client certificate (CN = the name)
                    users.yaml                      users and roles: SCRAM-SHA-256 credentials, never passwords
                    <user>.password                 the generated password of each --users user (printed once)
                  Keys, users.yaml and passwords are mode 0600. Default users: admin (every role on every space).
                  Then start each node with --security-dir DIR.
                """.formatted(CertificateAuthority.KEY_TYPE);
    }

    static int run(Map<String, String> flags, PrintStream out, Clock clock) throws Exception {
        KnownFlags.require(flags, FLAGS, "certs");
        if (flags.containsKey("help")) {
            out.print(usage());
            return 0;
        }
        if (!flags.containsKey("dir")) {
            throw new IllegalArgumentException("--dir DIR is required (the security directory to write)");
        }
        if (!flags.containsKey("nodes")) {
            throw new IllegalArgumentException("--nodes n1,n2,n3 is required (the cluster's node ids)");
        }
        Path dir = Path.of(flags.get("dir"));
        List<String> clients = list(flags.get("client-certs"));
        SecurityDirectory.Request request = new SecurityDirectory.Request(list(flags.get("nodes")),
                flags.containsKey("hosts") ? list(flags.get("hosts")) : SecurityDirectory.DEFAULT_HOSTS, clients, days(flags.get("days")));
        List<String> users = flags.containsKey("users") ? list(flags.get("users")) : List.of("admin");
        for (String u : users) {
            if (request.nodes().contains(u)) {
                throw new IllegalArgumentException("user '" + u + "' is also a node id: name users and nodes differently");
            }
        }
        SecurityDirectory.Outcome files = SecurityDirectory.ensure(dir, request, clock);
        InitialUsers.Outcome usersOutcome = InitialUsers.ensure(dir, users, clients);
        out.println("khora certs: " + dir.toAbsolutePath());
        files.created().forEach(l -> out.println("  created " + l));
        files.kept().forEach(l -> out.println("  kept    " + l));
        usersOutcome.lines().forEach(l -> out.println("  " + l));
        usersOutcome.newPasswords().forEach((u, pw) -> out.println("  password of " + u + ": " + pw + "   (shown only now; also in "
                + dir.resolve(u + ".password") + ")"));
        out.println("next: start each node with --security-dir " + dir);
        return 0;
    }

    private static List<String> list(String csv) {
        if (csv == null || csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Duration days(String value) {
        if (value == null) {
            return SecurityDirectory.DEFAULT_VALIDITY;
        }
        try {
            int d = Integer.parseInt(value.trim());
            if (d >= 1 && d <= 36500) {
                return Duration.ofDays(d);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--days: '" + value + "' must be a whole number of days from 1 to 36500");
    }
}
