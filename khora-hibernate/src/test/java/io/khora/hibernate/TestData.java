package io.khora.hibernate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The rows the database tests share, inserted with plain JDBC batches. */
final class TestData {
    static final int ORDERS = 4_000;
    /** Orders with extreme routing values on top of {@link #ORDERS}. */
    static final int EXTRA_ORDERS = 3;
    static final int PRODUCTS = 1_000;
    static final int INVOICES = 200;

    private TestData() {
    }

    /** Orders 1..4000 with customer ids in -500..499, every third OPEN, plus MIN_VALUE, MAX_VALUE and -1 customers. */
    static void orders(TestDatabase db) {
        List<Object[]> orders = new ArrayList<>();
        for (long i = 1; i <= ORDERS; i++) {
            int customer = (int) ((i * 7_919) % 1_000) - 500;
            orders.add(new Object[] {i, customer, i % 3 == 0 ? "OPEN" : "CLOSED", (double) (i % 100)});
        }
        orders.add(new Object[] {(long) ORDERS + 1, Integer.MIN_VALUE, "OPEN", 1.0});
        orders.add(new Object[] {(long) ORDERS + 2, Integer.MAX_VALUE, "OPEN", 2.0});
        orders.add(new Object[] {(long) ORDERS + 3, -1, "OPEN", 3.0});
        db.batch("insert into purchase_orders (id, customer_id, status, amount) values (?, ?, ?, ?)", orders);
    }

    /** Products SKU-00001..SKU-01000 in 7 categories; every 40th has no stock; suppliers in DE and FR. */
    static void products(TestDatabase db) {
        List<Object[]> products = new ArrayList<>();
        for (int i = 1; i <= PRODUCTS; i++) {
            products.add(new Object[] {String.format("SKU-%05d", i), "cat-" + (i % 7), "product " + i, new BigDecimal(i + ".50"),
                    i % 40 == 0 ? null : i % 40, "supplier " + (i % 5), i % 2 == 0 ? "DE" : "FR"});
        }
        db.batch("insert into products (sku, category, name, price, stock, supplier_name, supplier_country) values (?, ?, ?, ?, ?, ?, ?)",
                products);
    }

    /** Accounts -600..600 step 3, plus Long.MIN_VALUE and Long.MAX_VALUE; returns how many. */
    static long accounts(TestDatabase db) {
        List<Object[]> rows = new ArrayList<>();
        for (long id = -600; id <= 600; id += 3) {
            rows.add(new Object[] {id, "owner " + id, id * 10});
        }
        rows.add(new Object[] {Long.MIN_VALUE, "min", 0L});
        rows.add(new Object[] {Long.MAX_VALUE, "max", 0L});
        db.batch("insert into accounts (id, owner, balance) values (?, ?, ?)", rows);
        return rows.size();
    }

    /** Invoices 1..200 with totals 0..99 and customers -5..5. */
    static void invoices(TestDatabase db) {
        List<Object[]> invoices = new ArrayList<>();
        for (long i = 1; i <= INVOICES; i++) {
            invoices.add(new Object[] {i, (int) (i % 11) - 5, (double) (i % 100)});
        }
        db.batch("insert into invoices (id, customer_id, total) values (?, ?, ?)", invoices);
    }
}
