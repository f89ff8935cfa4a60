package io.khora.bench.persistence;

import org.hibernate.SessionFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The probe's Hibernate session factories, one per database ({@link Database#sessionFactory()}),
 * shared by the Khora mechanisms of that database (the 1- and 4-partition loads, the 1- and
 * 4-partition write-behind) as one application would share them; closed when the probe ends.
 */
final class SessionFactories implements AutoCloseable {
    private final Map<Database, SessionFactory> factories = new LinkedHashMap<>();

    /** The session factory of {@code db}, built on first use. */
    SessionFactory of(Database db) {
        return factories.computeIfAbsent(db, Database::sessionFactory);
    }

    @Override
    public void close() {
        factories.values().forEach(SessionFactory::close);
        factories.clear();
    }
}
