package io.khora.internal.query;

import io.khora.document.SpaceDocument;
import io.khora.internal.query.Fixtures.Address;
import io.khora.internal.query.Fixtures.Location;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.khora.internal.query.Fixtures.product;
import static io.khora.internal.query.Fixtures.products;
import static io.khora.internal.query.Fixtures.trade;
import static io.khora.internal.query.Fixtures.trades;
import static org.assertj.core.api.Assertions.assertThat;

class NestedPathTest {
    private static final Address PARIS = new Address("Paris", 75001, true, new Address("Lyon", 69001));

    @Test
    void nestedPojoPropertiesAreReadByGetterIsGetterOrPrivateField() {
        Object[] row = trade("address", PARIS);
        assertThat(trades("address.city = 'Paris'").matches(row)).isTrue();
        assertThat(trades("address.zip = 75001").matches(row)).isTrue();
        assertThat(trades("address.zip > 75001.5").matches(row)).isFalse();
        assertThat(trades("address.verified = TRUE").matches(row)).isTrue();
        assertThat(trades("address.previous.city LIKE 'Ly%'").matches(row)).isTrue();
    }

    @Test
    void nullIntermediateValueMakesTheLeafNull() {
        Object[] noAddress = trade();
        assertThat(trades("address.city = 'Paris'").matches(noAddress)).isFalse();
        assertThat(trades("NOT address.city = 'Paris'").matches(noAddress)).isFalse();
        assertThat(trades("address.city IS NULL").matches(noAddress)).isTrue();
        assertThat(trades("address.zip IS NULL").matches(noAddress)).isTrue();
        Object[] noPrevious = trade("address", new Address("Nice", 6000));
        assertThat(trades("address.previous.city IS NULL").matches(noPrevious)).isTrue();
    }

    @Test
    void recordComponentsAreReadByTheirAccessors() {
        Object[] row = trade("location", new Location("FR", 48.85, PARIS));
        assertThat(trades("location.country = 'FR'").matches(row)).isTrue();
        assertThat(trades("location.lat BETWEEN 48 AND 49").matches(row)).isTrue();
        assertThat(trades("location.address.previous.zip = 69001").matches(row)).isTrue();
    }

    @Test
    void mapValuesAreReadByKey() {
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("desk", "rates");
        attrs.put("limits", Map.of("daily", 100));
        Object[] row = trade("attrs", attrs);
        assertThat(trades("attrs.desk = 'rates'").matches(row)).isTrue();
        assertThat(trades("attrs.limits.daily >= 100").matches(row)).isTrue();
        assertThat(trades("attrs.missing IS NULL").matches(row)).isTrue();
        assertThat(trades("attrs.missing.deeper IS NULL").matches(row)).isTrue();
    }

    @Test
    void untypedValuesAreResolvedAtRunTimeByTheirClass() {
        CompiledQuery q = trades("extra.city = 'Paris'");
        assertThat(q.matches(trade("extra", PARIS))).isTrue();
        assertThat(q.matches(trade("extra", Map.of("city", "Paris")))).isTrue();
        assertThat(q.matches(trade("extra", new Location("FR", 1, null)))).isFalse();
        assertThat(q.matches(trade("extra", "a string has no city"))).isFalse();
        assertThat(trades("extra.address.city = 'Paris'").matches(trade("extra", new Location("FR", 1, PARIS)))).isTrue();
    }

    @Test
    void dynamicDocumentPropertiesAreReadFromTheDynamicMap() {
        CompiledQuery q = products("color = 'red' AND size > 2");
        assertThat(q.matches(product("sku", "1", "color", "red", "size", 3))).isTrue();
        assertThat(q.matches(product("sku", "1", "color", "red", "size", 2L))).isFalse();
        assertThat(q.matches(product("sku", "1"))).isFalse();
        assertThat(products("color IS NULL").matches(product("sku", "1"))).isTrue();
        assertThat(products("size > 2").matches(product("sku", "1", "size", "big"))).isFalse();
    }

    @Test
    void declaredDocumentPropertiesAreCheckedAndDynamicOnesAreNot() {
        assertThat(products("price > 5").matches(product("price", 6.0))).isTrue();
        assertThat(products("price > ?", 5).matches(product("price", 6.0))).isTrue();
        assertThat(products("weight = ?", "heavy").matches(product("weight", "heavy"))).isTrue();
    }

    @Test
    void nestedDocumentsAndMapsInsideDocuments() {
        SpaceDocument dimensions = new SpaceDocument("Dimensions").setProperty("width", 10);
        Object[] row = product("sku", "1", "dimensions", dimensions, "meta", Map.of("origin", "FR"));
        assertThat(products("dimensions.width = 10").matches(row)).isTrue();
        assertThat(products("dimensions.height IS NULL").matches(row)).isTrue();
        assertThat(products("meta.origin = 'FR'").matches(row)).isTrue();
    }

    @Test
    void nestedAccessorsAreCachedPerClassAndName() {
        PropertyAccessor first = NestedAccess.accessor(Address.class, "city");
        assertThat(NestedAccess.accessor(Address.class, "city")).isSameAs(first);
        assertThat(NestedAccess.accessor(Address.class, "nope").exists()).isFalse();
        assertThat(NestedAccess.resolve(Address.class, "nope")).isNull();
        assertThat(NestedAccess.resolve(Address.class, "zip").type()).isEqualTo(Integer.class);
    }
}
