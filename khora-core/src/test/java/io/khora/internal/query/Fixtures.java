package io.khora.internal.query;

import io.khora.annotation.SpaceIndexType;
import io.khora.document.SpaceDocument;
import io.khora.internal.metadata.EntryCodec;
import io.khora.internal.metadata.PropertyDescriptor;
import io.khora.internal.metadata.TypeDescriptor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Entry types and values arrays for the query tests. */
final class Fixtures {
    enum Side { BUY, SELL }

    /** A POJO with a public getter, a private field without getter, and an is-getter. */
    static final class Address {
        private final String city;
        private final int zip;
        private final boolean verified;
        private final Address previous;

        Address(String city, int zip) {
            this(city, zip, false, null);
        }

        Address(String city, int zip, boolean verified, Address previous) {
            this.city = city;
            this.zip = zip;
            this.verified = verified;
            this.previous = previous;
        }

        public String getCity() {
            return city;
        }

        public boolean isVerified() {
            return verified;
        }

        public Address getPrevious() {
            return previous;
        }

        @Override
        public String toString() {
            return city + " " + zip;
        }
    }

    record Location(String country, double lat, Address address) {
    }

    /** The Java class of the Trade type (only its name matters here). */
    static final class Trade {
    }

    static final EntryCodec CODEC = new EntryCodec() {
        @Override
        public Object[] toValues(Object entry) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object fromValues(Object[] values) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean writeBack(Object entry, int position, Object value) {
            return false;
        }
    };

    /** A POJO type with a property of every interesting kind. */
    static final TypeDescriptor TRADE = pojo("test.Trade", 0, 20,
            p("id", String.class, SpaceIndexType.NONE),
            p("symbol", String.class, SpaceIndexType.EQUAL),
            p("price", Double.class, SpaceIndexType.ORDERED),
            p("qty", int.class, SpaceIndexType.ORDERED),
            p("volume", Long.class, SpaceIndexType.NONE),
            p("active", boolean.class, SpaceIndexType.NONE),
            p("side", Side.class, SpaceIndexType.EQUAL),
            p("note", String.class, SpaceIndexType.NONE),
            p("amount", BigDecimal.class, SpaceIndexType.ORDERED),
            p("address", Address.class, SpaceIndexType.NONE),
            p("location", Location.class, SpaceIndexType.NONE),
            p("attrs", Map.class, SpaceIndexType.NONE),
            p("extra", Object.class, SpaceIndexType.ORDERED),
            p("tradeDate", LocalDate.class, SpaceIndexType.ORDERED),
            p("flag", Boolean.class, SpaceIndexType.NONE),
            p("initial", Character.class, SpaceIndexType.NONE),
            p("big", BigInteger.class, SpaceIndexType.NONE),
            p("small", Short.class, SpaceIndexType.NONE),
            p("tiny", Byte.class, SpaceIndexType.NONE),
            p("ratio", Float.class, SpaceIndexType.NONE),
            p("region", String.class, SpaceIndexType.EQUAL),
            p("rank", Integer.class, SpaceIndexType.EQUAL),
            p("tag", Object.class, SpaceIndexType.EQUAL),
            p("code", Long.class, SpaceIndexType.ORDERED));

    /** A document type: declared sku (id), category (routing), price; anything else dynamic. */
    static final TypeDescriptor PRODUCT = new TypeDescriptor("Product", TypeDescriptor.Kind.DOCUMENT, SpaceDocument.class,
            null, List.of(
                    new PropertyDescriptor("sku", 0, String.class, SpaceIndexType.NONE),
                    new PropertyDescriptor("category", 1, String.class, SpaceIndexType.EQUAL),
                    new PropertyDescriptor("price", 2, Double.class, SpaceIndexType.ORDERED),
                    new PropertyDescriptor("meta", 3, Object.class, SpaceIndexType.NONE)),
            0, 1, -1, false, true, CODEC);

    private Fixtures() {
    }

    private record Prop(String name, Class<?> type, SpaceIndexType index) {
    }

    private static Prop p(String name, Class<?> type, SpaceIndexType index) {
        return new Prop(name, type, index);
    }

    private static TypeDescriptor pojo(String name, int idIndex, int routingIndex, Prop... props) {
        List<PropertyDescriptor> list = new ArrayList<>();
        for (Prop prop : props) {
            list.add(new PropertyDescriptor(prop.name(), list.size(), prop.type(), prop.index()));
        }
        return new TypeDescriptor(name, TypeDescriptor.Kind.POJO, Trade.class, null, list, idIndex, routingIndex, -1,
                false, false, CODEC);
    }

    /** A Trade values array: primitives at their defaults, then the given name/value pairs. */
    static Object[] trade(Object... namesAndValues) {
        Object[] values = new Object[TRADE.valuesLength()];
        values[TRADE.property("qty").position()] = 0;
        values[TRADE.property("active").position()] = false;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            PropertyDescriptor p = TRADE.property((String) namesAndValues[i]);
            if (p == null) {
                throw new IllegalArgumentException("no property " + namesAndValues[i]);
            }
            values[p.position()] = namesAndValues[i + 1];
        }
        return values;
    }

    /** A Product values array: declared properties in their slots, the others in the dynamic map. */
    static Object[] product(Object... namesAndValues) {
        Object[] values = new Object[PRODUCT.valuesLength()];
        Map<String, Object> dynamic = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            PropertyDescriptor p = PRODUCT.property(name);
            if (p != null) {
                values[p.position()] = namesAndValues[i + 1];
            } else {
                dynamic.put(name, namesAndValues[i + 1]);
            }
        }
        values[PRODUCT.dynamicSlot()] = dynamic.isEmpty() ? null : dynamic;
        return values;
    }

    /** Compiles {@code text} for Trade. */
    static CompiledQuery trades(String text, Object... args) {
        return CompiledQuery.compile(text, args, TRADE);
    }

    /** Compiles {@code text} for Product. */
    static CompiledQuery products(String text, Object... args) {
        return CompiledQuery.compile(text, args, PRODUCT);
    }
}
