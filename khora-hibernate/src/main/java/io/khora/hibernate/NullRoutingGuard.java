package io.khora.hibernate;

import io.khora.internal.metadata.TypeDescriptor;
import io.khora.internal.metadata.TypeIntrospector;
import io.khora.persistence.DataIterator;
import io.khora.persistence.DataSourceException;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.persister.entity.EntityPersister;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import java.util.function.Function;

/**
 * Passes an initial-load iterator's rows through, failing with a {@link DataSourceException} that
 * names the type and the id at the first row whose routing value is null: such a row has no
 * partition, and loading around it would leave the space silently incomplete. (The space turns the
 * failure into an INVALID state.)
 */
final class NullRoutingGuard implements DataIterator<Object> {
    private final DataIterator<Object> delegate;
    private final MappedEntity entity;
    private final Function<Object, Object> routing;
    private final Function<Object, Object> id;

    private NullRoutingGuard(DataIterator<Object> delegate, MappedEntity entity, Function<Object, Object> routing,
                             Function<Object, Object> id) {
        this.delegate = delegate;
        this.entity = entity;
        this.routing = routing;
        this.id = id;
    }

    /** {@code delegate} guarded for {@code entity}'s routing property. */
    static DataIterator<Object> wrap(DataIterator<Object> delegate, MappedEntity entity, SessionFactory sessionFactory) {
        Function<Object, Object> id = sessionFactory.getPersistenceUnitUtil()::getIdentifier;
        Function<Object, Object> routing;
        String name = entity.routingProperty();
        if (entity.routingIsId()) {
            routing = id;
        } else if (entity.routingMapped()) {
            MappingMetamodel metamodel = sessionFactory.unwrap(SessionFactoryImplementor.class).getMappingMetamodel();
            Map<Class<?>, EntityPersister> persisters = new ConcurrentHashMap<>();
            routing = row -> persisters.computeIfAbsent(row.getClass(), metamodel::getEntityDescriptor).getPropertyValue(row, name);
        } else {
            routing = row -> readWithCodec(row, name);
        }
        return new NullRoutingGuard(delegate, entity, routing, id);
    }

    private static Object readWithCodec(Object row, String property) {
        TypeDescriptor td = TypeIntrospector.describe(row.getClass());
        return td.codec().toValues(row)[td.property(property).position()];
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public Object next() {
        Object row = delegate.next();
        if (row != null && routing.apply(row) == null) {
            throw new DataSourceException("row of type " + row.getClass().getName() + " with id " + id.apply(row)
                    + " has a null routing value (property '" + entity.routingProperty()
                    + "'): it belongs to no partition; fix the row or the @SpaceRouting property", null);
        }
        return row;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
