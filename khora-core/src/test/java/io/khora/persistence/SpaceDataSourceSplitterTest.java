package io.khora.persistence;

import io.khora.Query;
import io.khora.Space;
import io.khora.Spaces;
import io.khora.fixtures.Account;
import io.khora.fixtures.Trade;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpaceDataSourceSplitterTest {

    @Test
    void eachTypeIsLoadedAndReadThroughFromItsOwnDataSource() {
        MapStore trades = new MapStore();
        MapStore accounts = new MapStore();
        for (long i = 1; i <= 5; i++) {
            trades.put(new Trade(i, "S", 1.0, 1));
        }
        accounts.put(new Account("a", 10, 1));
        SpaceDataSourceSplitter splitter = new SpaceDataSourceSplitter(Map.of(
                Trade.class.getName(), trades.dataSource, Account.class.getName(), accounts.dataSource));
        try (Space space = Spaces.embedded("splitter").partitions(2).dataSource(splitter).start()) {
            assertThat(space.waitForReady(Duration.ofSeconds(5))).isTrue();
            assertThat(space.count(Query.all(Trade.class))).isEqualTo(5);
            assertThat(space.count(Query.all(Account.class))).isEqualTo(1);
            accounts.put(new Account("b", 20, 1));
            trades.calls.clear();
            assertThat(space.readById(Account.class, "b").balance()).isEqualTo(20);
            assertThat(accounts.calls).contains("getById " + Account.class.getName() + " b");
            assertThat(trades.calls).as("the trades source is not asked about accounts").isEmpty();
        }
    }

    @Test
    void anEmptyMappingIsRejected() {
        assertThatThrownBy(() -> new SpaceDataSourceSplitter(Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
