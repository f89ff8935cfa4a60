package io.khora.hibernate;

import io.khora.ClusterInfo;
import io.khora.hibernate.model.Car;
import io.khora.hibernate.model.Product;
import io.khora.hibernate.model.PurchaseOrder;
import io.khora.hibernate.model.Vehicle;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import io.khora.persistence.DataSourceIdQuery;
import io.khora.persistence.DataSourceIdsQuery;
import io.khora.persistence.DataSourceQuery;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Read-through (seed 000): getById, getDataIteratorByIds (one query) and getDataIterator with every
 * operator of the query language, checked against the same WHERE clause run as plain SQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ReadThroughContract {
    TestDatabase db;
    SessionFactory sf;
    DefaultHibernateSpaceDataSource ds;

    abstract TestDatabase.Kind kind();

    @BeforeAll
    void createData() {
        db = TestDatabase.create(kind());
        sf = db.sessionFactory(PurchaseOrder.class, Product.class, Vehicle.class, Car.class);
        TestData.orders(db);
        TestData.products(db);
        db.update("insert into vehicles (kind, id, plate, seats) values ('Vehicle', 1, 'V-1', null)");
        db.update("insert into vehicles (kind, id, plate, seats) values ('Car', 2, 'C-2', 5)");
        db.update("insert into vehicles (kind, id, plate, seats) values ('Car', 3, 'C-3', 2)");
        ds = DefaultHibernateSpaceDataSource.builder(sf).build();
    }

    @AfterAll
    void dropData() {
        db.close();
    }

    @BeforeEach
    void resetCounters() {
        db.counting().reset();
    }

    static List<Object> drain(DataIterator<Object> it) {
        List<Object> out = new ArrayList<>();
        if (it == null) {
            return out;
        }
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static DataSourceQuery query(Class<?> type, String where, Object... params) {
        return new DataSourceQuery(type.getName(), type, where, params, "");
    }

    // ------------------------------------------------------------------ by id

    @Test
    void getByIdReadsOneRowByPrimaryKey() {
        Object o = ds.getById(new DataSourceIdQuery(PurchaseOrder.class.getName(), PurchaseOrder.class, "id", 3L, null));
        assertThat(o).isEqualTo(new PurchaseOrder(3L, (int) ((3 * 7_919L) % 1_000) - 500, "OPEN", 3.0));
        assertThat(ds.getById(new DataSourceIdQuery(PurchaseOrder.class.getName(), PurchaseOrder.class, "id", 4, null)))
                .as("an Integer id for a Long identifier").extracting("id").isEqualTo(4L);
        assertThat(ds.getById(new DataSourceIdQuery(PurchaseOrder.class.getName(), PurchaseOrder.class, "id", 999_999L, null))).isNull();
        assertThat(db.counting().executions("from purchase_orders")).isEqualTo(3);
    }

    @Test
    void getByIdOnANonIdentifierSpaceIdUsesAQuery() {
        Object p = ds.getById(new DataSourceIdQuery(Product.class.getName(), Product.class, "name", "product 7", null));
        assertThat(p).isInstanceOf(Product.class).extracting("sku").isEqualTo("SKU-00007");
    }

    @Test
    void documentTypesAndUnmappedClassesAreNotAnswered() {
        assertThat(ds.getById(new DataSourceIdQuery("OrderDoc", null, "id", 1L, null))).isNull();
        assertThat(ds.getDataIterator(new DataSourceQuery("OrderDoc", null, "id = ?", new Object[] {1L}, ""))).isNull();
        assertThat(ds.getDataIteratorByIds(new DataSourceIdsQuery("OrderDoc", null, "id", new Object[] {1L}))).isNull();
        assertThat(ds.getDataIterator(query(String.class, ""))).isNull();
        assertThat(db.counting().statements()).isEmpty();
    }

    @Test
    void getDataIteratorByIdsIsOneInQuery() {
        List<Object> rows = drain(ds.getDataIteratorByIds(new DataSourceIdsQuery(PurchaseOrder.class.getName(), PurchaseOrder.class,
                "id", new Object[] {1L, 2L, 3L, 999_999L, 10})));
        assertThat(rows).extracting("id").containsExactlyInAnyOrder(1L, 2L, 3L, 10L);
        assertThat(db.counting().executions("from purchase_orders")).as("one round trip, not one per id").isEqualTo(1);
    }

    @Test
    void manyIdsAreSplitIntoInQueriesOfAThousand() {
        Object[] ids = LongStream.rangeClosed(1, 2_500).boxed().toArray();
        List<Object> rows = drain(ds.getDataIteratorByIds(new DataSourceIdsQuery(PurchaseOrder.class.getName(), PurchaseOrder.class,
                "id", ids)));
        assertThat(rows).hasSize(2_500);
        assertThat(db.counting().executions("from purchase_orders")).isEqualTo(3);
    }

    // ------------------------------------------------------------------ queries

    static Stream<Arguments> operators() {
        return Stream.of(
                arguments("category = ?", new Object[] {"cat-3"}, "category = 'cat-3'"),
                arguments("category <> ?", new Object[] {"cat-3"}, "category <> 'cat-3'"),
                arguments("category != ?", new Object[] {"cat-3"}, "category <> 'cat-3'"),
                arguments("stock < ?", new Object[] {10}, "stock < 10"),
                arguments("stock <= ?", new Object[] {10}, "stock <= 10"),
                arguments("stock > ?", new Object[] {30}, "stock > 30"),
                arguments("stock >= ?", new Object[] {30}, "stock >= 30"),
                arguments("category = ? AND stock > ?", new Object[] {"cat-1", 20}, "category = 'cat-1' AND stock > 20"),
                arguments("category = ? OR stock > ?", new Object[] {"cat-1", 35}, "category = 'cat-1' OR stock > 35"),
                arguments("NOT (stock > ?)", new Object[] {5}, "NOT (stock > 5)"),
                arguments("category IN (?, ?)", new Object[] {"cat-1", "cat-2"}, "category IN ('cat-1', 'cat-2')"),
                arguments("category NOT IN (?, ?)", new Object[] {"cat-1", "cat-2"}, "category NOT IN ('cat-1', 'cat-2')"),
                arguments("name LIKE ?", new Object[] {"product 1%"}, "name LIKE 'product 1%'"),
                arguments("name NOT LIKE ?", new Object[] {"product 1%"}, "name NOT LIKE 'product 1%'"),
                arguments("stock IS NULL", new Object[0], "stock IS NULL"),
                arguments("stock IS NOT NULL", new Object[0], "stock IS NOT NULL"),
                arguments("price BETWEEN ? AND ?", new Object[] {new BigDecimal("10"), new BigDecimal("20")}, "price BETWEEN 10 AND 20"),
                arguments("price NOT BETWEEN ? AND ?", new Object[] {new BigDecimal("10"), new BigDecimal("990")},
                        "price NOT BETWEEN 10 AND 990"),
                arguments("supplier.country = ?", new Object[] {"DE"}, "supplier_country = 'DE'"),
                arguments("name = 'what? ''really?''' OR category = ?", new Object[] {"cat-6"},
                        "name = 'what? ''really?''' OR category = 'cat-6'"),
                arguments("(category = ? OR category = ?) AND NOT (stock >= ?) AND supplier.name <> ?",
                        new Object[] {"cat-4", "cat-5", 12, "supplier 0"},
                        "(category = 'cat-4' OR category = 'cat-5') AND NOT (stock >= 12) AND supplier_name <> 'supplier 0'"),
                arguments("", new Object[0], "1 = 1"));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("operators")
    void getDataIteratorTranslatesEveryOperator(String where, Object[] params, String sql) {
        List<Object> rows = drain(ds.getDataIterator(new DataSourceQuery(Product.class.getName(), Product.class, where, params, "")));
        List<Object> expected = db.query("select sku from products where " + sql).stream().map(r -> r.get("sku")).toList();
        assertThat(rows).extracting("sku").containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void getDataIteratorHonoursOrderBy() {
        List<Object> rows = drain(ds.getDataIterator(new DataSourceQuery(Product.class.getName(), Product.class, "category = ?",
                new Object[] {"cat-2"}, "supplier.country DESC, price DESC, sku")));
        List<Object> expected = db.query("select sku from products where category = 'cat-2' order by supplier_country desc, price desc, sku")
                .stream().map(r -> r.get("sku")).toList();
        assertThat(rows).extracting("sku").containsExactlyElementsOf(expected);
    }

    @Test
    void aQueryWithTheWrongNumberOfParametersFailsClearly() {
        assertThatThrownBy(() -> ds.getDataIterator(query(Product.class, "category = ? AND stock > ?", "cat-1")))
                .isInstanceOf(DataSourceException.class).hasMessageContaining("2 parameter markers but 1 parameters");
    }

    @Test
    void aQueryTheDatabaseRejectsFailsWithTheQuery() {
        assertThatThrownBy(() -> drain(ds.getDataIterator(query(Product.class, "nosuchproperty = ?", 1))))
                .isInstanceOf(DataSourceException.class).hasMessageContaining("nosuchproperty");
    }

    // ------------------------------------------------------------------ inheritance

    @Test
    void queriesOnASupertypeReturnSubtypesToo() {
        assertThat(ds.supportsInheritance()).isTrue();
        assertThat(drain(ds.getDataIterator(query(Vehicle.class, "")))).hasSize(3).hasAtLeastOneElementOfType(Car.class);
        assertThat(drain(ds.getDataIterator(query(Car.class, "seats > ?", 3)))).singleElement().extracting("plate").isEqualTo("C-2");
        assertThat(ds.getById(new DataSourceIdQuery(Vehicle.class.getName(), Vehicle.class, "id", 2, null))).isInstanceOf(Car.class);
    }

    @Test
    void theInitialLoadReadsASubtypeOnceThroughItsSupertype() {
        DefaultHibernateSpaceDataSource all = DefaultHibernateSpaceDataSource.builder(sf).build();
        assertThat(all.getInitialLoadEntries()).contains(Vehicle.class.getName()).doesNotContain(Car.class.getName());
        List<Object> rows = drain(all.initialDataLoad(new ClusterInfo(1, 1, 0)));
        assertThat(rows.stream().filter(Vehicle.class::isInstance)).hasSize(3);
        DefaultHibernateSpaceDataSource cars = DefaultHibernateSpaceDataSource.builder(sf).initialLoadEntries(Car.class.getName()).build();
        assertThat(drain(cars.initialDataLoad(new ClusterInfo(1, 1, 0)))).hasSize(2).allMatch(Car.class::isInstance);
    }
}
