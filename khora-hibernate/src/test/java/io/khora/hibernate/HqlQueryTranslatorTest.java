package io.khora.hibernate;

import io.khora.persistence.DataSourceQuery;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Query translation, without a database: the text Hibernate receives. */
class HqlQueryTranslatorTest {
    static String where(String where) {
        return HqlQueryTranslator.rewrite(where, 1).text();
    }

    @Test
    void qualifiesPathsAndNumbersParameters() {
        assertThat(where("price > ? AND symbol = ?")).isEqualTo("e.price > ?1 AND e.symbol = ?2");
        assertThat(where("address.city IN (?, ?) OR NOT (a.b.c IS NULL)"))
                .isEqualTo("e.address.city IN (?1, ?2) OR NOT (e.a.b.c IS NOT NULL)".replace("IS NOT NULL", "IS NULL"));
        assertThat(where("x BETWEEN ? AND ? AND y NOT LIKE ?")).isEqualTo("e.x BETWEEN ?1 AND ?2 AND e.y NOT LIKE ?3");
        assertThat(HqlQueryTranslator.rewrite("a = ? AND b = ?", 5).text()).isEqualTo("e.a = ?5 AND e.b = ?6");
    }

    @Test
    void aQuestionMarkInAStringLiteralIsNotAParameter() {
        HqlQueryTranslator.Clause c = HqlQueryTranslator.rewrite("name = 'what? ''really?''' OR id = ?", 1);
        assertThat(c.text()).isEqualTo("e.name = 'what? ''really?''' OR e.id = ?1");
        assertThat(c.parameterCount()).isEqualTo(1);
    }

    @Test
    void notEqualsAndQuotedIdentifiersAndKeywordsLikePropertyNames() {
        assertThat(where("a != ? AND b <> ?")).isEqualTo("e.a <> ?1 AND e.b <> ?2");
        assertThat(where("\"order\" = ? AND \"we\"\"ird\".x = ?")).isEqualTo("e.`order` = ?1 AND e.`we\"ird`.x = ?2");
        assertThat(where("value = ? and size > ?")).isEqualTo("e.value = ?1 and e.size > ?2");
        assertThat(where("active = TRUE AND lower(name) = ?")).isEqualTo("e.active = TRUE AND lower(e.name) = ?1");
        assertThat(where("n >= 1.5e3")).isEqualTo("e.n >= 1.5e3");
    }

    @Test
    void selectBuildsTheWholeQuery() {
        DataSourceQuery q = new DataSourceQuery("T", Object.class, "a = ? AND b LIKE ?", new Object[] {1, "x%"}, "a DESC, b");
        HqlQueryTranslator.HqlQuery hql = HqlQueryTranslator.select("Thing", q);
        assertThat(hql.hql()).isEqualTo("from Thing e where e.a = ?1 AND e.b LIKE ?2 order by e.a DESC, e.b");
        assertThat(hql.parameters()).containsExactly(1, "x%");
        assertThat(HqlQueryTranslator.select("Thing", new DataSourceQuery("T", Object.class, "", null, "")).hql()).isEqualTo("from Thing e");
        assertThat(HqlQueryTranslator.select("Thing", new DataSourceQuery("T", Object.class, "a IS NULL OR a = ?",
                new Object[] {null}, "")).parameters()).isEqualTo(Arrays.asList((Object) null));
    }

    @Test
    void badInputFailsClearly() {
        assertThatThrownBy(() -> HqlQueryTranslator.select("Thing", new DataSourceQuery("T", Object.class, "a = ?", new Object[0], "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 parameter markers but 0 parameters");
        assertThatThrownBy(() -> where("a = 'open")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unterminated string literal");
    }

    @Test
    void orderByDetectionIgnoresLiterals() {
        assertThat(HqlQueryTranslator.hasOrderBy("from A where x = 'order by'")).isFalse();
        assertThat(HqlQueryTranslator.hasOrderBy("from A order  by x")).isTrue();
        assertThat(HqlQueryTranslator.hasOrderBy("from A a ORDER BY a.x")).isTrue();
        assertThat(HqlQueryTranslator.hasOrderBy("from BorderByline")).isFalse();
    }
}
