package io.khora.internal.query;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class SqlFormTest {

    @Test
    void everyValueBecomesAParameterConvertedToItsPropertyType() {
        SqlForm f = CompiledQuery.compile("price > 5 AND symbol = ? AND volume IN (1, 2) ORDER BY price DESC, id",
                new Object[] {"ACME"}, Fixtures.TRADE).sqlForm();
        assertThat(f.where()).isEqualTo("price > ? AND symbol = ? AND volume IN (?, ?)");
        assertThat(f.parameters()).containsExactly(5.0, "ACME", 1L, 2L);
        assertThat(f.orderBy()).isEqualTo("price DESC, id");
    }

    @Test
    void structureIsPreservedWithParenthesesAndNegations() {
        SqlForm f = CompiledQuery.compile("(qty < 3 OR note LIKE 'a%') AND NOT active = true AND amount NOT BETWEEN 1.5 AND 2 "
                + "AND note IS NOT NULL AND rank NOT IN (1, NULL)", null, Fixtures.TRADE).sqlForm();
        assertThat(f.where()).isEqualTo("(qty < ? OR note LIKE ?) AND NOT (active = ?) AND amount NOT BETWEEN ? AND ? "
                + "AND note IS NOT NULL AND rank NOT IN (?, NULL)");
        assertThat(f.parameters()).containsExactly(3, "a%", true, new BigDecimal("1.5"), new BigDecimal("2"), 1);
    }

    @Test
    void aStringWithAQuestionMarkStaysAParameterNotText() {
        SqlForm f = CompiledQuery.compile("note = 'what?'", null, Fixtures.TRADE).sqlForm();
        assertThat(f.where()).isEqualTo("note = ?");
        assertThat(f.parameters()).containsExactly("what?");
    }

    @Test
    void aTemplateRendersItsNonNullPropertiesAsEqualities() {
        Object[] values = new Object[Fixtures.TRADE.valuesLength()];
        values[1] = "ACME";
        values[3] = 0;
        values[4] = 7L;
        SqlForm f = CompiledQuery.template(values, Fixtures.TRADE).sqlForm();
        assertThat(f.where()).isEqualTo("symbol = ? AND volume = ?");
        assertThat(f.parameters()).containsExactly("ACME", 7L);
    }

    @Test
    void matchAllHasAnEmptyWhere() {
        assertThat(CompiledQuery.all(Fixtures.TRADE).sqlForm().where()).isEmpty();
        assertThat(CompiledQuery.compile("ORDER BY qty", null, Fixtures.TRADE).sqlForm().orderBy()).isEqualTo("qty");
    }
}
