package io.khora.cassandra;

import io.khora.cassandra.model.Order;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which Khora queries become CQL, and which are left to the space. */
class CqlQueryTranslatorTest {
    final CassandraTableMapping<Order> orders = TestKeyspace.mappings("ks").orders();

    @Test
    void anIdLookupNeedsNoFiltering() {
        CqlQueryTranslator.Translation t = CqlQueryTranslator.translate(orders, "id = ?", new Object[] {7});
        assertThat(t.where()).isEqualTo("id = ?");
        assertThat(t.values()).containsExactly(7L); // widened to the column's type
        assertThat(CqlQueryTranslator.translate(orders, "id IN (?, ?)", new Object[] {1L, 2L}).values()).containsExactly(List.of(1L, 2L));
    }

    @Test
    void conjunctionsOfComparisonsRunWithAllowFiltering() {
        CqlQueryTranslator.Translation t = CqlQueryTranslator.translate(orders, "status = ? and amount >= ?", new Object[] {"PAID", 3});
        assertThat(t.where()).isEqualTo("status = ? AND amount >= ? ALLOW FILTERING");
        assertThat(t.values()).containsExactly("PAID", 3.0);
    }

    @Test
    void whatCqlCannotSayIsLeftToTheSpace() {
        assertThat(CqlQueryTranslator.translate(orders, "status = ? OR amount > ?", new Object[] {"NEW", 1.0})).isNull();
        assertThat(CqlQueryTranslator.translate(orders, "status LIKE ?", new Object[] {"N%"})).isNull();
        assertThat(CqlQueryTranslator.translate(orders, "(status = ?)", new Object[] {"NEW"})).isNull();
        assertThat(CqlQueryTranslator.translate(orders, "id > ?", new Object[] {1L})).as("a range on the partition key").isNull();
        assertThat(CqlQueryTranslator.translate(orders, "status IN (?)", new Object[] {"NEW"})).as("IN off the key").isNull();
        assertThat(CqlQueryTranslator.translate(orders, "nosuch = ?", new Object[] {1})).isNull();
        assertThat(CqlQueryTranslator.translate(orders, "status = 'NEW'", new Object[0])).as("a literal").isNull();
    }

    @Test
    void anEmptyWhereReadsEverything() {
        assertThat(CqlQueryTranslator.translate(orders, "", new Object[0]).where()).isEmpty();
    }
}
