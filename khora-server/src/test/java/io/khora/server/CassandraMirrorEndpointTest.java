package io.khora.server;

import io.khora.cassandra.CassandraTableMapping;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code khora mirror --cassandra} reads its flags and maps the entity classes, before it connects. */
class CassandraMirrorEndpointTest {
    @TempDir
    Path dir;

    @Test
    void contactPointsAreHostPortPairsWithPort9042WhenLeftOut() {
        assertThat(CassandraMirrorEndpoint.contactPoints("127.0.0.1:9142, db2"))
                .containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", 9142), InetSocketAddress.createUnresolved("db2", 9042));
    }

    @Test
    void aBadContactPointIsNamed() {
        assertThatThrownBy(() -> CassandraMirrorEndpoint.contactPoints("127.0.0.1:9042,db2:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--cassandra: 'db2:x' is not host:port");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.contactPoints("db:70000")).hasMessageContaining("'db:70000'");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.contactPoints(" ")).hasMessageContaining("--cassandra: give the contact points");
    }

    @Test
    void eachEntityMapsToTheTableNamedLikeItsClassWithTheSpaceIdAndRouting() {
        List<CassandraTableMapping<?>> m = CassandraMirrorEndpoint.mappings(MirroredItem.class.getName(), "shop", Map.of());
        assertThat(m).hasSize(1);
        assertThat(m.get(0).qualifiedTable()).isEqualTo("shop.mirroreditem");
        assertThat(m.get(0).idProperty()).isEqualTo("id");
        assertThat(m.get(0).routingProperty()).isEqualTo("routing");
    }

    @Test
    void cassandraTablesNamesATableForAClassBySimpleOrFullName() {
        assertThat(CassandraMirrorEndpoint.mappings(MirroredItem.class.getName(), "shop",
                CassandraMirrorEndpoint.tableNames("MirroredItem=items")).get(0).qualifiedTable()).isEqualTo("shop.items");
        assertThat(CassandraMirrorEndpoint.mappings(MirroredItem.class.getName(), "shop",
                CassandraMirrorEndpoint.tableNames(MirroredItem.class.getName() + "=mp_items")).get(0).qualifiedTable())
                .isEqualTo("shop.mp_items");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.mappings(MirroredItem.class.getName(), "shop",
                CassandraMirrorEndpoint.tableNames("Order=orders")))
                .hasMessageContaining("--cassandra-tables: [Order] is not among --entities");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.tableNames("Order")).hasMessageContaining("'Order' is not Class=table");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.mappings(MirroredItem.class.getName(), "shop",
                CassandraMirrorEndpoint.tableNames("MirroredItem=bad-name")))
                .hasMessageContaining("--entities: ").hasMessageContaining("'bad-name'");
    }

    @Test
    void anEntityThatIsNotOnTheClassPathOrNotASpaceClassIsNamed() {
        assertThatThrownBy(() -> CassandraMirrorEndpoint.mappings("com.acme.Missing", "shop", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--entities: com.acme.Missing is not on the class path");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.mappings(Object.class.getName(), "shop", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--entities: java.lang.Object");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.mappings(null, "shop", Map.of())).hasMessageContaining("--cassandra needs --entities");
    }

    @Test
    void theKeyspaceIsRequiredAndAPasswordNeedsAUser() throws Exception {
        assertThatThrownBy(() -> CassandraMirrorEndpoint.open(Map.of("cassandra", "127.0.0.1:1", "entities",
                MirroredItem.class.getName()), Map.of()))
                .hasMessageContaining("--cassandra needs --cassandra-keyspace");
        Path f = Files.writeString(dir.resolve("pw"), "secret\n");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.open(Map.of("cassandra", "127.0.0.1:1", "cassandra-keyspace", "ks",
                "entities", MirroredItem.class.getName(), "cassandra-password-file", f.toString()), Map.of()))
                .hasMessageContaining("needs --cassandra-user");
        assertThatThrownBy(() -> CassandraMirrorEndpoint.open(Map.of("cassandra", "127.0.0.1:1", "cassandra-keyspace", "ks",
                "entities", MirroredItem.class.getName(), "schema", "update"), Map.of()))
                .hasMessageContaining("--schema: 'update' must be none or create with --cassandra");
    }
}
