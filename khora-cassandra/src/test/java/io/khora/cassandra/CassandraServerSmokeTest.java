package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The test server is a real Cassandra 5.0 that answers CQL. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CassandraServerSmokeTest {
    @Test
    void aRealCassandraFiveServerAnswersCql() {
        try (CqlSession session = CassandraServer.shared().session()) {
            String version = session.execute("select release_version from system.local").one().getString(0);
            assertThat(version).startsWith("5.0");
        }
    }
}
