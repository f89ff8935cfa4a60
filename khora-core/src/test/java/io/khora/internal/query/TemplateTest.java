package io.khora.internal.query;

import io.khora.internal.query.Fixtures.Side;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.khora.internal.query.Fixtures.PRODUCT;
import static io.khora.internal.query.Fixtures.TRADE;
import static io.khora.internal.query.Fixtures.product;
import static io.khora.internal.query.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;

class TemplateTest {
    @Test
    void emptyTemplateMatchesEverything() {
        CompiledQuery q = CompiledQuery.template(trade(), TRADE);
        assertThat(q.matchesAll()).isTrue();
        assertThat(q.matches(trade("symbol", "A", "qty", 3))).isTrue();
        assertThat(q.plan()).isEqualTo(new Plan.Scan());
        assertThat(q.text()).isEmpty();
        assertThat(q.ordering()).isNull();
    }

    @Test
    void nonNullPropertiesMustBeEqual() {
        CompiledQuery q = CompiledQuery.template(trade("symbol", "A", "side", Side.BUY), TRADE);
        assertThat(q.matches(trade("symbol", "A", "side", Side.BUY, "price", 3.0))).isTrue();
        assertThat(q.matches(trade("symbol", "A", "side", Side.SELL))).isFalse();
        assertThat(q.matches(trade("symbol", "A"))).isFalse();
    }

    @Test
    void primitivePropertiesAtTheirDefaultAreWildcards() {
        CompiledQuery wildcard = CompiledQuery.template(trade("symbol", "A", "qty", 0, "active", false), TRADE);
        assertThat(wildcard.matches(trade("symbol", "A", "qty", 7, "active", true))).isTrue();
        CompiledQuery set = CompiledQuery.template(trade("qty", 7, "active", true), TRADE);
        assertThat(set.matches(trade("qty", 7, "active", true))).isTrue();
        assertThat(set.matches(trade("qty", 0, "active", true))).isFalse();
    }

    @Test
    void boxedPropertiesAtZeroAreNotWildcards() {
        CompiledQuery q = CompiledQuery.template(trade("rank", 0), TRADE);
        assertThat(q.matches(trade("rank", 0))).isTrue();
        assertThat(q.matches(trade("rank", 1))).isFalse();
    }

    @Test
    void templatesArePlannedAndRoutedLikeQueries() {
        CompiledQuery q = CompiledQuery.template(trade("id", "T1", "region", "EU", "symbol", "A"), TRADE);
        assertThat(q.plan()).isEqualTo(new Plan.IndexEq("id", 0, List.of("T1")));
        assertThat(q.routingValue()).isEqualTo("EU");
    }

    @Test
    void documentTemplatesIncludeDynamicProperties() {
        CompiledQuery q = CompiledQuery.template(product("category", "toys", "color", "red"), PRODUCT);
        assertThat(q.matches(product("sku", "1", "category", "toys", "color", "red", "size", 3))).isTrue();
        assertThat(q.matches(product("sku", "1", "category", "toys", "color", "blue"))).isFalse();
        assertThat(q.matches(product("sku", "1", "category", "toys"))).isFalse();
        assertThat(q.routingValue()).isEqualTo("toys");
        assertThat(q.plan()).isEqualTo(new Plan.IndexEq("category", 1, List.of("toys")));
    }

    @Test
    void documentTemplateValuesAreCoercedToDeclaredTypes() {
        CompiledQuery q = CompiledQuery.template(product("price", 5), PRODUCT);
        assertThat(q.matches(product("price", 5.0))).isTrue();
        assertThat(q.plan()).isEqualTo(new Plan.IndexEq("price", 2, List.of(5.0)));
    }

    @Test
    void nullDynamicValuesAreIgnored() {
        Map<String, Object> dynamic = new HashMap<>();
        dynamic.put("color", "red");
        dynamic.put("size", null);
        Object[] template = product("category", "toys");
        template[PRODUCT.dynamicSlot()] = dynamic;
        CompiledQuery q = CompiledQuery.template(template, PRODUCT);
        assertThat(q.matches(product("category", "toys", "color", "red"))).isTrue();
    }
}
