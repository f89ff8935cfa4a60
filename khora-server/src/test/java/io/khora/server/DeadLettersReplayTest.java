package io.khora.server;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code khora deadletters replay} against a real PostgreSQL: rows 13 and 27 are refused by a check
 * constraint on the way through the real write-behind path (an embedded space delivering through the
 * built-in Hibernate endpoint); once the constraint lets 13 through, replay writes 13, keeps 27.
 */
class DeadLettersReplayTest {
    @TempDir
    static Path pgDir;
    @TempDir
    Path data;
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().setDataDirectory(pgDir.resolve("pgdata")).setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(60)).setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    private static String url() {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres";
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static List<Long> ids() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select id from mp_items order by id")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    private void writeThroughTheRealPath() {
        Configuration cfg = new Configuration().addAnnotatedClass(MirroredItem.class);
        cfg.setProperty(AvailableSettings.JAKARTA_JDBC_URL, url());
        cfg.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
        WriteBehindSettings settings = WriteBehindSettings.builder(data).batchInterval(Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(40)).flushTimeout(Duration.ofSeconds(60)).build();
        try (SessionFactory sf = cfg.buildSessionFactory();
             Space space = Spaces.embedded("orders").partitions(1)
                     .synchronizationEndpoint(new DefaultHibernateSpaceSynchronizationEndpoint(sf)).writeBehind(settings).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(30))).isTrue();
            for (int i = 0; i < 40; i++) {
                space.write(new MirroredItem(i, i, 1, 1));
            }
            assertThat(space.admin().flush(Duration.ofSeconds(120))).isTrue();
            assertThat(space.admin().deadLetters()).extracting(d -> d.id()).containsExactlyInAnyOrder(13L, 27L);
        }
    }

    @Test
    void replayWritesTheLettersTheFixedDatabaseNowAcceptsAndKeepsTheOthers() throws Exception {
        sql("drop table if exists mp_items");
        sql("create table mp_items (id bigint primary key, routing integer not null, writer integer not null, rev bigint not null,"
                + " amount bigint not null, constraint poison check (id not in (13, 27)))");
        writeThroughTheRealPath();
        assertThat(ids()).hasSize(38).doesNotContain(13L, 27L);

        sql("alter table mp_items drop constraint poison");
        sql("alter table mp_items add constraint poison check (id <> 27)"); // 13 fixed, 27 still refused

        CertsCommandTest.Run replay = KhoraHelpTest.run("deadletters", "replay", "--data", data.toString(), "--jdbc-url", url(),
                "--entities", MirroredItem.class.getName());
        assertThat(replay.code()).as(replay.err() + replay.out()).isEqualTo(1);
        assertThat(replay.out()).contains("replayed 1 dead letter of space 'orders'")
                .contains("1 refused again, 1 left").contains("replayed space orders").contains("id=13")
                .contains("now: ").contains("poison");
        assertThat(ids()).hasSize(39).contains(13L).doesNotContain(27L);
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select amount from mp_items where id = 13")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getLong(1)).as("the data recorded when it was refused").isEqualTo(MirroredItem.amountOf(13, 1));
        }
        CertsCommandTest.Run left = KhoraHelpTest.run("deadletters", "list", "--data", data.toString());
        assertThat(left.out().lines()).hasSize(1);
        assertThat(left.out()).contains("id=27").contains("poison");

        sql("alter table mp_items drop constraint poison");
        CertsCommandTest.Run again = KhoraHelpTest.run("deadletters", "replay", "--data", data.toString(), "--all", "--jdbc-url", url(),
                "--entities", MirroredItem.class.getName());
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(ids()).hasSize(40);
        assertThat(KhoraHelpTest.run("deadletters", "list", "--data", data.toString()).out()).isEmpty();
    }
}
